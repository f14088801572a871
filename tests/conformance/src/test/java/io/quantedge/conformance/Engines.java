package io.quantedge.conformance;

import io.quantedge.backend.scalar.ScalarBackend;
import io.quantedge.engine.Engine;
import io.quantedge.engine.KernelRegistry;
import io.quantedge.onnx.OnnxModelLoader;
import java.nio.file.Path;
import java.util.List;

/** The engine as the gateway assembles it, without OSGi: the ONNX loader and the scalar backend. */
final class Engines {

    static final Path MODELS = Path.of(System.getProperty("quantedge.models", "../models")).toAbsolutePath().normalize();

    private Engines() {
    }

    static Engine scalar() {
        return on("scalar");
    }

    /**
     * The engine with {@code backend} ("scalar", "vector" or "native") computing everything it
     * supports, and the scalar reference the rest, as the gateway ranks them.
     */
    static Engine on(String backend) {
        List<KernelRegistry.Ranked> ranked = new java.util.ArrayList<>();
        ranked.add(new KernelRegistry.Ranked(new ScalarBackend(), 0));
        switch (backend) {
            case "scalar" -> { }
            case "vector" -> ranked.add(new KernelRegistry.Ranked(new io.quantedge.backend.vector.VectorBackend(), 100));
            case "native" -> ranked.add(new KernelRegistry.Ranked(new io.quantedge.backend.nativecode.NativeBackend(
                    NativeOptions.DEFAULT), 200));
            default -> throw new IllegalArgumentException("no backend " + backend);
        }
        KernelRegistry kernels = new KernelRegistry(ranked);
        return new Engine(() -> List.of(new OnnxModelLoader()), () -> kernels);
    }

    /** The native backend's defaults (fastest variant, every core), standing in for ConfigAdmin. */
    @SuppressWarnings("all")
    private static final class NativeOptions {
        static final io.quantedge.backend.nativecode.NativeBackendOptions DEFAULT =
                new io.quantedge.backend.nativecode.NativeBackendOptions() {
                    @Override
                    public int threads() {
                        return 0;
                    }

                    @Override
                    public String variant() {
                        return "";
                    }

                    @Override
                    public Class<? extends java.lang.annotation.Annotation> annotationType() {
                        return io.quantedge.backend.nativecode.NativeBackendOptions.class;
                    }
                };
    }
}
