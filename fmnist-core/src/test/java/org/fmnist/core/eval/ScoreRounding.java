package org.fmnist.core.eval;

import java.util.ArrayList;
import java.util.List;
import org.fmnist.core.data.FashionClass;
import org.fmnist.core.data.IdxFile;
import org.fmnist.core.data.Split;
import org.fmnist.core.model.FloatRounding;
import org.fmnist.core.model.Network;
import org.fmnist.core.model.NetworkRounding;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * How far two float computations of the same scores may differ, when each scores a split with the same
 * networks, views and averaging but its own summation orders (another path through oneDNN, another
 * CPU): the scores' bounds for tests that score a run again and compare with what the run wrote.
 *
 * <p>Each probability may differ by twice its {@link NetworkRounding#outputBound}, averaged over views and
 * members as they are averaged, plus the average's own float rounding. An image's class may differ only
 * where its two likeliest classes are closer than their bounds, so accuracy may differ by those images'
 * share. The loss, {@code -log p} of the true class averaged, moves by {@code dp / p} an image.
 */
public final class ScoreRounding {
    private ScoreRounding() {}

    /** The most the accuracy and the loss may differ. */
    public record Bounds(double accuracy, double loss) {}

    /** For the mean of {@code members}' predictions on {@code split}, each averaged over {@code views}. */
    public static Bounds of(List<Network> members, Split split, List<TestTimeAugmentation> views) {
        int n = split.size();
        int classes = FashionClass.COUNT;
        List<Predictions> outputs = new ArrayList<>();
        double[] bound = new double[n * classes];
        int averaged = 0;
        for (Network member : members) {
            List<Split> seen = new ArrayList<>(List.of(split));
            views.stream().distinct().forEach(v -> seen.addAll(v.views(split)));
            List<Predictions> perView = new ArrayList<>();
            for (Split view : seen) {
                perView.add(Predictor.predict(member, view));
                var features = Nd4j.create(view.pixels(), new long[] {n, IdxFile.PIXELS}, DataType.FLOAT);
                double[] b = NetworkRounding.outputBound(member.model(), features).reshape(-1).toDoubleVector();
                for (int i = 0; i < bound.length; i++) {
                    bound[i] += 2 * b[i];
                }
                averaged++;
            }
            outputs.add(Predictions.mean(perView));
        }
        float[] p = Predictions.mean(outputs).probabilities();
        int[] labels = split.labels();
        int undecided = 0;
        double loss = 0;
        for (int image = 0; image < n; image++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                best = p[image * classes + c] > p[image * classes + best] ? c : best;
            }
            for (int c = 0; c < classes; c++) {
                int i = image * classes + c;
                // The mean of the bounds, and each side's own rounding of its averages (float sums of
                // `averaged` terms and a division, in two stages at most).
                double allowed = bound[i] / averaged + 2 * FloatRounding.gamma(averaged + 2) * p[i];
                bound[i] = allowed;
            }
            for (int c = 0; c < classes; c++) {
                int i = image * classes + c;
                int top = image * classes + best;
                if (c != best && p[top] - p[i] <= bound[top] + bound[i]) {
                    undecided++;
                    break;
                }
            }
            int truth = image * classes + labels[image];
            double low = Math.max(p[truth] - bound[truth], 1e-7);
            loss += bound[truth] / low;
        }
        return new Bounds((double) undecided / n, loss / n);
    }
}
