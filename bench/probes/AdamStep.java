import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.GradientUpdater;
import org.fmnist.core.train.JavaLoopAdam;
/**
 * Adam's step alone: DL4J's adam_updater op against JavaLoopAdam, on the parameter counts of the dense
 * model, the compact CNN and the deep CNN, in one process, interleaved; 4 rounds, the first warms up.
 *
 *   OMP_NUM_THREADS=2 java -cp fmnist-runner/target/fmnist-runner.jar bench/probes/AdamStep.java
 */
public class AdamStep {
  public static void main(String[] a) {
    for (int n : new int[] {25450, 421642, 585962}) {
      INDArray grad0 = Nd4j.randn(DataType.FLOAT, 1, n);
      GradientUpdater<?> d = new Adam(1e-3, 0.9, 0.999, 1e-7).instantiate(Nd4j.zeros(DataType.FLOAT, 1, 2 * n), true);
      GradientUpdater<?> j = new JavaLoopAdam(1e-3, 0.9, 0.999, 1e-7).instantiate(Nd4j.zeros(DataType.FLOAT, 1, 2 * n), true);
      INDArray g = grad0.dup();
      int reps = n < 100000 ? 3000 : 300;
      for (int round = 0; round < 4; round++) {
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) { g.assign(grad0); d.applyUpdater(g, i, 0); }
        long t1 = System.nanoTime();
        for (int i = 0; i < reps; i++) { g.assign(grad0); j.applyUpdater(g, i, 0); }
        long t2 = System.nanoTime();
        System.out.printf("n=%d dl4j %.1f us | java loop %.1f us  (ratio %.2f)%n", n, (t1-t0)/1e3/reps, (t2-t1)/1e3/reps, (double)(t2-t1)/(t1-t0));
      }
    }
  }
}
