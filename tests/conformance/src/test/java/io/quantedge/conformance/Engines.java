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
        KernelRegistry kernels = new KernelRegistry(List.of(new KernelRegistry.Ranked(new ScalarBackend(), 0)));
        return new Engine(() -> List.of(new OnnxModelLoader()), () -> kernels);
    }
}
