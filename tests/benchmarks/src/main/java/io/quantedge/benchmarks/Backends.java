package io.quantedge.benchmarks;

import io.quantedge.api.kernel.KernelBackend;
import io.quantedge.backend.nativecode.NativeBackend;
import io.quantedge.backend.nativecode.NativeBackendOptions;
import io.quantedge.backend.scalar.ScalarBackend;
import io.quantedge.backend.vector.VectorBackend;
import io.quantedge.engine.KernelRegistry;
import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.List;

/** The three backends as the gateway would have them, made outside OSGi for measuring. */
final class Backends {

    private Backends() {
    }

    /** "scalar", "vector" or "native"; the native one splitting products over {@code threads} threads. */
    static KernelBackend named(String name, int threads) {
        return switch (name) {
            case "scalar" -> new ScalarBackend();
            case "vector" -> new VectorBackend();
            case "native" -> new NativeBackend(nativeOptions(threads));
            default -> throw new IllegalArgumentException("no backend " + name);
        };
    }

    /** The named backend first, the scalar reference for whatever it does not compute. */
    static KernelRegistry only(String name, int threads) {
        List<KernelRegistry.Ranked> ranked = new ArrayList<>();
        ranked.add(new KernelRegistry.Ranked(named(name, threads), 1));
        if (!name.equals("scalar")) {
            ranked.add(new KernelRegistry.Ranked(new ScalarBackend(), 0));
        }
        return new KernelRegistry(ranked);
    }

    @SuppressWarnings("all") // an annotation type implemented to stand in for ConfigAdmin
    private static NativeBackendOptions nativeOptions(int threads) {
        return new NativeBackendOptions() {
            @Override
            public int threads() {
                return threads;
            }

            @Override
            public String variant() {
                return "";
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return NativeBackendOptions.class;
            }
        };
    }
}
