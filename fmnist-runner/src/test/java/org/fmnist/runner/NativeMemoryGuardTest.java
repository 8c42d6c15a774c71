package org.fmnist.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.fmnist.core.model.ModelFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The choice's rules, on the system property JavaCPP reads; {@link NativeMemoryGuardIT} checks its effect. */
class NativeMemoryGuardTest {
    private static final String LIMIT = "org.bytedeco.javacpp.maxPhysicalBytes";
    private final Map<String, ModelFactory<?>> models = RunnerMainAccess.registry(Map.of()).models();
    private String before;

    @BeforeEach
    void startWithoutAUserSetting() {
        before = System.clearProperty(LIMIT);
    }

    @AfterEach
    void restoreThisJvmsSetting() {
        if (before == null) {
            System.clearProperty(LIMIT);
        } else {
            System.setProperty(LIMIT, before);
        }
    }

    @Test
    void aProcessTrainingOnlyTheDenseModelGoesWithoutTheGuard() {
        NativeMemoryGuard.forThisProcess().chooseFor(List.of(models.get("dense")));

        assertEquals("0", System.getProperty(LIMIT));
    }

    @Test
    void aCnnKeepsTheGuardAndSoDoesASweepWithOne() {
        NativeMemoryGuard.forThisProcess().chooseFor(List.of(models.get("cnn-deep")));
        assertEquals(NativeMemoryGuard.GUARDED_LIMIT, System.getProperty(LIMIT));

        NativeMemoryGuard.forThisProcess().chooseFor(List.of(models.get("dense"), models.get("cnn")));
        assertEquals(NativeMemoryGuard.GUARDED_LIMIT, System.getProperty(LIMIT));
    }

    @Test
    void theFirstChoiceHoldsBecauseJavaCppReadsItOnce() {
        NativeMemoryGuard guard = NativeMemoryGuard.forThisProcess();
        guard.chooseFor(List.of(models.get("cnn")));
        guard.chooseFor(List.of(models.get("dense")));

        assertEquals(NativeMemoryGuard.GUARDED_LIMIT, System.getProperty(LIMIT));
    }

    @Test
    void aRunnerInsideSomeoneElsesJvmChangesNothing() {
        NativeMemoryGuard.unchanged().chooseFor(List.of(models.get("dense")));

        assertEquals(null, System.getProperty(LIMIT));
    }

    @Test
    void theUsersOwnLimitWins() {
        System.setProperty(LIMIT, "5G");
        NativeMemoryGuard.forThisProcess().chooseFor(List.of(models.get("dense")));

        assertEquals("5G", System.getProperty(LIMIT));
    }
}
