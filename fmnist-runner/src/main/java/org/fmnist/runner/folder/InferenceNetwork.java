package org.fmnist.runner.folder;

import java.io.IOException;
import java.nio.file.Path;
import org.fmnist.core.model.Network;
import org.fmnist.core.model.OneDnnLayers;

/**
 * A saved model.zip loaded for inference ({@code predict}, {@code ensemble}), on the same oneDNN path
 * the model trained on. A model.zip holds DL4J's configuration and weights but not the helpers, which
 * DL4J never attaches by itself: restored as it is, a CNN scores its images through im2col + gemm,
 * several times slower than during its run.
 */
public final class InferenceNetwork {
    private InferenceNetwork() {}

    /** The network in {@code modelZip}, without its optimizer state, with oneDNN helpers on the layers they can take. */
    public static Network load(Path modelZip) throws IOException {
        Network net = Network.restore(modelZip, false);
        OneDnnLayers.attachWhereSupported(net);
        return net;
    }
}
