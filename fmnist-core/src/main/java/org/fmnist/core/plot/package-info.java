/**
 * PNG pictures of a run, drawn with Java2D so that no plotting stack is needed: the confusion
 * matrix heatmap, the sample-predictions grid and the training curves.
 */
package org.fmnist.core.plot;
