/**
 * The models a spec can name in {@code model.type}, and the Guice module that registers them.
 * Each model is one {@link org.fmnist.core.model.ModelFactory} class plus one line in
 * {@link org.fmnist.models.ModelsModule}.
 */
package org.fmnist.models;
