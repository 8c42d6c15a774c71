package org.fmnist.runner.cli;

import java.util.List;
import org.fmnist.core.eval.TestTimeAugmentation;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A {@code --tta} view, written as a spec writes it ({@code flip}, {@code shift}; any case). Picocli's
 * own enum conversion would name the choices as Java constants ({@code FLIP}), not the words users type.
 */
public final class TestTimeViewConverter implements ITypeConverter<TestTimeAugmentation> {
    @Override
    public TestTimeAugmentation convert(String value) {
        for (TestTimeAugmentation view : TestTimeAugmentation.values()) {
            if (view.key().equalsIgnoreCase(value.trim())) {
                return view;
            }
        }
        throw new TypeConversionException("'" + value + "' is not a test-time view; the views are "
                + TestTimeAugmentation.keys(List.of(TestTimeAugmentation.values())));
    }
}
