package io.quantedge.backend.nativecode;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the native backend (PID io.quantedge.backend.nativecode.NativeBackend). */
@ObjectClassDefinition(name = "QuantEdge native kernels",
        description = "JNI kernels in C, chosen per CPU (AMX, AVX-512 VNNI, AVX2, NEON i8mm and dot product, portable C).")
public @interface NativeBackendOptions {

    @AttributeDefinition(name = "Threads",
            description = "Threads one product is split over; 0 uses every available core.")
    int threads() default 0;

    @AttributeDefinition(name = "Kernel variant",
            description = "Force a variant (portable, avx2, avx512vnni, amx, neon, dotprod, i8mm) instead of the fastest this "
                    + "CPU runs, e.g. to rule out a SIMD kernel when diagnosing; empty for the fastest. The system "
                    + "property quantedge.native.variant does the same for every instance.")
    String variant() default "";
}
