package org.fmnist.engine;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The workspace manager the fused training step hands DL4J's {@link Dropout}: it gives the dropout the
 * same mask array every step instead of a new one.
 *
 * <p>Why: {@code Dropout.applyDropout} asks its manager for an uninitialised {@code INPUT} array of the
 * activations' shape, fills it with the mask and keeps it for the backward pass. With
 * {@code LayerWorkspaceMgr.noWorkspaces()} each request is a new native array, freed only when Java
 * collects it; on the deep CNN that left about 3.5 MB of masks a step waiting for a collection, and
 * peak RSS 0.86 GB above the same run without dropout. DL4J's own step draws them in a workspace.
 * The mask is overwritten whole each step ({@code assign(1)}, then the inverted-dropout draw), so one
 * array per dropout of a plan is enough, and the draws are the ones DL4J makes.
 *
 * <p>Every array type is scoped out of workspaces, as in {@code noWorkspaces()}. A request for anything
 * but the mask's shape fails: the fused step only lends this manager to {@code Dropout}, which asks
 * for nothing else, so another request means DL4J changed and the reuse would no longer be known safe.
 */
final class KeptDropoutMask extends LayerWorkspaceMgr {

    private final INDArray mask;

    /** @param mask the array DL4J's dropout draws its mask into, shaped and ordered as the activations it drops */
    KeptDropoutMask(INDArray mask) {
        super(EnumSet.allOf(ArrayType.class), new HashMap<>(), new HashMap<>());
        this.mask = mask;
    }

    @Override
    public INDArray createUninitialized(ArrayType arrayType, DataType dataType, long[] shape, char order) {
        if (arrayType != ArrayType.INPUT || dataType != mask.dataType() || !Arrays.equals(shape, mask.shape())
                || order != mask.ordering()) {
            throw new IllegalStateException("the dropout asked for a " + arrayType + " " + dataType + " array of shape "
                    + Arrays.toString(shape) + " (" + order + "), not its mask's " + Arrays.toString(mask.shape())
                    + " (" + mask.ordering() + "); the fused step's mask reuse does not fit this DL4J version");
        }
        return mask;
    }
}
