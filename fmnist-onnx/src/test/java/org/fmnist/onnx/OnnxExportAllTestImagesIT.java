package org.fmnist.onnx;

import org.fmnist.core.model.Network;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Slow tier: {@link OnnxExportTest}'s check with every probability of all 10,000 test images within the
 * rounding bound, for every model family (the fast tier bounds the first 500; the bound takes about
 * 10 ms an image for the convolutional families).
 */
class OnnxExportAllTestImagesIT {
    @ParameterizedTest(name = "{0}")
    @MethodSource("org.fmnist.onnx.OnnxExportTest#families")
    void everyProbabilityOfTheTestSetIsWithinTheBound(String family, Network network) throws Exception {
        OnnxExportTest.assertOnnxRuntimeAgrees(family, network, Integer.MAX_VALUE);
    }
}
