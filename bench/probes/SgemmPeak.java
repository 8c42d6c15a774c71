import static org.bytedeco.dnnl.global.dnnl.dnnl_sgemm;

import org.bytedeco.javacpp.FloatPointer;

/**
 * The machine's single-precision peak as oneDNN reaches it: the best of 20 products of two 2048 × 2048
 * matrices by oneDNN's sgemm (JavaCPP's preset, the one fmnist-engine calls), on OMP_NUM_THREADS
 * threads and at whatever instruction set ONEDNN_MAX_CPU_ISA allows. Prints one JSON line. bench/run
 * runs it for the thread counts of its rows, natively and pinned to AVX2: the limit each row is set
 * against.
 *
 *   OMP_NUM_THREADS=2 java -cp fmnist-runner/target/fmnist-runner.jar bench/probes/SgemmPeak.java
 */
public class SgemmPeak {
  public static void main(String[] args) {
    int n = 2048;
    try (FloatPointer a = new FloatPointer((long) n * n); FloatPointer b = new FloatPointer((long) n * n);
         FloatPointer c = new FloatPointer((long) n * n)) {
      for (long i = 0; i < (long) n * n; i++) {
        a.put(i, (i % 7) * 0.1f);
        b.put(i, (i % 5) * 0.1f);
      }
      double best = Double.MAX_VALUE;
      for (int round = 0; round < 23; round++) {
        long start = System.nanoTime();
        int status = dnnl_sgemm((byte) 'N', (byte) 'N', n, n, n, 1f, a, n, b, n, 0f, c, n);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (status != 0) {
          throw new IllegalStateException("dnnl_sgemm returned " + status);
        }
        if (round >= 3) { // the first calls warm up
          best = Math.min(best, seconds);
        }
      }
      String threads = System.getenv().getOrDefault("OMP_NUM_THREADS", "all");
      System.out.printf("{\"threads\": \"%s\", \"size\": %d, \"gflops\": %.1f}%n", threads, n, 2.0 * n * n * n / best / 1e9);
    }
  }
}
