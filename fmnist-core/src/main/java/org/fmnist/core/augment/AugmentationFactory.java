package org.fmnist.core.augment;

/**
 * Builds one kind of augmentation from its parameters, registered under the name a spec's
 * {@code augment} entry gives as {@code type}. Like models, the parameters are a record whose
 * components are the allowed keys, each with a description, defaults filled in by the record.
 */
public interface AugmentationFactory<P extends Record> {

    String description();

    Class<P> parametersType();

    Augmentation create(P parameters);
}
