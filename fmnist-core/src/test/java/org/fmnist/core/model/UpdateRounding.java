package org.fmnist.core.model;

import static org.fmnist.core.model.FloatRounding.gamma;

import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.api.Trainable;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.learning.regularization.Regularization;

/**
 * How far apart two networks' updates may land when they start from the same weights and optimizer
 * state and run DL4J's updater on gradients that differ by rounding ({@link NetworkRounding}): the
 * update, the weights after it, and the optimizer's state, value by value.
 *
 * <p>Both twins' gradients lie within the bound of DL4J's, so each lies within twice the bound of it;
 * the updater is then the same function on two inputs of that interval. For SGD and momentum it is
 * linear, so the interval's width scales by its coefficients. Adam divides by the root of its second
 * moment, which can magnify a rounding in a gradient near zero into a whole step; the bound takes Adam's
 * range over the interval (its numerator's and denominator's ends), which is that whole step where
 * rounding cannot tell a gradient from zero, and a rounding of it elsewhere. Each side's own arithmetic
 * adds a few roundings relative to the magnitudes it combines.
 */
public final class UpdateRounding {
    private UpdateRounding() {}

    /** Bounds on the twins' differences, in the layouts of the parameters and of the updater's state. */
    public record Bounds(INDArray update, INDArray weights, INDArray state) {}

    /** For {@code net} before its step, whose gradient on a batch of {@code batchSize} is {@code gradient}. */
    public static Bounds of(Model net, NetworkRounding.Gradient gradient, int batchSize) {
        BaseMultiLayerUpdater<?> updater;
        int iteration;
        int epoch;
        if (net instanceof MultiLayerNetwork m) {
            updater = (BaseMultiLayerUpdater<?>) m.getUpdater();
            iteration = m.getIterationCount();
            epoch = m.getEpochCount();
        } else {
            ComputationGraph g = (ComputationGraph) net;
            updater = g.getUpdater();
            iteration = g.getIterationCount();
            epoch = g.getEpochCount();
        }
        double[] raw = doubles(gradient.raw());
        double[] bound = doubles(gradient.bound());
        double[] weights = doubles(net.params());
        INDArray stateView = updater.getStateViewArray();
        double[] state = stateView == null ? new double[0] : doubles(stateView);
        double[] update = new double[raw.length];
        double[] after = new double[raw.length];
        double[] moved = new double[state.length];

        for (UpdaterBlock block : updater.getUpdaterBlocks()) {
            IUpdater config = block.getGradientUpdater().getConfig();
            int start = block.getParamOffsetStart();
            int length = block.getParamOffsetEnd() - start;
            int stateStart = block.getUpdaterViewOffsetStart();
            double rate = config.hasLearningRate() ? config.getLearningRate(iteration, epoch) : 1;
            for (UpdaterBlock.ParamState param : block.getLayersAndVariablesInBlock()) {
                Trainable layer = param.getLayer();
                String name = param.getParamName();
                INDArray view = layer.paramTable(false).get(name);
                List<Regularization> regularisation = layer.getConfig().getRegularizationByParam(name);
                double[] beforeUpdater = regularised(regularisation, Regularization.ApplyStep.BEFORE_UPDATER, view, rate, iteration, epoch);
                double[] afterUpdater = regularised(regularisation, Regularization.ApplyStep.POST_UPDATER, view, rate, iteration, epoch);
                double scale = layer.updaterDivideByMinibatch(name) ? 1.0 / batchSize : 1;
                for (int i = param.getParamOffsetStart(); i < param.getParamOffsetEnd(); i++) {
                    int j = i - param.getParamOffsetStart();
                    int k = i - start;
                    double g = raw[i] * scale;
                    // The two gradients the updater receives: both within twice the bound of DL4J's, then
                    // each divided by the batch and regularised in its own rounding.
                    double width = 2 * bound[i] * scale + 2 * gamma(2) * (Math.abs(g) + Math.abs(beforeUpdater[j]));
                    g += beforeUpdater[j];
                    double u;
                    double du;
                    if (config instanceof NoOp) {
                        u = g;
                        du = width;
                    } else if (config instanceof Sgd) {
                        u = rate * g;
                        du = rate * width + 2 * gamma(1) * Math.abs(u);
                    } else if (config instanceof Nesterovs nesterovs) {
                        // v' = μv - lr·g, update = μv - (1 + μ)v'.
                        double mu = nesterovs.currentMomentum(iteration, epoch);
                        double v = state[stateStart + k];
                        double vNext = mu * v - rate * g;
                        u = mu * v - (1 + mu) * vNext;
                        double terms = mu * Math.abs(v) + rate * Math.abs(g);
                        du = (1 + mu) * rate * width + 2 * gamma(4) * (mu * Math.abs(v) + (1 + mu) * terms);
                        moved[stateStart + k] = rate * width + 2 * gamma(2) * terms;
                    } else if (config instanceof Adam adam) {
                        double[] adamBounds = adam(adam, rate, iteration, g, width, state[stateStart + k],
                                state[stateStart + length + k]);
                        u = adamBounds[0];
                        du = adamBounds[1];
                        moved[stateStart + k] = adamBounds[2];
                        moved[stateStart + length + k] = adamBounds[3];
                    } else {
                        throw new UnsupportedOperationException("the updater " + config);
                    }
                    du += 2 * gamma(1) * (Math.abs(u) + Math.abs(afterUpdater[j]));
                    u += afterUpdater[j];
                    update[i] = du;
                    after[i] = du + 2 * gamma(1) * (Math.abs(weights[i]) + Math.abs(u));
                }
            }
        }
        return new Bounds(Nd4j.createFromArray(update), Nd4j.createFromArray(after), Nd4j.createFromArray(moved));
    }

    /**
     * Adam (as libnd4j's {@code adam_updater}: m' = β1·m + (1-β1)g, v' = β2·v + (1-β2)g², update =
     * α·m'/(√v' + ε), α = lr·√(1-β2ᵗ)/(1-β1ᵗ)) over gradients in {@code g ± width}: the update, and the
     * bounds on the update's, m's and v's differences.
     */
    private static double[] adam(Adam adam, double rate, int iteration, double g, double width, double m, double v) {
        double b1 = adam.getBeta1();
        double b2 = adam.getBeta2();
        double eps = adam.getEpsilon();
        int t = iteration + 1;
        double alpha = rate * Math.sqrt(1 - Math.pow(b2, t)) / (1 - Math.pow(b1, t));
        double lo = g - width;
        double hi = g + width;
        double mLo = b1 * m + (1 - b1) * lo;
        double mHi = b1 * m + (1 - b1) * hi;
        double squareMin = lo <= 0 && hi >= 0 ? 0 : Math.min(lo * lo, hi * hi);
        double squareMax = Math.max(lo * lo, hi * hi);
        double vLo = b2 * v + (1 - b2) * squareMin;
        double vHi = b2 * v + (1 - b2) * squareMax;
        double dLo = Math.sqrt(vLo) + eps;
        double dHi = Math.sqrt(vHi) + eps;
        double[] corners = {mLo / dLo, mLo / dHi, mHi / dLo, mHi / dHi};
        double least = Double.POSITIVE_INFINITY;
        double most = Double.NEGATIVE_INFINITY;
        for (double c : corners) {
            least = Math.min(least, c);
            most = Math.max(most, c);
        }
        double u = alpha * (b1 * m + (1 - b1) * g) / (Math.sqrt(b2 * v + (1 - b2) * g * g) + eps);
        double firstMagnitude = b1 * Math.abs(m) + (1 - b1) * Math.max(Math.abs(lo), Math.abs(hi));
        double du = alpha * (most - least) + 2 * gamma(12) * alpha * firstMagnitude / dLo;
        double dm = (1 - b1) * (hi - lo) + 2 * gamma(3) * firstMagnitude;
        double dv = (1 - b2) * (squareMax - squareMin) + 2 * gamma(4) * vHi;
        return new double[] {u, du, dm, dv};
    }

    /** What {@code regularisation}'s terms applied at {@code step} add to a zero gradient for {@code param}. */
    private static double[] regularised(List<Regularization> regularisation, Regularization.ApplyStep step, INDArray param,
                                        double rate, int iteration, int epoch) {
        INDArray added = param.dup(param.ordering()).assign(0);
        if (regularisation != null) {
            for (Regularization r : regularisation) {
                if (r.applyStep() == step) {
                    r.apply(param, added, rate, iteration, epoch);
                }
            }
        }
        // In the parameter's own order, as its values lie in the flattened parameters.
        return added.reshape(param.ordering(), new long[] {added.length()}).castTo(DataType.DOUBLE).toDoubleVector();
    }

    private static double[] doubles(INDArray a) {
        return a.castTo(DataType.DOUBLE).dup('c').reshape(a.length()).toDoubleVector();
    }
}
