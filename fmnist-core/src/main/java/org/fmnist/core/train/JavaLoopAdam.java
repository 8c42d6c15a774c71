package org.fmnist.core.train;

import java.nio.FloatBuffer;
import java.util.Map;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.AdamUpdater;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Adam as DL4J computes it, to the bit, with its step as one Java loop over copies of the native
 * gradient and moments instead of libnd4j's {@code adam_updater} op. That op took 131 µs of the dense
 * model's 793 µs step for 25,450 weights, 5 ns a weight ({@code results/speed/profile-dense.md}), and
 * 1.4 ms of the compact CNN's step; the loop does the same arithmetic in float, in the same order,
 * about five times faster on one thread, copies included (in-process probe, 25,450 and 585,962
 * weights).
 *
 * <p>It is DL4J's Adam in every other respect (its configuration, and its state: the first moments,
 * then the second, in the updater's view array), so checkpoints, {@code model.zip} and
 * {@code resume} hold and restore what they did. The bias corrections
 * β<sup>t</sup> come from libnd4j's own {@code pow}, a window of iterations at a time: Java's
 * {@code Math.pow} rounds differently from it for some iterations, and at iteration 3,605 that
 * changes the step. {@code JavaLoopAdamTest} checks updates and moments against DL4J's over 5,000
 * steps, and a network's weights after training, saving and resuming.
 */
public final class JavaLoopAdam extends Adam {

    /** For Jackson, which reads the fields back through their setters. */
    public JavaLoopAdam() {}

    public JavaLoopAdam(double learningRate, double beta1, double beta2, double epsilon) {
        super(learningRate, beta1, beta2, epsilon);
    }

    @Override
    public GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray) {
        return new LoopUpdater(this, (AdamUpdater) super.instantiate(viewArray, initializeViewArray));
    }

    @Override
    public GradientUpdater instantiate(Map<String, INDArray> state, boolean initializeStateArrays) {
        return new LoopUpdater(this, (AdamUpdater) super.instantiate(state, initializeStateArrays));
    }

    @Override
    public JavaLoopAdam clone() {
        JavaLoopAdam copy = new JavaLoopAdam(getLearningRate(), getBeta1(), getBeta2(), getEpsilon());
        copy.setLearningRateSchedule(getLearningRateSchedule());
        return copy;
    }

    /** DL4J's updater for the state; the step done here. */
    private static final class LoopUpdater implements GradientUpdater<Adam> {
        private static final int POW_WINDOW = 1024;
        private final JavaLoopAdam config;
        private final AdamUpdater state;
        private final float[] beta1Powers = new float[POW_WINDOW];
        private final float[] beta2Powers = new float[POW_WINDOW];
        private int powersFrom = -1;
        // The gradient and the moments, copied out of native memory for the loop; sized on first use.
        private float[] grads = new float[0];
        private float[] firsts = new float[0];
        private float[] seconds = new float[0];

        LoopUpdater(JavaLoopAdam config, AdamUpdater state) {
            this.config = config;
            this.state = state;
        }

        @Override
        public Adam getConfig() {
            return config;
        }

        @Override
        public void setState(Map<String, INDArray> stateMap, boolean initialize) {
            state.setState(stateMap, initialize);
        }

        @Override
        public Map<String, INDArray> getState() {
            return state.getState();
        }

        @Override
        public void setStateViewArray(INDArray viewArray, long[] gradientShape, char gradientOrder, boolean initialize) {
            state.setStateViewArray(viewArray, gradientShape, gradientOrder, initialize);
        }

        /** Replaces {@code gradient} with the update, and moves the moments, as {@code adam_updater} does. */
        @Override
        public void applyUpdater(INDArray gradient, int iteration, int epoch) {
            INDArray m = state.getM();
            INDArray v = state.getV();
            if (m == null || v == null) {
                throw new IllegalStateException("Updater has not been initialized with view state");
            }
            if (!dense(gradient) || !dense(m) || !dense(v)) {
                // Not a layout DL4J gives its updaters (one flat float view per block); its own op
                // handles every layout.
                state.applyUpdater(gradient, iteration, epoch);
                return;
            }
            int n = Math.toIntExact(gradient.length());
            FloatBuffer gBuffer = floats(gradient, n);
            FloatBuffer mBuffer = floats(m, n);
            FloatBuffer vBuffer = floats(v, n);
            if (grads.length != n) {
                grads = new float[n];
                firsts = new float[n];
                seconds = new float[n];
            }
            // Bulk copies in and out: a loop over Java arrays is vectorised by the JIT, one over the
            // native buffers element by element is not, and took twice as long with the copies included.
            gBuffer.get(0, grads);
            mBuffer.get(0, firsts);
            vBuffer.get(0, seconds);

            // The same float arithmetic as libnd4j's adamUpdater_, step by step.
            float lr = (float) config.getLearningRate(iteration, epoch);
            float beta1 = (float) config.getBeta1();
            float beta2 = (float) config.getBeta2();
            float epsilon = (float) config.getEpsilon();
            coverPowers(iteration);
            float beta1T = beta1Powers[iteration - powersFrom];
            float beta2T = beta2Powers[iteration - powersFrom];
            float epsilonT = (float) ((lr * (float) Math.sqrt((float) (1.0 - beta2T))) / (1.0 - beta1T));
            if (Float.isNaN(epsilonT) || Float.isInfinite(epsilonT) || epsilonT == 0) {
                epsilonT = epsilon;
            }
            float keep1 = 1 - beta1;
            float keep2 = 1 - beta2;
            for (int i = 0; i < n; i++) {
                float gi = grads[i];
                float mi = beta1 * firsts[i] + gi * keep1;
                float vi = beta2 * seconds[i] + gi * gi * keep2;
                firsts[i] = mi;
                seconds[i] = vi;
                grads[i] = mi * epsilonT / ((float) Math.sqrt(vi) + epsilon);
            }
            gBuffer.put(0, grads);
            mBuffer.put(0, firsts);
            vBuffer.put(0, seconds);
        }

        /** Makes sure the windows of β<sup>t</sup> cover {@code iteration}, computing them by one pow op each. */
        private void coverPowers(int iteration) {
            if (powersFrom < 0 || iteration < powersFrom || iteration >= powersFrom + POW_WINDOW) {
                powersFrom = iteration;
                float[] exponents = new float[POW_WINDOW];
                for (int k = 0; k < POW_WINDOW; k++) {
                    exponents[k] = (float) (iteration + k) + 1;
                }
                INDArray e = Nd4j.createFromArray(exponents);
                fill(beta1Powers, (float) config.getBeta1(), e);
                fill(beta2Powers, (float) config.getBeta2(), e);
            }
        }

        private static void fill(float[] window, float beta, INDArray exponents) {
            INDArray base = Nd4j.valueArrayOf(exponents.shape(), beta, DataType.FLOAT);
            System.arraycopy(Transforms.pow(base, exponents, false).toFloatVector(), 0, window, 0, window.length);
        }

        private static boolean dense(INDArray a) {
            return a.dataType() == DataType.FLOAT && a.elementWiseStride() == 1 && a.length() <= Integer.MAX_VALUE;
        }

        /** The array's n floats where they lie in native memory (the address includes a view's offset). */
        private static FloatBuffer floats(INDArray a, int n) {
            if (a.length() != n) {
                throw new IllegalStateException("gradient and Adam state differ in length: " + n + " and " + a.length());
            }
            return new FloatPointer(a.data().addressPointer()).capacity(n).asBuffer();
        }
    }
}
