package org.fmnist.core.model;

import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Scores batch after batch of images in inference mode (no dropout), for one pass over a data set;
 * made by {@link Network#inference()}, closed by the caller.
 */
public interface BatchInference extends AutoCloseable {

    /**
     * Writes the class probabilities of {@code features} ({@code [rows, 784]}), row after row, into
     * {@code into} from index {@code offset} on.
     */
    void score(INDArray features, float[] into, int offset);

    @Override
    void close();

    /**
     * Copies {@code rows}, row after row, into {@code into} from {@code offset}, in one bulk read of
     * its native memory. ND4J's {@code toFloatVector} reads element by element; for the dense model
     * it took about a tenth of the inference time ({@code bench/probes/DenseInference.java}).
     */
    static void copyRows(INDArray rows, float[] into, int offset) {
        INDArray dense = rows.dataType() == DataType.FLOAT && rows.ordering() == 'c' && !rows.isView()
                ? rows
                : rows.castTo(DataType.FLOAT).dup('c');
        new FloatPointer(dense.data().addressPointer()).position(0).get(into, offset, (int) dense.length());
    }
}
