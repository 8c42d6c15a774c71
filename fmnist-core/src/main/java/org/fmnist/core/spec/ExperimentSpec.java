package org.fmnist.core.spec;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** One experiment, as written in a YAML spec and completed by the built-in defaults. */
public record ExperimentSpec(
        @JsonPropertyDescription("Name of the experiment: letters, digits, '.', '_' and '-'. Names the run folder.")
        String name,
        @JsonPropertyDescription("Free text saying what the experiment is for.")
        String description,
        @JsonPropertyDescription("Seed for weight initialisation, shuffling and every other random choice.")
        long seed,
        @JsonPropertyDescription("Where the Fashion-MNIST files come from and how much of them to use.")
        DataSpec data,
        @JsonPropertyDescription("The model: 'type' picks a registered model; its other keys are that model's parameters.")
        PluginSpec model,
        @JsonPropertyDescription("How the model is trained.")
        TrainingSpec training,
        @JsonPropertyDescription("How the trained model is scored on the test set.")
        EvaluationSpec evaluation,
        @JsonPropertyDescription("Where the run is recorded besides its run folder.")
        TrackingSpec tracking,
        @JsonPropertyDescription("What the run writes and where.")
        OutputSpec output,
        @JsonPropertyDescription("Captions for test predictions, and how well they agree with the classes.")
        CaptioningSpec captioning,
        @JsonPropertyDescription("Augmentations applied, in order, to training images on the fly: a list of {type: NAME, ...}; 'runner augmentations' lists them.")
        List<PluginSpec> augment,
        @JsonPropertyDescription("Runs this spec once for every combination of the values in sweep.grid, as child runs of one sweep.")
        SweepSpec sweep) {

    public ExperimentSpec {
        augment = augment == null ? List.of() : List.copyOf(augment);
        // An empty list in the defaults leaves no section behind once the layers are merged.
        evaluation = evaluation == null ? new EvaluationSpec(List.of()) : evaluation;
    }

    /** This spec as one point of its sweep: the same keys, no grid. */
    public ExperimentSpec asSweepPoint() {
        return new ExperimentSpec(name, description, seed, data, model, training, evaluation, tracking, output, captioning, augment,
                sweep.withoutGrid());
    }
}
