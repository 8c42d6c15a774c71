package org.fmnist.models;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import org.fmnist.core.model.ModelContext;
import org.fmnist.core.model.ModelFactory;
import org.fmnist.core.model.Network;
import org.fmnist.core.spec.ParameterChecks;

/**
 * {@code type: cnn}: conv 3×3×32 → max-pool → conv 3×3×64 → max-pool → dense 128 → dropout 0.5 →
 * softmax. 421,642 parameters; about 4.2 million multiply-adds per image (conv 0.23 M + 3.61 M, dense 0.40 M).
 */
public final class CompactCnn implements ModelFactory<CompactCnn.Parameters> {

    /** The keys a spec may give beside {@code model.type: cnn}. */
    public record Parameters(
            @JsonPropertyDescription("Channels of the first convolution.")
            Integer filters1,
            @JsonPropertyDescription("Channels of the second convolution.")
            Integer filters2,
            @JsonPropertyDescription("Side of the square convolution kernels.")
            Integer kernel,
            @JsonPropertyDescription("Units of the dense layer before the output.")
            Integer dense,
            @JsonPropertyDescription("Chance to drop each dense unit's output while training.")
            Double dropout,
            @JsonPropertyDescription("DL4J's oneDNN helpers on its convolution layers and ReLU gradients as masks (same results, faster), where DL4J's layers run; false is DL4J's own code there. Training and scoring go through fmnist's fused oneDNN step either way.")
            Boolean onednn) {
        public Parameters {
            filters1 = filters1 == null ? 32 : filters1;
            filters2 = filters2 == null ? 64 : filters2;
            kernel = kernel == null ? 3 : kernel;
            dense = dense == null ? 128 : dense;
            dropout = dropout == null ? 0.5 : dropout;
            onednn = onednn == null ? Boolean.TRUE : onednn;
            ParameterChecks.of()
                    .require(filters1 >= 1, "filters1", filters1, "must be at least 1")
                    .require(filters2 >= 1, "filters2", filters2, "must be at least 1")
                    .require(kernel >= 1, "kernel", kernel, "must be at least 1")
                    .require(dense >= 1, "dense", dense, "must be at least 1")
                    .require(dropout >= 0 && dropout < 1, "dropout", dropout, "must be from 0 to below 1 (a chance to drop)")
                    .done();
        }
    }

    @Override
    public String description() {
        return "conv 3x3x32 -> pool -> conv 3x3x64 -> pool -> dense 128 -> dropout -> softmax; 421,642 parameters";
    }

    @Override
    public Class<Parameters> parametersType() {
        return Parameters.class;
    }

    @Override
    public Network create(Parameters p, ModelContext context) {
        return new ConvNets(new int[] {p.filters1(), p.filters2()}, 1, p.kernel(), false, 0, p.dense(), p.dropout(),
                p.onednn()).build(context);
    }

    /** Convolutions keep both cores busy (one thread is 1.5× slower per the shared notes). */
    @Override
    public int preferredThreads() {
        return 2;
    }
}
