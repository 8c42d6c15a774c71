package org.fmnist.runner.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.fmnist.core.data.DataLocator;
import org.fmnist.core.data.Split;
import org.fmnist.core.model.Network;
import org.fmnist.runner.folder.InferenceNetwork;

/** A finished run's model, given as its run folder or its model.zip, and the test set to use it on. */
public final class SavedRun {
    private SavedRun() {}

    /** The model file: {@code runOrModel/model.zip} for a run folder, else {@code runOrModel} itself. */
    public static Path modelFile(Path runOrModel) {
        return Files.isDirectory(runOrModel) ? runOrModel.resolve("model.zip") : runOrModel;
    }

    /** The network, for inference (the optimizer state is not loaded). */
    public static Network network(Path runOrModel) throws IOException {
        return InferenceNetwork.load(modelFile(runOrModel));
    }

    /** The official test set, found the standard way (no download). */
    public static Split testSet(Map<String, String> environment) {
        return DataLocator.standard(null, DataLocator.defaultCache(environment), Optional.empty(), environment).load().test();
    }
}
