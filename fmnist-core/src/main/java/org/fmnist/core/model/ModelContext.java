package org.fmnist.core.model;

import org.nd4j.linalg.learning.config.IUpdater;

/**
 * What a model needs from the experiment besides its own parameters.
 *
 * @param seed seed for weight initialisation
 * @param updater the optimizer, configured with the spec's learning rate
 */
public record ModelContext(long seed, IUpdater updater) {}
