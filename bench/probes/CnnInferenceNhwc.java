import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
/**
 * The compact CNN's inference in NCHW with the oneDNN convolution helper (what fmnist runs), in NHWC
 * with the helper, and in NHWC on DL4J's own path, on 1,000 random images, with the same weights (the
 * NHWC networks share them; the NCHW one computes another function of them, since its flatten orders
 * the features differently). Prints ms per 1,000 images for 3 rounds, and how far the NHWC helper's
 * outputs are from DL4J's own NHWC path. Training in NHWC is refused (the helper's gradients are
 * wrong there); this asks whether inference alone could use it.
 *
 *   OMP_NUM_THREADS=2 java -cp fmnist-runner/target/fmnist-runner.jar bench/probes/CnnInferenceNhwc.java
 */
public class CnnInferenceNhwc {
  static MultiLayerNetwork net(CNN2DFormat f, boolean helper) throws Exception {
    MultiLayerNetwork n = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.FLOAT).convolutionMode(ConvolutionMode.Same).list()
      .layer(new ConvolutionLayer.Builder(3,3).nOut(32).activation(Activation.RELU).dataFormat(f).build())
      .layer(new SubsamplingLayer.Builder(2,2).stride(2,2).dataFormat(f).build())
      .layer(new ConvolutionLayer.Builder(3,3).nOut(64).activation(Activation.RELU).dataFormat(f).build())
      .layer(new SubsamplingLayer.Builder(2,2).stride(2,2).dataFormat(f).build())
      .layer(new DenseLayer.Builder().nOut(128).activation(Activation.RELU).build())
      .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
      .setInputType(InputType.convolutional(28,28,1,f)).build());
    n.init();
    if (helper) for (int i : new int[]{0,2}) {
      java.lang.reflect.Field fl = org.deeplearning4j.nn.layers.convolution.ConvolutionLayer.class.getDeclaredField("helper");
      fl.setAccessible(true); fl.set(n.getLayer(i), new MKLDNNConvHelper(DataType.FLOAT));
    }
    return n;
  }
  public static void main(String[] a) throws Exception {
    Nd4j.getEnvironment().setMaxThreads(2); Nd4j.getEnvironment().setMaxMasterThreads(2); Nd4j.factory().blas().setMaxThreads(2);
    INDArray nchw = Nd4j.rand(DataType.FLOAT, 1000, 1, 28, 28);
    INDArray nhwc = nchw.permute(0,2,3,1).dup('c');
    MultiLayerNetwork A = net(CNN2DFormat.NCHW, true), B = net(CNN2DFormat.NHWC, true), C = net(CNN2DFormat.NHWC, false);
    B.setParams(A.params()); C.setParams(A.params());
    for (int r = 0; r < 3; r++) {
      long t0 = System.nanoTime(); for (int i = 0; i < 5; i++) A.output(nchw).close();
      long t1 = System.nanoTime(); for (int i = 0; i < 5; i++) B.output(nhwc).close();
      long t2 = System.nanoTime(); for (int i = 0; i < 5; i++) C.output(nhwc).close();
      long t3 = System.nanoTime();
      System.out.printf("per 1,000: NCHW+helper %.0f ms | NHWC+helper %.0f ms | NHWC plain %.0f ms%n", (t1-t0)/5e6, (t2-t1)/5e6, (t3-t2)/5e6);
    }
    System.out.println("NHWC helper vs NHWC plain max diff: " + B.output(nhwc).sub(C.output(nhwc)).amaxNumber());
  }
}
