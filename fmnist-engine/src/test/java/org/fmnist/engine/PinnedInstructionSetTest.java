package org.fmnist.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.bytedeco.dnnl.global.dnnl;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The twin tests run once as the CPU allows and again with oneDNN and OpenBLAS pinned to narrower
 * instruction sets (the {@code twins-*} executions in the parent POM), so that on one machine they meet
 * the other summation orders other CPUs take. This checks that the pins are in force, not only asked for:
 * oneDNN's instruction set. OpenBLAS's core ({@code OPENBLAS_CORETYPE}) and libnd4j's own copy of
 * oneDNN ({@code DNNL_MAX_CPU_ISA}) are pinned the same way, but neither has a call on the classpath that
 * says which it took.
 */
@Tag("twin")
class PinnedInstructionSetTest {
    /** The names {@code ONEDNN_MAX_CPU_ISA} takes for the pins the build uses, and oneDNN's codes for them. */
    private static final Map<String, Integer> PINS = Map.of("SSE41", dnnl.dnnl_cpu_isa_sse41, "AVX2", dnnl.dnnl_cpu_isa_avx2);

    @Test
    void oneDnnRunsAtTheInstructionSetTheEnvironmentPins() {
        String pinned = System.getenv("ONEDNN_MAX_CPU_ISA");
        int effective = dnnl.dnnl_get_effective_cpu_isa();
        System.out.println("oneDNN instruction set: " + effective + ", pinned: " + pinned
                + ", OpenBLAS core: " + System.getenv("OPENBLAS_CORETYPE"));
        if (pinned == null) {
            // Every machine of this project has AVX2 at least; unpinned, oneDNN takes it or wider.
            assertTrue(effective >= dnnl.dnnl_cpu_isa_avx2, "oneDNN unpinned runs at " + effective);
        } else {
            assertTrue(PINS.containsKey(pinned.toUpperCase()), "a pin the build uses: " + PINS.keySet() + ", not " + pinned);
            assertEquals(PINS.get(pinned.toUpperCase()), effective, "oneDNN pinned to " + pinned);
        }
    }
}
