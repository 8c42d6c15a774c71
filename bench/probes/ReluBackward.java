import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinearDerivative;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.same.Sign;
import org.nd4j.linalg.api.ops.impl.scalar.Step;

/**
 * ReLU's backward pass alone on the compact CNN's first activation (64x32x28x28): DL4J's ActivationReLU
 * (relu_bp into a new array), relu_bp into a reused array, sign(output) x gradient, and what
 * MaskedGradientReLU does (step(input) x gradient); 3 rounds, the first warms up.
 *
 *   OMP_NUM_THREADS=2 java -cp fmnist-runner/target/fmnist-runner.jar bench/probes/ReluBackward.java
 */
public class ReluBackward {
  public static void main(String[] a) {
    long[] shape = {64, 32, 28, 28};
    INDArray z = Nd4j.randn(DataType.FLOAT, shape);
    INDArray eps = Nd4j.randn(DataType.FLOAT, shape);
    INDArray act = Transforms.relu(z, true);
    ActivationReLU relu = new ActivationReLU();
    INDArray ref = relu.backprop(z.dup(), eps.dup()).getFirst();
    INDArray out = Nd4j.createUninitialized(DataType.FLOAT, shape);
    INDArray mask = Nd4j.createUninitialized(DataType.FLOAT, shape);
    for (int round = 0; round < 3; round++) {
      long t0 = System.nanoTime(); int n = 200;
      for (int i = 0; i < n; i++) { INDArray zz = z; relu.backprop(zz, eps); }
      long t1 = System.nanoTime();
      for (int i = 0; i < n; i++) { Nd4j.exec(new RectifiedLinearDerivative(z, eps, out, 0.0)); }
      long t2 = System.nanoTime();
      for (int i = 0; i < n; i++) { Nd4j.exec(new Sign(act, mask)); Nd4j.exec(new MulOp(mask, eps, out)); }
      long t3 = System.nanoTime();
      for (int i = 0; i < n; i++) { Nd4j.exec(new Step(z, mask, 0.0)); mask.muli(eps); }
      long t4 = System.nanoTime();
      System.out.printf("relu.backprop %.0f us | relu_bp into reused %.0f us | sign*mul %.0f us | step, muli %.0f us%n",
        (t1-t0)/1e3/n, (t2-t1)/1e3/n, (t3-t2)/1e3/n, (t4-t3)/1e3/n);
    }
    Nd4j.exec(new Sign(act, mask)); Nd4j.exec(new MulOp(mask, eps, out));
    Nd4j.exec(new Step(z, mask, 0.0)); mask.muli(eps);
    System.out.println("max diff step*mul vs relu.backprop: " + Transforms.abs(mask.sub(ref)).maxNumber());
    System.out.println("max diff sign*mul vs relu.backprop: " + Transforms.abs(out.sub(ref)).maxNumber());
  }
}
