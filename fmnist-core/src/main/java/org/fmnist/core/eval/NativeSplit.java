package org.fmnist.core.eval;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.FloatPointer;
import org.fmnist.core.data.IdxFile;
import org.fmnist.core.data.Split;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A split's images copied once into native memory, as batches of {@link Predictor#BATCH} rows, for a
 * split scored pass after pass: the validation images every epoch, the test images of a benchmark.
 * A one-off pass copies each batch as it goes ({@link Predictor#predict(org.fmnist.core.model.Network,
 * Split)}); copying the pixels out of the Java heap took a fifth of the dense model's inference
 * ({@code bench/probes/DenseInference.java}), a cost PyTorch, which scores a tensor it made once, does
 * not pay per pass. Holds about 3 MB per 1,000 images until closed.
 */
public final class NativeSplit implements AutoCloseable {
    private final Split split;
    private final List<INDArray> batches = new ArrayList<>();

    private NativeSplit(Split split) {
        this.split = split;
        for (int start = 0; start < split.size(); start += Predictor.BATCH) {
            int rows = Math.min(Predictor.BATCH, split.size() - start);
            INDArray batch = Nd4j.create(DataType.FLOAT, rows, IdxFile.PIXELS);
            new FloatPointer(batch.data().addressPointer()).put(split.pixels(), start * IdxFile.PIXELS, rows * IdxFile.PIXELS);
            batches.add(batch);
        }
    }

    /** {@code split}'s images in native memory, until {@link #close}. */
    public static NativeSplit of(Split split) {
        return new NativeSplit(split);
    }

    public Split split() {
        return split;
    }

    /** Batch {@code b}: rows {@code b * Predictor.BATCH} on, at most {@link Predictor#BATCH} of them. */
    INDArray batch(int b) {
        return batches.get(b);
    }

    int batchCount() {
        return batches.size();
    }

    @Override
    public void close() {
        batches.forEach(INDArray::close);
        batches.clear();
    }
}
