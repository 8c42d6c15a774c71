package org.fmnist.engine;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.IOException;
import java.nio.file.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.fmnist.core.data.FashionMnist;
import org.fmnist.core.data.IdxFixtures;
import org.fmnist.core.model.Engines;
import org.fmnist.core.model.Network;
import org.fmnist.core.model.TinyNetworks;
import org.fmnist.core.spec.Optimizer;
import org.fmnist.core.train.ResumeCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.learning.config.Adam;

/** A network on a fused step, stopped after a checkpoint and resumed, ends exactly as one never stopped. */
class FusedStepResumeTest {

    @Test
    void aCnnOnTheFusedStepResumesExactly(@TempDir Path dir) throws IOException {
        MultiLayerNetwork probe = (MultiLayerNetwork) TinyNetworks.droppingCnn(21, new Adam(0.01)).model();
        probe.initGradientsView();
        assertInstanceOf(FusedCnnTraining.class, Engines.trainingStep(probe).orElse(null), "the step the network takes");
        FashionMnist toy = IdxFixtures.toyData(600, 200, 3).load(dir.resolve("data"));

        ResumeCheck.assertResumedEqualsUninterrupted(dir.resolve("checkpoints"), toy,
                t -> TinyNetworks.droppingCnn(21, Optimizer.ADAM.updater(t)));
    }

    @Test
    void aResidualNetworkOnTheFusedGraphStepResumesExactly(@TempDir Path dir) throws IOException {
        ComputationGraph probe = FusedGraphInferenceTest.residualGraph(new Adam(0.01), 0.8, false, 4);
        probe.initGradientsView();
        assertInstanceOf(FusedGraphTraining.class, Engines.trainingStep(probe).orElse(null), "the step the graph takes");
        FashionMnist toy = IdxFixtures.toyData(600, 200, 3).load(dir.resolve("data"));

        ResumeCheck.assertResumedEqualsUninterrupted(dir.resolve("checkpoints"), toy,
                t -> Network.of(FusedGraphInferenceTest.residualGraph(Optimizer.ADAM.updater(t), 0.8, false, 4)));
    }
}
