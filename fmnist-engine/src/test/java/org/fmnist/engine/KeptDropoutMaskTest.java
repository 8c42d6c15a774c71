package org.fmnist.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's {@link Dropout} handed a {@link KeptDropoutMask}: each step's mask is drawn into the kept
 * array, which the forward output and the backward gradient then follow, and nothing else is lent.
 */
class KeptDropoutMaskTest {

    private static final long[] SHAPE = {4, 3, 5, 5};

    @Test
    void everyStepDrawsItsMaskIntoTheKeptArray() {
        Nd4j.getRandom().setSeed(7);
        Dropout dropout = new Dropout(0.5); // keeps half: a kept activation is doubled
        INDArray mask = Nd4j.createUninitialized(DataType.FLOAT, SHAPE);
        KeptDropoutMask workspaces = new KeptDropoutMask(mask);
        INDArray input = Nd4j.rand(DataType.FLOAT, SHAPE).addi(1); // no zeros of its own
        INDArray output = Nd4j.createUninitialized(DataType.FLOAT, SHAPE);

        dropout.applyDropout(input, output, 0, 0, workspaces);
        assertEquals(input.mul(mask), output, "the forward pass multiplies by the kept mask");
        long dropped = mask.eq(0).castTo(DataType.INT).sumNumber().longValue();
        long kept = mask.eq(2).castTo(DataType.INT).sumNumber().longValue();
        assertEquals(mask.length(), dropped + kept, "the mask holds only 0 and 1/p");
        assertTrue(dropped > 0 && kept > 0, "half the activations dropped, half kept: " + dropped + " and " + kept);

        INDArray gradient = Nd4j.rand(DataType.FLOAT, SHAPE);
        INDArray atInput = Nd4j.createUninitialized(DataType.FLOAT, SHAPE);
        dropout.backprop(gradient, atInput, 0, 0);
        assertEquals(gradient.mul(mask), atInput, "the backward pass uses the same kept mask");

        INDArray first = mask.dup();
        dropout.applyDropout(input, output, 1, 0, workspaces);
        assertNotEquals(first, mask, "the next step draws a new mask into the same array");
        assertEquals(input.mul(mask), output);
    }

    @Test
    void lendsNothingButTheMask() {
        KeptDropoutMask workspaces = new KeptDropoutMask(Nd4j.createUninitialized(DataType.FLOAT, SHAPE));
        assertThrows(IllegalStateException.class,
                () -> workspaces.createUninitialized(ArrayType.INPUT, DataType.FLOAT, new long[] {4, 3, 5, 6}, 'c'));
        assertThrows(IllegalStateException.class,
                () -> workspaces.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, SHAPE, 'c'));
        assertThrows(IllegalStateException.class,
                () -> workspaces.createUninitialized(ArrayType.INPUT, DataType.FLOAT, SHAPE, 'f'));
    }
}
