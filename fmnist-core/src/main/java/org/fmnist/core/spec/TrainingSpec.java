package org.fmnist.core.spec;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** How the model is trained. */
public record TrainingSpec(
        @JsonPropertyDescription("Passes over the training set.")
        int epochs,
        @JsonPropertyDescription("Images per gradient step.")
        int batchSize,
        @JsonPropertyDescription("Gradient-descent algorithm.")
        Optimizer optimizer,
        @JsonPropertyDescription("Step size of the optimizer.")
        double learningRate,
        @JsonPropertyDescription("Native threads for the maths (0: the model's measured best on this machine).")
        int threads,
        @JsonPropertyDescription("Fraction of the training set held out, with the seed, to validate on after each epoch (0: report the test set each epoch instead).")
        double validationSplit,
        @JsonPropertyDescription("Stop after this many epochs without a lower validation loss, and keep the best epoch's weights (0: off; needs validation_split).")
        int earlyStoppingPatience,
        @JsonPropertyDescription("How the learning rate changes over epochs.")
        LearningRateSchedule lrSchedule,
        @JsonPropertyDescription("With lr_schedule: step, multiply the learning rate by lr_step_factor every this many epochs.")
        int lrStepEpochs,
        @JsonPropertyDescription("With lr_schedule: step, the factor applied every lr_step_epochs.")
        double lrStepFactor,
        @JsonPropertyDescription("Epochs over which the learning rate rises in equal steps to learning_rate before lr_schedule begins (0: none).")
        int warmupEpochs,
        @JsonPropertyDescription("Share of each training label spread evenly over all ten classes, e.g. 0.1 (0: one-hot labels). Softens over-confident outputs.")
        double labelSmoothing,
        @JsonPropertyDescription("Decoupled weight decay: each step shrinks the weights of convolution and dense layers (not biases or batch-norm parameters) by learning rate x this (0: off).")
        double weightDecay) {}
