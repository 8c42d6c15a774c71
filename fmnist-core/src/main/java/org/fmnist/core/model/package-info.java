/**
 * The extension point for models: a {@link org.fmnist.core.model.ModelFactory} builds a network from
 * its own typed parameters; model modules register factories by the name a spec's
 * {@code model.type} uses.
 */
package org.fmnist.core.model;
