package org.fmnist.models;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import org.fmnist.core.model.ModelContext;
import org.fmnist.core.model.ModelFactory;
import org.fmnist.core.model.Network;
import org.fmnist.core.spec.ParameterChecks;

/**
 * {@code type: cnn-deep}: three blocks of two batch-normalised 3×3 convolutions (32, 64, 128
 * channels), each block max-pooled with dropout 0.25, then dense 256 → dropout 0.5 → softmax.
 * 585,962 parameters (DL4J's count, batch-norm statistics included); about 29 million
 * multiply-adds per image.
 */
public final class DeepCnn implements ModelFactory<DeepCnn.Parameters> {

    /** The keys a spec may give beside {@code model.type: cnn-deep}. */
    public record Parameters(
            @JsonPropertyDescription("Channels of the first block; each further block doubles them.")
            Integer filters,
            @JsonPropertyDescription("Units of the dense layer before the output.")
            Integer dense,
            @JsonPropertyDescription("Chance to drop each block's output while training.")
            Double blockDropout,
            @JsonPropertyDescription("Chance to drop each dense unit's output while training.")
            Double dropout,
            @JsonPropertyDescription("DL4J's oneDNN helpers on its convolution and batch-norm layers and ReLU gradients as masks (same results, faster), where DL4J's layers run; false is DL4J's own code there. Training and scoring go through fmnist's fused oneDNN step either way.")
            Boolean onednn) {
        public Parameters {
            filters = filters == null ? 32 : filters;
            dense = dense == null ? 256 : dense;
            blockDropout = blockDropout == null ? 0.25 : blockDropout;
            dropout = dropout == null ? 0.5 : dropout;
            onednn = onednn == null ? Boolean.TRUE : onednn;
            ParameterChecks.of()
                    .require(filters >= 1, "filters", filters, "must be at least 1")
                    .require(dense >= 1, "dense", dense, "must be at least 1")
                    .require(blockDropout >= 0 && blockDropout < 1, "block_dropout", blockDropout, "must be from 0 to below 1 (a chance to drop)")
                    .require(dropout >= 0 && dropout < 1, "dropout", dropout, "must be from 0 to below 1 (a chance to drop)")
                    .done();
        }
    }

    @Override
    public String description() {
        return "3 blocks of 2 batch-normalised 3x3 convs (32/64/128), pool + dropout each, dense 256, dropout, softmax";
    }

    @Override
    public Class<Parameters> parametersType() {
        return Parameters.class;
    }

    @Override
    public Network create(Parameters p, ModelContext context) {
        int f = p.filters();
        return new ConvNets(new int[] {f, 2 * f, 4 * f}, 2, 3, true, p.blockDropout(), p.dense(), p.dropout(), p.onednn())
                .build(context);
    }

    @Override
    public int preferredThreads() {
        return 2;
    }
}
