package io.quantedge.backend.nativecode;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The instruction-set variants compiled into the native library. The ids are the bit positions
 * the library reports in {@link NativeKernels#supportedVariants()} (QE_VARIANT_* in kernels.h).
 */
enum KernelVariant {
    PORTABLE(0, "portable", Set.of()),
    AVX2(1, "avx2", Set.of("avx2", "fma")),
    AVX512_VNNI(2, "avx512vnni", Set.of("avx512f", "avx512bw", "avx512_vnni")),
    AMX(5, "amx", Set.of("amx_tile", "amx_int8", "avx512f", "avx512bw", "avx512_vnni")),
    NEON(3, "neon", Set.of("asimd")),
    DOTPROD(4, "dotprod", Set.of("asimd", "asimddp")),
    I8MM(6, "i8mm", Set.of("asimd", "asimddp", "i8mm"));

    private final int id;
    private final String label;
    private final Set<String> cpuFeatures;

    KernelVariant(int id, String label, Set<String> cpuFeatures) {
        this.id = id;
        this.label = label;
        this.cpuFeatures = cpuFeatures;
    }

    int id() {
        return id;
    }

    /** Short name, as in "native-avx512vnni". */
    String label() {
        return label;
    }

    Set<String> cpuFeatures() {
        return cpuFeatures;
    }

    boolean isIn(int supportedMask) {
        return (supportedMask >>> id & 1) != 0;
    }

    /** The fastest variant in the mask: the enum lists each architecture's variants slowest first, not by id. */
    static KernelVariant fastest(int supportedMask) {
        KernelVariant best = PORTABLE;
        for (KernelVariant variant : values()) {
            if (variant.isIn(supportedMask) && variant.ordinal() > best.ordinal()) {
                best = variant;
            }
        }
        return best;
    }

    /** Every label, for messages that list the choices. */
    static String labels() {
        return Arrays.stream(values()).map(KernelVariant::label).collect(Collectors.joining(", "));
    }

    static Optional<KernelVariant> byLabel(String label) {
        String wanted = label.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(variant -> variant.label.equals(wanted)).findFirst();
    }
}
