package org.fmnist.core.spec;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import org.fmnist.core.eval.TestTimeAugmentation;

/** How the trained model is scored after training. */
public record EvaluationSpec(
        @JsonPropertyDescription("Test-time augmentation: views of each image ('flip') whose softmax outputs are averaged with the plain image's. The plain scores are reported beside them. Empty: none.")
        List<TestTimeAugmentation> tta) {

    public EvaluationSpec {
        tta = tta == null ? List.of() : List.copyOf(tta);
    }
}
