package org.fmnist.engine;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_FROM;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_TO;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.primitive_desc_base;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * oneDNN primitives (and any Java steps between them) run in order on one CPU stream, with the memory
 * they read and write. A chain owns every native object made through it: they live until
 * {@link #close}, however long Java keeps no other reference to them.
 */
final class PrimitiveChain implements AutoCloseable {
    private final engine cpu;
    private final stream queue;
    private final List<Runnable> steps = new ArrayList<>();
    private final List<Pointer> owned = new ArrayList<>();
    private final List<primitive> primitives = new ArrayList<>();

    PrimitiveChain(engine cpu, stream queue) {
        this.cpu = cpu;
        this.queue = queue;
    }

    <T extends Pointer> T keep(T pointer) {
        owned.add(pointer);
        return pointer;
    }

    /** New memory laid out as {@code desc}, allocated by oneDNN. */
    memory memory(memory.desc desc) {
        return keep(new memory(desc, cpu));
    }

    /** Memory laid out as {@code desc} over floats that lie elsewhere (an ND4J array's), or over none yet. */
    memory over(memory.desc desc, Pointer floats) {
        return keep(new memory(desc, cpu, floats));
    }

    /** Adds {@code step} with its arguments, keyed by oneDNN's {@code DNNL_ARG_*}. */
    void add(primitive step, Map<Integer, memory> arguments) {
        IntMemoryMap args = keep(new IntMemoryMap());
        arguments.forEach(args::put);
        primitives.add(keep(step));
        steps.add(() -> step.execute(queue, args));
    }

    /**
     * Each primitive's kind and the kernel oneDNN chose for it on this CPU ({@code jit:avx2}, {@code ref:any}),
     * in order. Read only when asked: a pass plans its chain anew, and the names are for tests and profiles.
     */
    List<String> kernels() {
        List<String> kernels = new ArrayList<>();
        for (primitive step : primitives) {
            try (primitive_desc_base pd = new primitive_desc_base(step.get_dnnl_primitive_desc(), true)) {
                kernels.add(step.get_kind() + " " + pd.impl_info_str().getString());
            }
        }
        return List.copyOf(kernels);
    }

    /** Adds a step in Java, which sees everything the primitives before it wrote. */
    void then(Runnable java) {
        steps.add(() -> {
            queue._wait();
            java.run();
        });
    }

    /** {@code source}, or, when it is laid out otherwise, a copy of it as {@code wanted} made by a reorder step. */
    memory reordered(memory source, memory.desc wanted) {
        if (source.get_desc().equals(wanted)) {
            return source;
        }
        memory target = memory(wanted);
        copy(source, target);
        return target;
    }

    /** Adds a reorder step from {@code source} into {@code target}, or nothing when they are the same memory. */
    void copy(memory source, memory target) {
        if (source != target) {
            add(new reorder(source, target), Map.of(DNNL_ARG_FROM, source, DNNL_ARG_TO, target));
        }
    }

    /** Copies {@code source} into {@code target} now, once. */
    void copyNow(memory source, memory target) {
        try (reorder once = new reorder(source, target)) {
            once.execute(queue, source, target);
            queue._wait();
        }
    }

    static void fill(memory m, float[] values) {
        new FloatPointer(m.get_data_handle()).position(0).put(values);
    }

    void run() {
        steps.forEach(Runnable::run);
        queue._wait();
    }

    @Override
    public void close() {
        for (int i = owned.size() - 1; i >= 0; i--) {
            owned.get(i).close();
        }
        owned.clear();
        primitives.clear();
        steps.clear();
    }
}
