package io.quantedge.serving;

import io.quantedge.api.modelpackage.InputSpec;
import io.quantedge.api.modelpackage.OutputSpec;
import io.quantedge.api.modelpackage.PackageContents;
import io.quantedge.api.modelpackage.TestVectors;
import io.quantedge.api.tensor.Shape;
import io.quantedge.api.model.Model;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.backend.scalar.ScalarBackend;
import io.quantedge.engine.Engine;
import io.quantedge.engine.KernelRegistry;
import io.quantedge.engine.npy.NpyFile;
import io.quantedge.modelpackage.KeyFiles;
import io.quantedge.modelpackage.PackageFiles;
import io.quantedge.modelstore.FileModelStore;
import io.quantedge.modelstore.StoreSettings;
import io.quantedge.onnx.OnnxModelLoader;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * The parts a model server stands on, real and outside a framework: the engine with the scalar
 * backend, a store in a temporary folder, and signed packages of the project's test models.
 */
public final class StoreWithPackages implements AutoCloseable {

    public static final Path MODELS = Path.of(System.getProperty("quantedge.models", "../../tests/models"))
            .toAbsolutePath().normalize();
    /** The trained Fashion-MNIST CNN, input "input" [N,1,28,28], output "logits". */
    public static final Path CNN = MODELS.resolve("cnn_qdq_per_channel.onnx");
    /** Another network with input and output of the same names, but another input shape ([1,3,96,96]). */
    public static final Path OTHER = MODELS.resolve("mobilenetv2_like_qdq.onnx");

    public final Engine engine;
    public final FileModelStore store;
    private final Path directory;
    private final PackageFiles packages;
    private final PrivateKey key;

    public StoreWithPackages(Path directory) throws Exception {
        this.directory = directory;
        Path keys = Files.createDirectories(directory.resolve("keys"));
        KeyFiles.generate(keys.resolve("release"));
        this.key = KeyFiles.readPrivateKey(keys.resolve("release.key"));
        this.packages = PackageFiles.trusting(keys);
        this.store = FileModelStore.open(StoreSettings.in(directory.resolve("store")), packages, event -> { });
        KernelRegistry kernels = new KernelRegistry(List.of(new KernelRegistry.Ranked(new ScalarBackend(), 0)));
        this.engine = new Engine(() -> List.of(new OnnxModelLoader()), () -> kernels);
    }

    /** Stages {@code model} as {@code name} {@code version}, with one test case when {@code vector} is given. */
    public void stage(String name, String version, Path model, Optional<Map.Entry<Tensor, Tensor>> vector)
            throws Exception {
        store.stage(write(name, version, model, vector, Optional.of(key)));
    }

    /**
     * Writes a package of {@code model} as {@code name} {@code version}, signed by {@code signer}
     * (the trusted key: {@link #trustedKey()}) or unsigned when empty, and returns its file.
     */
    public Path write(String name, String version, Path model, Optional<Map.Entry<Tensor, Tensor>> vector,
                      Optional<PrivateKey> signer) throws Exception {
        Map<String, Path> files = new LinkedHashMap<>();
        files.put("model.onnx", model);
        Optional<TestVectors> vectors = Optional.empty();
        if (vector.isPresent()) {
            Path in = directory.resolve(name + version + "-in.npy");
            Path out = directory.resolve(name + version + "-out.npy");
            NpyFile.write(in, vector.get().getKey());
            NpyFile.write(out, vector.get().getValue());
            files.put("vectors/in.npy", in);
            files.put("vectors/out.npy", out);
            vectors = Optional.of(new TestVectors(1e-4, List.of(new TestVectors.TestCase(
                    Map.of("input", "vectors/in.npy"), Map.of("logits", "vectors/out.npy")))));
        }
        Path file = directory.resolve(name + "-" + version + "-" + System.nanoTime() + ".qmp");
        packages.write(new PackageContents(name, version, "model.onnx", files,
                List.of(new InputSpec("input", Optional.empty())),
                List.of(new OutputSpec("logits", Optional.empty(), Optional.empty())), vectors, List.of()),
                signer, file);
        return file;
    }

    public PrivateKey trustedKey() {
        return key;
    }

    /** A key this store does not trust. */
    public PrivateKey untrustedKey() throws Exception {
        Path other = Files.createDirectories(directory.resolve("other-keys"));
        KeyFiles.generate(other.resolve("stranger-" + System.nanoTime()));
        try (var keys = Files.list(other)) {
            return KeyFiles.readPrivateKey(keys.filter(p -> p.toString().endsWith(".key")).findFirst().orElseThrow());
        }
    }

    /** A model server on this store, with a health window of {@code runs} runs or {@code seconds}. */
    public GatewayModelServer server(int runs, int seconds, double maxErrorRate) {
        return new GatewayModelServer(engine, store, quietLoggers(), options(runs, seconds, maxErrorRate, 0));
    }

    /**
     * A test case for the CNN: a seeded image and the logits the engine computes for it, or those
     * logits made wrong (first element off by one) when {@code wrong}.
     */
    public Map.Entry<Tensor, Tensor> cnnVector(boolean wrong) throws Exception {
        Map<String, Tensor> input = cnnInput(3);
        try (Model model = engine.load(CNN)) {
            Tensor logits = model.run(input).get("logits");
            if (wrong) {
                float[] values = logits.toFloatArray();
                values[0] += 1;
                logits = Tensor.ofFloats(logits.shape(), values);
            }
            return Map.entry(input.get("input"), logits);
        }
    }

    /** One seeded CNN image. */
    public static Map<String, Tensor> cnnInput(long seed) {
        Random random = new Random(seed);
        float[] pixels = new float[28 * 28];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = random.nextFloat();
        }
        return Map.of("input", Tensor.ofFloats(Shape.of(1, 1, 28, 28), pixels));
    }

    public static LoggerFactory quietLoggers() {
        Logger logger = (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> method.getReturnType() == boolean.class ? Boolean.FALSE : null);
        return (LoggerFactory) Proxy.newProxyInstance(LoggerFactory.class.getClassLoader(),
                new Class<?>[] {LoggerFactory.class}, (proxy, method, args) -> logger);
    }

    static ServingOptions options(int runs, int seconds, double maxErrorRate, double maxP99LatencyMs) {
        return (ServingOptions) Proxy.newProxyInstance(ServingOptions.class.getClassLoader(),
                new Class<?>[] {ServingOptions.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "healthWindowRuns" -> runs;
                    case "healthWindowSeconds" -> seconds;
                    case "maxErrorRate" -> maxErrorRate;
                    case "maxP99LatencyMs" -> maxP99LatencyMs;
                    case "annotationType" -> ServingOptions.class;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Override
    public void close() {
        store.close();
    }
}
