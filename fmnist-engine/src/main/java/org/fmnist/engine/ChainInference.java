package org.fmnist.engine;

import java.lang.ref.Reference;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.FloatPointer;
import org.fmnist.core.model.BatchInference;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Inference as one chain of oneDNN primitives planned per batch size ({@link FusedInference} for stacks
 * of layers, {@link FusedGraphInference} for graphs): what scoring a batch through such a chain takes,
 * whatever the network. A pass has its full batches and a last, smaller one, so each chain is planned
 * once and run batch after batch.
 */
abstract class ChainInference implements BatchInference {

    /** A chain for one batch size, with the memory it reads the rows from and writes the probabilities to. */
    record Planned(PrimitiveChain chain, memory input, memory output, int classes) {}

    protected final engine cpu = new engine(engine.kind.cpu, 0);
    protected final stream queue = new stream(cpu);
    private final Map<Integer, Planned> chains = new HashMap<>();

    /** The chain for batches of {@code n} rows, its input memory over no data yet. */
    protected abstract Planned plan(int n);

    @Override
    public final void score(INDArray features, float[] into, int offset) {
        INDArray rows = features.dataType() == DataType.FLOAT && features.ordering() == 'c' && !features.isView()
                ? features
                : features.castTo(DataType.FLOAT).dup('c');
        int n = (int) rows.size(0);
        Planned planned = chains.computeIfAbsent(n, this::plan);
        planned.input().set_data_handle(rows.data().addressPointer());
        planned.chain().run();
        // The chain read the array's memory natively; it must not be collected before that.
        Reference.reachabilityFence(rows);
        new FloatPointer(planned.output().get_data_handle()).position(0).get(into, offset, n * planned.classes());
    }

    /** The kernels oneDNN chose for the chain's primitives at batches of {@code n} ({@link PrimitiveChain#kernels}). */
    final List<String> kernels(int n) {
        return chains.computeIfAbsent(n, this::plan).chain().kernels();
    }

    @Override
    public final void close() {
        chains.values().forEach(planned -> planned.chain().close());
        chains.clear();
        queue.close();
        cpu.close();
    }
}
