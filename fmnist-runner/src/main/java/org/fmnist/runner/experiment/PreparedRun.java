package org.fmnist.runner.experiment;

import java.util.List;
import org.fmnist.core.augment.Augmentation;
import org.fmnist.core.data.DataSource;
import org.fmnist.core.data.Split;
import org.fmnist.core.model.ModelContext;
import org.fmnist.core.model.ModelFactory;
import org.fmnist.core.model.Network;
import org.fmnist.core.spec.ExperimentSpec;
import org.fmnist.core.spec.ResolvedSpec;
import org.fmnist.core.train.DecoupledWeightDecay;
import org.fmnist.runner.PluginException;

/**
 * Everything chosen and loaded before a network exists: the model and its bound parameters, the
 * augmentation, the thread budget and the three splits. A run and {@code runner bench} both start here.
 *
 * @param eval the split measured after each epoch: the validation slice, or the test set when none is held out
 */
public record PreparedRun(ResolvedSpec resolved, ModelFactory<?> factory, Record parameters, Augmentation augmentation,
                          int threads, DataSource data, Split train, Split eval, Split test) {

    public ExperimentSpec spec() {
        return resolved.spec();
    }

    /**
     * Whether the test set is also the per-epoch split (no validation images held out). Read from the
     * spec, as {@link RunPreparation#prepare} decides it, not by comparing split objects.
     */
    public boolean evaluatesOnTest() {
        return !RunPreparation.holdsOutValidation(spec());
    }

    /** A new network of the spec's model, initialised from the spec's seed, with the spec's weight decay. */
    public Network newNetwork() {
        Network network = create(factory);
        if (spec().training().weightDecay() > 0) {
            DecoupledWeightDecay.attach(network, spec().training().weightDecay());
        }
        return network;
    }

    private <P extends Record> Network create(ModelFactory<P> typed) {
        ExperimentSpec spec = spec();
        Network network = typed.create(typed.parametersType().cast(parameters),
                new ModelContext(spec.seed(), spec.training().optimizer().updater(spec.training())));
        // A model that would train as if it had no nonlinearity must not cost anyone an hour first.
        List<String> ignored = network.layersIgnoringTheirActivation();
        if (!ignored.isEmpty()) {
            throw new PluginException("model error: model type '" + spec.model().type() + "' ("
                    + typed.getClass().getName() + ") gives batch-norm layer(s) " + String.join(", ", ignored)
                    + " an activation, which DL4J never applies: the network would be linear there. Fix: build"
                    + " each batch norm without an activation and add an ActivationLayer after it.", null);
        }
        return network;
    }
}
