package io.quantedge.backend.nativecode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * When the build runs the tests on another architecture's JVM (the aarch64 executions, under
 * qemu), proves that they really ran there: the JVM is that architecture's, and the library it
 * loaded chose one of that architecture's SIMD variants (or the one the run forces).
 */
class HostArchitectureTest {

    private static final Set<KernelVariant> AARCH64_SIMD = EnumSet.of(KernelVariant.NEON, KernelVariant.DOTPROD,
            KernelVariant.I8MM);

    @Test
    void theKernelsRunOnTheExpectedArchitecture() {
        String expected = System.getProperty("quantedge.expected.arch", "");
        assumeFalse(expected.isEmpty(), "the build machine's own run: no other architecture expected");
        assertEquals(expected, System.getProperty("os.arch"), "the JVM running the tests");
        KernelVariant chosen = NativeBackend.chooseVariant("");
        String forced = System.getProperty(NativeBackend.VARIANT_PROPERTY, "");
        System.out.println("native kernels on " + expected + ": variant " + chosen.label()
                + (forced.isEmpty() ? " (fastest the CPU runs)" : " (forced)"));
        if (forced.isEmpty()) {
            assertTrue(AARCH64_SIMD.contains(chosen), "expected an aarch64 SIMD variant, got " + chosen.label());
        } else {
            assertEquals(forced, chosen.label());
        }
        assertTrue(chosen.isIn(NativeKernels.supportedVariants()), chosen.label() + " is not in the loaded library");
    }
}
