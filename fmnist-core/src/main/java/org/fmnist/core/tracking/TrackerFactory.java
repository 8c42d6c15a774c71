package org.fmnist.core.tracking;

/**
 * Makes a new {@link RunTracker} for one run. Registered in a {@code MapBinder} under the name
 * {@code tracking.type} gives, like models and augmentations; its keys are the components of
 * {@link #parametersType()}, given in the spec under {@code tracking.NAME}.
 *
 * @param <P> the tracker's keys: a record, snake_cased in the spec, each component described with
 *     {@code @JsonPropertyDescription}, defaults filled in by the record for keys left out
 */
public interface TrackerFactory<P extends Record> {
    /** One line saying where this tracker records runs. */
    String description();

    Class<P> parametersType();

    RunTracker create(P parameters);
}
