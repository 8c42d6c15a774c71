/**
 * The training loop and the small listeners that watch it (progress, history, tracking), after
 * DJL's training utilities: the loop only trains, each listener does one thing.
 */
package org.fmnist.core.train;
