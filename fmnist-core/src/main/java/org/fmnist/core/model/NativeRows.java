package org.fmnist.core.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A native {@code [rows, columns]} float array refilled batch after batch and made anew only when the
 * row count changes (a last, smaller batch). Allocating a native array per batch cost a measurable share
 * of a small model's training step, and of its inference.
 */
public final class NativeRows implements AutoCloseable {
    private final int columns;
    private INDArray array;

    public NativeRows(int columns) {
        this.columns = columns;
    }

    /** The array, holding {@code values} ({@code rows × columns} of them, row after row). */
    public INDArray holding(float[] values, int rows) {
        if (array == null || array.size(0) != rows) {
            close();
            array = Nd4j.create(DataType.FLOAT, rows, columns);
        }
        array.data().setData(values);
        return array;
    }

    @Override
    public void close() {
        if (array != null) {
            array.close();
            array = null;
        }
    }
}
