package org.fmnist.core.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * How far a float computation may be from exact arithmetic by rounding alone, on any CPU: the bounds
 * every twin test compares within, never a tolerance tuned on one machine (the failure that made this
 * class was a weight 1.4e-5 apart, relative, after two steps, where an AVX-512 kernel summed a batch in
 * another order than the tolerance's machine).
 *
 * <p>One sum: {@code n} float terms added in any order (any blocking, vector width or fused
 * multiply-add) land within {@code γ(n)·Σ|terms|} of the exact sum, {@code γ(n) = n·u / (1 − n·u)},
 * {@code u = 2⁻²⁴} (Higham, <i>Accuracy and Stability of Numerical Algorithms</i>, 2nd ed., Lemma 3.1):
 * {@link #gamma}, for a test that compares one sum or average.
 *
 * <p>A network's step: that worst case, carried through a network, assumes every rounding pushes the
 * same way in every layer, and says nothing after a few of them (measured on the twin tests' networks:
 * a bound three times the value for the median weight of a four-layer dense network, ten thousand times
 * after four batch norms), so it could not tell a broken step from a right one. {@link NetworkRounding}
 * uses instead the probabilistic model of rounding (Higham and Mary, <i>A new approach to probabilistic
 * rounding error analysis</i>, SIAM J. Sci. Comput. 41(5), 2019): each rounding is an independent error
 * of mean zero and at most {@code u} times its result. A computed value's error is then a sum of such
 * contributions, each at most {@code cₖ}; its <i>spread</i> {@code √Σcₖ²} is carried through the step
 * (an {@code n}-term sum adds {@code √n·u·Σ|terms|}, errors of its inputs add in quadrature through
 * their slopes), and by Hoeffding's inequality the error exceeds {@link #SPREADS} spreads with
 * probability below {@code 2·e^(−SPREADS²/2)}, 4e-22 per value. Two implementations may each be off by
 * that much, so twins agree within twice it.
 */
public final class FloatRounding {
    private FloatRounding() {}

    /** How many spreads a twin's error may reach: Hoeffding's {@code 2·e^(−λ²/2)} is 4e-22 at 10. */
    public static final double SPREADS = 10;

    /** Float's unit roundoff: half the distance from 1 to the next float. */
    public static final double UNIT = 0x1p-24;

    /** {@code γ(n)}: the relative error of {@code n} roundings in a row, at most. */
    public static double gamma(long n) {
        double nu = n * UNIT;
        if (nu >= 1) {
            throw new IllegalArgumentException(n + " roundings: float can bound nothing this long");
        }
        return nu / (1 - nu);
    }

    /** The spread of an {@code n}-term float sum's own roundings: √n roundings of at most {@code magnitudes}. */
    public static double sumSpread(long n, double magnitudes) {
        return Math.sqrt(n) * UNIT * magnitudes;
    }

    /**
     * The most a float softmax's {@code classes} probabilities may sum away from 1: each rounds
     * {@code classes + 4} times (exp, the sum of the exponentials, the division), then their own sum rounds.
     */
    public static double probabilitiesSumBound(int classes) {
        return gamma(2L * classes + 4);
    }

    /**
     * Each of {@code actual}'s values within {@code bound} (elementwise, or one value for all) of
     * {@code expected}'s; the message names the first that is not.
     */
    public static void assertWithin(INDArray expected, INDArray actual, INDArray bound, String what) {
        double[] e = expected.castTo(DataType.DOUBLE).reshape(expected.length()).toDoubleVector();
        double[] a = actual.castTo(DataType.DOUBLE).reshape(actual.length()).toDoubleVector();
        double[] b = bound.castTo(DataType.DOUBLE).reshape(bound.length()).toDoubleVector();
        if (e.length != a.length || (b.length != 1 && b.length != e.length)) {
            throw new AssertionError(what + ": " + e.length + " values against " + a.length + " (bounds: " + b.length + ")");
        }
        for (int i = 0; i < e.length; i++) {
            double allowed = b[b.length == 1 ? 0 : i];
            if (!(Math.abs(e[i] - a[i]) <= allowed)) {
                throw new AssertionError(what + " differs at " + i + ": " + e[i] + " against " + a[i]
                        + ", more than rounding allows (" + allowed + ")");
            }
        }
    }

    /** {@code actual} within {@code bound} of {@code expected}. */
    public static void assertWithin(double expected, double actual, double bound, String what) {
        if (!(Math.abs(expected - actual) <= bound)) {
            throw new AssertionError(what + ": " + expected + " against " + actual + ", more than rounding allows (" + bound + ")");
        }
    }
}
