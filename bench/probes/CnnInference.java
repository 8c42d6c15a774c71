import org.fmnist.core.model.BatchInference;
import org.fmnist.core.model.ModelContext;
import org.fmnist.core.model.NativeRows;
import org.fmnist.core.model.Network;
import org.fmnist.models.CompactCnn;
import org.fmnist.models.DeepCnn;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * The compact CNN's inference of 10,000 random images (speed does not depend on the values) through
 * net.inference(), as Predictor runs it, at several batch sizes; 2 threads, as the runner picks for it.
 * 3 rounds, the first warms up. -Dmodel=deep times the deep CNN (cnn-deep) instead.
 *
 *   OMP_NUM_THREADS=2 java -cp fmnist-runner/target/fmnist-runner.jar bench/probes/CnnInference.java
 */
public class CnnInference {
  public static void main(String[] a) {
    Nd4j.getEnvironment().setMaxThreads(2); Nd4j.getEnvironment().setMaxMasterThreads(2); Nd4j.factory().blas().setMaxThreads(2);
    ModelContext context = new ModelContext(42, new Adam(1e-3));
    Network net = "deep".equals(System.getProperty("model"))
        ? new DeepCnn().create(new DeepCnn.Parameters(null, null, null, null, null), context)
        : new CompactCnn().create(new CompactCnn.Parameters(null, null, null, null, null, null), context);
    int n = 10_000;
    float[] pixels = new float[n * 784];
    java.util.Random r = new java.util.Random(1);
    for (int i = 0; i < pixels.length; i++) pixels[i] = r.nextFloat();
    float[] probabilities = new float[n * 10];
    for (int round = 0; round < 3; round++) {
      StringBuilder line = new StringBuilder("images/s by batch:");
      for (int batch : new int[] {50, 100, 250, 500, 1000}) {
        long t0 = System.nanoTime();
        try (NativeRows rows = new NativeRows(784); BatchInference inference = net.inference()) {
          for (int start = 0; start < n; start += batch) {
            inference.score(rows.holding(pixels, start, batch), probabilities, start * 10);
          }
        }
        line.append(String.format(" %d: %.0f |", batch, n / ((System.nanoTime() - t0) / 1e9)));
      }
      System.out.println(line);
    }
  }
}
