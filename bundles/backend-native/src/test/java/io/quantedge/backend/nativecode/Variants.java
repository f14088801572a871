package io.quantedge.backend.nativecode;

import java.util.Arrays;
import java.util.stream.Stream;

/** The kernel variants this machine runs, as backends, for tests that check every one of them. */
final class Variants {

    private Variants() {
    }

    static Stream<KernelVariant> supported() {
        NativeLibrary.load();
        int mask = NativeKernels.supportedVariants();
        return Arrays.stream(KernelVariant.values()).filter(variant -> variant.isIn(mask));
    }

    static NativeBackend backend(KernelVariant variant, int threads) {
        return new NativeBackend(variant, threads);
    }
}
