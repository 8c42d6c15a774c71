package org.fmnist.onnx;

import java.util.stream.Stream;
import org.fmnist.core.model.Network;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Slow tier: {@link OnnxExportTest}'s check with every probability of all 10,000 test images within the
 * rounding bound, for every model family (the fast tier bounds the first 500; the bound takes about
 * 10 ms an image for the convolutional families).
 */
class OnnxExportAllTestImagesIT {
    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void everyProbabilityOfTheTestSetIsWithinTheBound(String family, Network network) throws Exception {
        OnnxExportTest.assertOnnxRuntimeAgrees(family, network, Integer.MAX_VALUE);
    }

    /**
     * The fast tier's families but the deep CNN on DL4J's oneDNN helpers: its export is the same graph,
     * and its bound alone takes over a minute of the slow tier.
     */
    static Stream<Arguments> families() {
        return OnnxExportTest.families().filter(f -> !f.get()[0].toString().contains("helpers"));
    }
}
