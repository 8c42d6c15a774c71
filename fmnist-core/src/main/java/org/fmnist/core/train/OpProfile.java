package org.fmnist.core.train;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.Op;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.profiler.OpProfiler;
import org.nd4j.linalg.profiler.ProfilerConfig;
import org.nd4j.linalg.profiler.data.StringAggregator;

/**
 * Counts and times every native op ND4J executes during the gradient steps of one epoch, through
 * ND4J's own {@link OpProfiler}: it shows how many native calls a training step makes and how much
 * of the step they take, which is what decides a small model's speed ({@code runner bench --profile-ops}).
 * Steps 2 to the last of the epoch are profiled; the first starts it. Evaluation after the epoch is not.
 */
public final class OpProfile implements TrainingListener {
    private final int epoch;
    private final OpTimes times = new OpTimes();
    private int steps;
    private long calls;
    private boolean on;

    /** @param epoch the 1-based epoch whose steps are profiled */
    public OpProfile(int epoch) {
        this.epoch = epoch;
    }

    @Override
    public void onBatchEnd(int epoch, int batch, int batches, double loss) {
        if (epoch != this.epoch) {
            return;
        }
        if (on) {
            steps++;
        }
        // An epoch of one batch has no step after the first to profile.
        if (batch == 1 && batches > 1) {
            OpProfiler.getInstance().reset();
            OpProfiler.getInstance().setClassAggergator(times);
            Nd4j.getExecutioner().setProfilingConfig(ProfilerConfig.builder().checkElapsedTime(true).build());
            on = true;
        } else if (on && batch == batches) {
            Nd4j.getExecutioner().setProfilingConfig(ProfilerConfig.builder().build());
            calls = OpProfiler.getInstance().getInvocationsCount();
            on = false;
        }
    }

    /** Per step, by op name, the calls and their mean time; most time first. */
    public Map<String, Object> summary() {
        if (steps == 0) {
            throw new IllegalStateException("epoch " + epoch + " was not trained, so nothing was profiled");
        }
        List<Map.Entry<String, long[]>> ops = new ArrayList<>(times.byOp.entrySet());
        ops.sort(Comparator.comparingLong((Map.Entry<String, long[]> e) -> e.getValue()[1]).reversed());
        long timedCalls = 0;
        long nanos = 0;
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Map.Entry<String, long[]> op : ops) {
            long[] v = op.getValue();
            timedCalls += v[0];
            nanos += v[1];
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("op", op.getKey());
            row.put("calls_per_step", (double) v[0] / steps);
            row.put("mean_microseconds", v[1] / 1e3 / v[0]);
            row.put("microseconds_per_step", v[1] / 1e3 / steps);
            rows.add(row);
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("epoch", epoch);
        summary.put("steps", steps);
        summary.put("op_calls_per_step", (double) calls / steps);
        // ND4J times custom, transform and scalar ops; its broadcast and reduction calls are only counted.
        summary.put("timed_op_calls_per_step", (double) timedCalls / steps);
        summary.put("op_microseconds_per_step", nanos / 1e3 / steps);
        summary.put("ops", rows);
        return summary;
    }

    /** ND4J hands every timed call to its class aggregator; this one keeps calls and nanoseconds by op name. */
    private static final class OpTimes extends StringAggregator {
        final Map<String, long[]> byOp = new TreeMap<>();

        @Override
        public void putTime(String opClass, Op op, long nanos) {
            add(op.opName(), nanos);
        }

        @Override
        public void putTime(String opClass, CustomOp op, long nanos) {
            add(op.opName(), nanos);
        }

        private void add(String op, long nanos) {
            long[] v = byOp.computeIfAbsent(op, k -> new long[2]);
            v[0]++;
            v[1] += nanos;
        }
    }
}
