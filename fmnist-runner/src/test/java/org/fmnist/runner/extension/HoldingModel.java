package org.fmnist.runner.extension;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.nio.file.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.fmnist.core.model.ModelContext;
import org.fmnist.core.model.ModelFactory;
import org.fmnist.core.model.ModelRegistry;
import org.fmnist.core.model.Network;
import org.fmnist.core.plugin.PluginModule;
import org.fmnist.models.DenseModel;
import org.fmnist.runner.tracking.HoldingTracker;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The dense model, held at the first step of epoch {@code epoch} until its process is killed, for tests
 * that kill a point where trackers do not run: on a Spark executor, which trains the point and leaves
 * the recording to the driver. As {@link HoldingTracker}, only the first run to get there holds. Its
 * steps are DL4J's (the engines take no subclass of a network), on every executor alike.
 */
public final class HoldingModel implements ModelFactory<HoldingModel.Parameters> {

    /** Registers the model as {@code holding}. */
    public static final class Module extends PluginModule {
        @Override
        protected void configure() {
            ModelRegistry.models(binder()).addBinding("holding").to(HoldingModel.class);
        }
    }

    /** The dense model's keys, and where and when to hold. */
    public record Parameters(
            @JsonPropertyDescription("Units in the hidden layer.") Integer hidden,
            @JsonPropertyDescription("Activation of the hidden layer.") Activation activation,
            @JsonPropertyDescription("File the holding process writes its id to; once it exists, no run holds.") String signal,
            @JsonPropertyDescription("The epoch whose first step is held.") Integer epoch) {
        public Parameters {
            epoch = epoch == null ? 2 : epoch;
            if (signal == null || signal.isBlank()) {
                throw new IllegalArgumentException("signal is required");
            }
        }
    }

    private final DenseModel dense = new DenseModel();

    @Override
    public String description() {
        return "the dense model, held at an epoch's first step until killed (tests)";
    }

    @Override
    public Class<Parameters> parametersType() {
        return Parameters.class;
    }

    @Override
    public Network create(Parameters p, ModelContext context) {
        MultiLayerNetwork net = (MultiLayerNetwork) dense.create(new DenseModel.Parameters(p.hidden(), p.activation()), context).model();
        Path signal = Path.of(p.signal());
        return Network.of(new MultiLayerNetwork(net.getLayerWiseConfigurations(), net.params()) {
            @Override
            public void fit(INDArray features, INDArray labels) {
                // The epoch count is the epochs finished: during epoch 2 it is 1.
                if (getEpochCount() + 1 == p.epoch()) {
                    HoldingTracker.holdOnce(signal);
                }
                super.fit(features, labels);
            }
        });
    }

    @Override
    public int preferredThreads() {
        return 1;
    }

    @Override
    public boolean needsNativeMemoryGuard() {
        return false;
    }
}
