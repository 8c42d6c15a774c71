package org.fmnist.onnx;

/**
 * A layer, vertex or activation the ONNX export has no translation for: names the model, the layer and
 * what it is, so the message alone says what to change (or what to teach {@link OnnxExport}).
 */
public final class UnsupportedLayerException extends RuntimeException {

    public UnsupportedLayerException(String model, String layer, String what) {
        super("model " + model + ": layer '" + layer + "' (" + what + ") has no ONNX translation in fmnist. Fix: build the"
                + " model from the layers OnnxExport translates (NCHW convolutions and pooling, batch norms, dense layers,"
                + " ReLU, sigmoid, tanh and softmax, dropout, global pooling, element-wise vertices); model.zip, which"
                + " fmnist scores, is kept either way");
    }
}
