import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.fmnist.core.model.ModelContext;
import org.fmnist.core.model.Network;
import org.fmnist.models.CompactCnn;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Where the compact CNN's inference goes, layer by layer: each layer's forward pass (and the input
 * preprocessor before it, which changes the layout) on a batch of 1,000 random images, run one after
 * another as DL4J's output() runs them, with the oneDNN helpers the model attaches; 2 threads.
 * Prints microseconds per 1,000 images by layer, the sum, and output() on the same batch, over 10,000
 * images a round, 3 rounds; the first warms up. bench/probes/keras_cnn_layers.py does the same for Keras.
 * -Dbatch=N changes the batch size (default 1,000); -Dplain=0,2 takes the oneDNN helper off those
 * layers (DL4J's im2col path). (An option -Dnhwc timed the NHWC twin the CNNs scored through until
 * FusedInference replaced it; see this file's git history.)
 *
 *   OMP_NUM_THREADS=2 java -cp fmnist-runner/target/fmnist-runner.jar bench/probes/CnnInferenceLayers.java
 *   OMP_NUM_THREADS=2 java -Dbatch=250 -cp fmnist-runner/target/fmnist-runner.jar bench/probes/CnnInferenceLayers.java
 *   OMP_NUM_THREADS=2 java -Dplain=0 -cp fmnist-runner/target/fmnist-runner.jar bench/probes/CnnInferenceLayers.java
 */
public class CnnInferenceLayers {
  public static void main(String[] a) throws Exception {
    Nd4j.getEnvironment().setMaxThreads(2); Nd4j.getEnvironment().setMaxMasterThreads(2); Nd4j.factory().blas().setMaxThreads(2);
    Network net = new CompactCnn().create(new CompactCnn.Parameters(null, null, null, null, null, null), new ModelContext(42, new Adam(1e-3)));
    MultiLayerNetwork mln = (MultiLayerNetwork) net.model();
    for (String off : System.getProperty("plain", "").split(",")) {
      if (off.isEmpty()) continue;
      try {
        java.lang.reflect.Field f = org.deeplearning4j.nn.layers.convolution.ConvolutionLayer.class.getDeclaredField("helper");
        f.setAccessible(true); f.set(mln.getLayer(Integer.parseInt(off)), null);
      } catch (Exception e) { throw new RuntimeException(e); }
    }
    int batch = Integer.getInteger("batch", 1000), batches = 10000 / batch;
    INDArray images = Nd4j.rand(DataType.FLOAT, batch, 784);
    double perThousand = 1e3 * batches * batch / 1000.0; // divides nanoseconds summed over the round into µs per 1,000 images
    LayerWorkspaceMgr noWorkspaces = LayerWorkspaceMgr.noWorkspaces();
    int n = mln.getnLayers();
    for (int round = 0; round < 3; round++) {
      long[] preprocess = new long[n], forward = new long[n];
      long whole = 0;
      for (int b = 0; b < batches; b++) {
        INDArray x = images;
        for (int i = 0; i < n; i++) {
          long t0 = System.nanoTime();
          InputPreProcessor pre = mln.getLayerWiseConfigurations().getInputPreProcess(i);
          if (pre != null) x = pre.preProcess(x, batch, noWorkspaces);
          long t1 = System.nanoTime();
          x = mln.getLayer(i).activate(x, false, noWorkspaces);
          long t2 = System.nanoTime();
          preprocess[i] += t1 - t0; forward[i] += t2 - t1;
        }
        long t3 = System.nanoTime();
        mln.output(images, false).close();
        whole += System.nanoTime() - t3;
      }
      if (round == 0) continue;
      long sum = 0;
      for (int i = 0; i < n; i++) {
        Layer layer = mln.getLayer(i);
        InputPreProcessor pre = mln.getLayerWiseConfigurations().getInputPreProcess(i);
        if (pre != null) {
          System.out.printf("  %-45s %8.0f us%n", "preprocessor " + pre.getClass().getSimpleName(), preprocess[i] / perThousand);
        }
        String name = layer.getClass().getSimpleName() + " " + layer.conf().getLayer().getClass().getSimpleName()
            + (layer.getHelper() != null ? " (" + layer.getHelper().getClass().getSimpleName() + ")" : "");
        System.out.printf("  %-45s %8.0f us%n", i + ": " + name, forward[i] / perThousand);
        sum += preprocess[i] + forward[i];
      }
      System.out.printf("round %d: sum of layers %.0f us per 1,000 images; output() %.0f us%n", round, sum / perThousand, whole / perThousand);
    }
  }
}
