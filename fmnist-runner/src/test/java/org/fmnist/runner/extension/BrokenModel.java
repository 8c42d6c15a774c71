package org.fmnist.runner.extension;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.fmnist.core.model.ModelContext;
import org.fmnist.core.model.ModelFactory;
import org.fmnist.core.model.Network;
import org.fmnist.models.DenseModel;
import org.nd4j.linalg.api.ndarray.INDArray;

/** A model that trains like the dense one but breaks on its first gradient step, for failure paths. */
public final class BrokenModel implements ModelFactory<DenseModel.Parameters> {
    private final DenseModel dense = new DenseModel();

    @Override
    public String description() {
        return "fails on its first gradient step";
    }

    @Override
    public Class<DenseModel.Parameters> parametersType() {
        return DenseModel.Parameters.class;
    }

    @Override
    public Network create(DenseModel.Parameters p, ModelContext context) {
        MultiLayerNetwork net = (MultiLayerNetwork) dense.create(p, context).model();
        return Network.of(new MultiLayerNetwork(net.getLayerWiseConfigurations(), net.params()) {
            @Override
            public void fit(INDArray features, INDArray labels) {
                throw new IllegalStateException("broken on purpose");
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
