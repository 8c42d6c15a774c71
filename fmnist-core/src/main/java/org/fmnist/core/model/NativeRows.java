package org.fmnist.core.model;

import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A native {@code [rows, columns]} float array refilled batch after batch and made anew only when the
 * row count changes (a last, smaller batch). Allocating a native array per batch cost a measurable share
 * of a small model's training step, and of its inference. The rows are copied in by one JavaCPP
 * {@code put} (a memcpy): ND4J's {@code DataBuffer.setData} took ten times as long, about 2 ms per
 * 1,000 images, as much as the dense model's forward pass.
 */
public final class NativeRows implements AutoCloseable {
    private final int columns;
    private INDArray array;

    public NativeRows(int columns) {
        this.columns = columns;
    }

    /** The array, holding {@code values} ({@code rows × columns} of them, row after row). */
    public INDArray holding(float[] values, int rows) {
        return holding(values, 0, rows);
    }

    /** The array, holding {@code rows} rows of {@code values} from row {@code firstRow} on. */
    public INDArray holding(float[] values, int firstRow, int rows) {
        if (array == null || array.size(0) != rows) {
            close();
            array = Nd4j.create(DataType.FLOAT, rows, columns);
        }
        new FloatPointer(array.data().addressPointer()).position(0).put(values, firstRow * columns, rows * columns);
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
