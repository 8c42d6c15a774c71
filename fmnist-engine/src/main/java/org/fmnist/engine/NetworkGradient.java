package org.fmnist.engine;

import org.deeplearning4j.nn.gradient.DefaultGradient;
import java.util.function.Supplier;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A network's gradient as its own updater expects it: {@link #gradient()} is the network's gradient view
 * itself. DL4J's {@code DefaultGradient} hands out a reshaped copy of the view object each time, so
 * DL4J's updater takes every step's gradient for an "external" one (one from another network) and
 * rebuilds, each step, the views of every parameter and of the slices it divides by the batch size:
 * about 2 ms of the compact CNN's 27 ms step, in ND4J calls. Given the view itself, the updater uses the
 * views it built once. The arithmetic is the same on the same memory, so the updates are too
 * ({@code FusedCnnTrainingTest}, {@code DenseStackTrainingTest} compare them with DL4J's step).
 */
final class NetworkGradient extends DefaultGradient {
    private final Supplier<INDArray> view;

    /** {@code view}: the network's {@code getFlattenedGradients}. */
    NetworkGradient(Supplier<INDArray> view) {
        super(view.get());
        this.view = view;
    }

    @Override
    public INDArray gradient() {
        return view.get();
    }
}
