package org.fmnist.core.spec;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.LinkedHashSet;
import java.util.List;
import org.fmnist.core.eval.TestTimeAugmentation;

/** How the trained model is scored after training. */
public record EvaluationSpec(
        @JsonPropertyDescription("Test-time augmentation: views of each image ('flip': mirrored; 'shift': moved one pixel left, right, up and down, four views) whose softmax outputs are averaged with the plain image's, all weighted alike; a view named twice counts once. The plain scores are reported beside them. Empty: none.")
        List<TestTimeAugmentation> tta) {

    public EvaluationSpec {
        // A set: naming 'flip' twice must not double the mirror's weight.
        tta = tta == null ? List.of() : List.copyOf(new LinkedHashSet<>(tta));
    }
}
