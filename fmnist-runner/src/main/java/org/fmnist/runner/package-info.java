/**
 * The {@code runner} command: reads a spec, builds the one Guice injector, trains, evaluates and
 * writes the run folder. The only module that knows all the others.
 */
package org.fmnist.runner;
