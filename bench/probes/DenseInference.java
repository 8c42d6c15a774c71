import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.fmnist.core.model.BatchInference;
import org.fmnist.core.model.NativeRows;
import org.fmnist.core.model.Network;

/**
 * Where the reference dense model's (784-32-10) inference of 10,000 images goes, by part, per 1,000
 * images: the copy into native memory (NativeRows), DL4J's output(), reading the outputs back, and the
 * forward pass written as the five ND4J ops it consists of (gemm, bias, ReLU, gemm, bias + softmax),
 * the first gemm alone, and what Predictor now runs (Network.inference(): FusedInference, one oneDNN
 * chain with the ReLU fused into the first inner product; DenseStackInference, those five calls into
 * arrays it keeps, before 2026-12-06); also DL4J's output() for all 10,000 at once.
 * 5 rounds, the first warms up.
 *
 *   OMP_NUM_THREADS=1 java -cp fmnist-runner/target/fmnist-runner.jar bench/probes/DenseInference.java
 */
public class DenseInference {
  public static void main(String[] a) {
    Nd4j.getEnvironment().setMaxThreads(1); Nd4j.getEnvironment().setMaxMasterThreads(1); Nd4j.factory().blas().setMaxThreads(1);
    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(42).dataType(DataType.FLOAT).list()
        .layer(new DenseLayer.Builder().nIn(784).nOut(32).activation(Activation.RELU).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(32).nOut(10).activation(Activation.SOFTMAX).build())
        .build());
    net.init();
    int n = 10_000, batch = 1_000;
    float[] pixels = new float[n * 784];
    java.util.Random r = new java.util.Random(1);
    for (int i = 0; i < pixels.length; i++) pixels[i] = r.nextFloat();
    INDArray w0 = net.getParam("0_W"), b0 = net.getParam("0_b"), w1 = net.getParam("1_W"), b1 = net.getParam("1_b");
    INDArray all = Nd4j.create(pixels, new long[] {n, 784}, 'c');
    INDArray hidden = Nd4j.create(DataType.FLOAT, batch, 32), logits = Nd4j.create(DataType.FLOAT, batch, 10);
    float[] probabilities = new float[n * 10];
    try (NativeRows rows = new NativeRows(784); BatchInference inference = Network.of(net).inference()) {
      for (int round = 0; round < 5; round++) {
        long copy = 0, output = 0, read = 0, ops = 0, gemm = 0, dense = 0;
        for (int start = 0; start < n; start += batch) {
          long t0 = System.nanoTime();
          INDArray x = rows.holding(pixels, start, batch);
          long t1 = System.nanoTime();
          INDArray out = net.output(x, false);
          long t2 = System.nanoTime();
          float[] v = out.reshape(new long[] {out.length()}).toFloatVector();
          System.arraycopy(v, 0, probabilities, start * 10, v.length);
          long t3 = System.nanoTime();
          Nd4j.gemm(x, w0, hidden, false, false, 1.0, 0.0);
          long t4 = System.nanoTime();
          hidden.addiRowVector(b0);
          Transforms.relu(hidden, false);
          Nd4j.gemm(hidden, w1, logits, false, false, 1.0, 0.0);
          logits.addiRowVector(b1);
          Transforms.softmax(logits, false);
          long t5 = System.nanoTime();
          inference.score(x, probabilities, start * 10);
          dense += System.nanoTime() - t5;
          out.close();
          copy += t1 - t0; output += t2 - t1; read += t3 - t2; gemm += t4 - t3; ops += t5 - t3;
        }
        long t6 = System.nanoTime();
        INDArray whole = net.output(all, false);
        long t7 = System.nanoTime();
        whole.close();
        double k = n / batch * 1e3;
        System.out.printf("per 1,000: copy %.0f us | output() %.0f us | read back %.0f us | five ops %.0f us (first gemm %.0f us) | inference().score() %.0f us | output() of 10,000 at once: %.0f us per 1,000%n",
            copy / k, output / k, read / k, ops / k, gemm / k, dense / k, (t7 - t6) / 1e3 / (n / batch));
      }
    }
  }
}
