package io.quantedge.quantize.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.quantedge.api.model.ModelLoader;
import io.quantedge.api.modelpackage.InputSpec;
import io.quantedge.api.modelpackage.OutputSpec;
import io.quantedge.api.modelpackage.PackageContents;
import io.quantedge.api.modelpackage.Preprocessing;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.backend.scalar.ScalarBackend;
import io.quantedge.engine.Engine;
import io.quantedge.engine.KernelRegistry;
import io.quantedge.engine.npy.NpyFile;
import io.quantedge.modelpackage.PackageFiles;
import io.quantedge.onnx.OnnxModelLoader;
import io.quantedge.quantize.FashionData;
import io.quantedge.quantize.QuantizeException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipFile;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A folder of PNGs as DATA: the 1,000 Fashion-MNIST test images written as grey PNGs (from the raw
 * pixels of fashion_test_images_u8.npy) into one folder per class, made into inputs by the
 * preprocessing of a package's manifest through the pipeline's own code. They must be the inputs
 * the project's scripts compute (the .npy route), so eval gives the same accuracy both ways.
 */
class ImageFolderDataTest {

    /** The classes in the model's order, as folder names (no '/'); sorted, they would be another order. */
    private static final List<String> CLASSES = List.of("tshirt", "trouser", "pullover", "dress", "coat", "sandal",
            "shirt", "sneaker", "bag", "boot");

    @TempDir
    Path dir;

    private final List<ModelLoader> loaders = List.of(new OnnxModelLoader());
    private final Engine engine = new Engine(() -> loaders,
            () -> new KernelRegistry(List.of(new KernelRegistry.Ranked(new ScalarBackend(), 0))));
    private final PackageFiles packages = PackageFiles.trusting(Path.of("no-keys"));
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private Path images;
    private Path flat;
    private Path classes;
    private Path pkg;

    @BeforeEach
    void writeImages() throws Exception {
        Tensor raw = NpyFile.read(FashionData.MODELS.resolve("data/fashion_test_images_u8.npy"));
        long[] labels = FashionData.testLabels();
        images = Files.createDirectories(dir.resolve("images"));
        flat = Files.createDirectories(dir.resolve("flat"));
        ByteBuffer pixels = raw.data();
        for (int i = 0; i < labels.length; i++) {
            BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
            byte[] row = new byte[28 * 28];
            pixels.get(i * row.length, row);
            image.getRaster().setDataElements(0, 0, 28, 28, row);
            Path folder = Files.createDirectories(images.resolve(CLASSES.get((int) labels[i])));
            // Zero-padded names: name order is test-set order within each class.
            ImageIO.write(image, "png", folder.resolve(String.format("%04d.png", i)).toFile());
            if (i < 100) {
                ImageIO.write(image, "png", flat.resolve(String.format("%04d.png", i)).toFile());
            }
        }
        classes = Files.write(dir.resolve("classes.txt"), CLASSES);
        pkg = dir.resolve("cnn.qmp");
        packages.write(new PackageContents("cnn", "1", "model.onnx", Map.of("model.onnx", FashionData.MODELS
                .resolve("cnn_fp32.onnx")), List.of(new InputSpec("input", Optional.of(new Preprocessing(28, 28,
                Preprocessing.Color.GRAY, Preprocessing.Layout.NCHW, 1 / 255.0, List.of(0.2860), List.of(0.3530))))),
                List.of(new OutputSpec("logits", Optional.empty(), Optional.empty())), Optional.empty(), List.of()),
                Optional.empty(), pkg);
    }

    @Test
    void theImagesBecomeTheInputsTheScriptsComputeWithTheirClassFoldersAsLabels() throws Exception {
        SampleData.Loaded loaded = SampleData.load(images, "data", Optional.of(pkg), Optional.of(classes),
                FashionData.load(FashionData.MODELS.resolve("cnn_fp32.onnx")).inputs().get(0), packages);
        Tensor expected = FashionData.testImages();
        long[] labels = FashionData.testLabels();
        // The folder is in class order, so compare image by image through the file names' indices.
        float[] want = expected.toFloatArray();
        float[] got = loaded.samples().toFloatArray();
        assertEquals(want.length, got.length);
        int[] order = order(labels);
        double worst = 0;
        for (int k = 0; k < order.length; k++) {
            for (int p = 0; p < 784; p++) {
                worst = Math.max(worst, Math.abs(got[k * 784 + p] - want[order[k] * 784 + p]));
            }
            assertEquals(labels[order[k]], loaded.labels()[k], "image " + order[k]);
        }
        // The pipeline computes value * (scale / std) - mean / std in float: a rounding apart at most.
        assertTrue(worst < 1e-5, "largest difference " + worst);
    }

    @Test
    void evalOverTheFolderGivesTheAccuracyOfTheNpy() throws Exception {
        Path data = dir.resolve("test.npy");
        NpyFile.write(data, FashionData.testImages());
        String cnn = FashionData.MODELS.resolve("cnn_fp32.onnx").toString();
        assertEquals(0, eval("--model", cnn, "--data", data.toString(), "--labels",
                FashionData.MODELS.resolve("data/fashion_test_labels.npy").toString(), "--format", "json",
                "--runs", "3"), err());
        JsonObject fromNpy = model(out.toString(StandardCharsets.UTF_8));
        out.reset();
        assertEquals(0, eval("--model", cnn, "--data", images.toString(), "--preprocessing", pkg.toString(),
                "--classes", classes.toString(), "--format", "json", "--runs", "3"), err());
        JsonObject fromFolder = model(out.toString(StandardCharsets.UTF_8));
        System.out.println("eval over 1,000 PNGs: " + fromFolder + "; over the .npy: " + fromNpy);
        assertEquals(1000, fromFolder.get("samples").getAsInt());
        assertEquals(fromNpy.get("accuracy").getAsDouble(), fromFolder.get("accuracy").getAsDouble());
        // tests/models/metrics.json: cnn_fp32.onnx 0.899 on these 1,000 images (numpy reference).
        assertEquals(0.899, fromFolder.get("accuracy").getAsDouble(), 0.005);
    }

    @Test
    void quantizeCalibratesOnAFlatFolderWithAManifestJson() throws Exception {
        Path manifest = dir.resolve("manifest.json");
        try (ZipFile zip = new ZipFile(pkg.toFile())) {
            Files.write(manifest, zip.getInputStream(zip.getEntry("manifest.json")).readAllBytes());
        }
        Path q = dir.resolve("q.onnx");
        assertEquals(0, new QuantizeCommand(loaders, engine, packages).execute(List.of("--model",
                FashionData.MODELS.resolve("cnn_fp32.onnx").toString(), "--calibration", flat.toString(),
                "--preprocessing", manifest.toString(), "--out", q.toString()), print(out), print(err)), err());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("4 layers quantized"), out.toString());
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("(100/100)"), err.toString());
        assertTrue(Files.size(q) > 0);
    }

    @Test
    void aFolderThatCannotBeUsedIsRefusedWithItsReason() throws Exception {
        String cnn = FashionData.MODELS.resolve("cnn_fp32.onnx").toString();
        assertEquals(4, eval("--model", cnn, "--data", images.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("BAD_DATA: ")
                && err.toString(StandardCharsets.UTF_8).contains("give --preprocessing"), err.toString());
        Files.writeString(images.resolve("stray.png"), "not an image");
        assertEquals(4, eval("--model", cnn, "--data", images.toString(), "--preprocessing", pkg.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("beside class sub-folders"), err.toString());
        Files.writeString(flat.resolve("0000.png"), "not an image either");
        QuantizeException bad = org.junit.jupiter.api.Assertions.assertThrows(QuantizeException.class,
                () -> SampleData.load(flat, "data", Optional.of(pkg), Optional.empty(),
                        FashionData.load(Path.of(cnn)).inputs().get(0), packages));
        assertEquals(QuantizeException.Code.BAD_DATA, bad.code());
        assertTrue(bad.getMessage().contains("0000.png"), bad.getMessage());
        Files.write(classes, CLASSES.subList(0, 9));
        Files.delete(images.resolve("stray.png"));
        assertEquals(4, eval("--model", cnn, "--data", images.toString(), "--preprocessing", pkg.toString(),
                "--classes", classes.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("class folder 'boot' is not among the 9"),
                err.toString());
    }

    private int eval(String... args) {
        return new EvalCommand(loaders, engine, packages).execute(List.of(args), print(out), print(err));
    }

    private static JsonObject model(String json) {
        return JsonParser.parseString(json).getAsJsonObject().getAsJsonArray("models").get(0).getAsJsonObject();
    }

    /** The test-set indices in the folder's order: by class folder name, then by index. */
    private static int[] order(long[] labels) {
        int[] order = new int[labels.length];
        int k = 0;
        for (String name : CLASSES.stream().sorted().toList()) {
            int c = CLASSES.indexOf(name);
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] == c) {
                    order[k++] = i;
                }
            }
        }
        return order;
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }
}
