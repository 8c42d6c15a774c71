package ${package};

import java.util.Map;
import org.fmnist.testkit.ModelModuleCheck;
import org.junit.jupiter.api.Test;

class ${modelClass}Test {

    /**
     * fmnist's kit checks the module as the runner will use it: registered and described, builds at its
     * defaults and at the edges of its ranges, refuses values past them in words, learns on generated
     * images, saves and restores exactly, and ONNX Runtime agrees with it. Give the edges of your keys here.
     */
    @Test
    void fmnistsKitFindsNothingWrong() {
        ModelModuleCheck.of(new ${modelClass}Module(), "${model}")
                .buildsAt(Map.of("hidden", 1, "dropout", 0.0))
                .buildsAt(Map.of("dropout", 0.99))
                .refuses(Map.of("hidden", 0))
                .refuses(Map.of("dropout", 1.0))
                .run();
    }
}
