package io.quantedge.modelpackage.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quantedge.api.cli.CliCommand;
import io.quantedge.api.model.Model;
import io.quantedge.api.modelpackage.PackageManifest;
import io.quantedge.api.modelpackage.TestVectors;
import io.quantedge.api.modelpackage.VerifiedPackage;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.backend.scalar.ScalarBackend;
import io.quantedge.engine.Engine;
import io.quantedge.engine.KernelRegistry;
import io.quantedge.engine.npy.NpyFile;
import io.quantedge.modelpackage.PackageFiles;
import io.quantedge.onnx.OnnxModelLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** keygen, package and verify as a model owner runs them, on the project's real test model. */
class PackageCommandsTest {

    private static final Path MODELS = Path.of(System.getProperty("quantedge.models", "../../tests/models"))
            .toAbsolutePath().normalize();
    private static final Path CNN = MODELS.resolve("cnn_qdq_per_channel.onnx");
    private static final List<String> LABELS = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
            "Shirt", "Sneaker", "Bag", "Ankle boot");

    @TempDir
    Path work;

    private final Engine engine = new Engine(() -> List.of(new OnnxModelLoader()),
            () -> new KernelRegistry(List.of(new KernelRegistry.Ranked(new ScalarBackend(), 0))));
    private final PackageFiles packages = PackageFiles.trusting(Path.of("unused"));

    /** What a command printed and returned. */
    private record Run(int exit, String out, String err) {
    }

    private Run run(CliCommand command, String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = command.execute(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Run keygen(String... args) throws Exception {
        return run(new KeygenCommand(), args);
    }

    private Run pack(String... args) throws Exception {
        return run(new PackageCommand(engine, packages), args);
    }

    private Run verify(String... args) throws Exception {
        return run(new VerifyCommand(work.resolve("trusted-keys")), args);
    }

    @Test
    void aModelOwnerMakesAKeyPackagesAModelAndAGatewayWithTheKeyAcceptsIt() throws Exception {
        Run keys = keygen("--out", work.resolve("release").toString());
        assertEquals(0, keys.exit(), keys.err());
        Matcher keyId = Pattern.compile("Key id: +([0-9a-f]{64})").matcher(keys.out());
        assertTrue(keyId.find(), keys.out());
        Path labels = Files.write(work.resolve("labels.txt"), LABELS);
        Path qmp = work.resolve("fashion-3.qmp");

        Run packaged = pack("--model", CNN.toString(), "--name", "fashion", "--version", "3", "--labels",
                labels.toString(), "--test-vectors", "--key", work.resolve("release.key").toString(), "--out",
                qmp.toString());
        assertEquals(0, packaged.exit(), packaged.err());
        assertTrue(packaged.out().contains("Signed by key " + keyId.group(1)), packaged.out());

        Run untrusted = verify("--package", qmp.toString());
        assertEquals(ExitCodes.REFUSED, untrusted.exit(), untrusted.out());
        assertTrue(untrusted.err().contains("UNTRUSTED_SIGNATURE"), untrusted.err());

        Files.createDirectories(work.resolve("trusted-keys"));
        Files.copy(work.resolve("release.pub"), work.resolve("trusted-keys/release.pub"));
        Run trusted = verify("--package", qmp.toString());
        assertEquals(0, trusted.exit(), trusted.err());
        assertTrue(trusted.out().contains("is valid: fashion version 3"), trusted.out());
        assertTrue(trusted.out().contains("Signed by: trusted key " + keyId.group(1)), trusted.out());
    }

    @Test
    void theRecordedTestVectorsAreWhatTheModelComputesWithinTolerance() throws Exception {
        Path qmp = work.resolve("fashion.qmp");
        Run packaged = pack("--model", CNN.toString(), "--name", "fashion", "--version", "1", "--test-vectors",
                "--tolerance", "0.0001", "--seed", "7", "--unsigned", "--out", qmp.toString());
        assertEquals(0, packaged.exit(), packaged.err());

        VerifiedPackage opened = packages.allowingUnsigned().open(qmp, work.resolve("opened"));
        PackageManifest manifest = opened.manifest();
        assertEquals(List.of("onnx"), manifest.requires());
        assertEquals(List.of("input"), manifest.inputs().stream().map(i -> i.name()).toList());
        TestVectors vectors = manifest.testVectors().orElseThrow();
        assertEquals(0.0001, vectors.tolerance());
        TestVectors.TestCase testCase = vectors.cases().get(0);
        assertEquals(Map.of("input", "test-vectors/input-0.npy"), testCase.inputs());

        Map<String, Tensor> inputs = new LinkedHashMap<>();
        for (Map.Entry<String, String> input : testCase.inputs().entrySet()) {
            inputs.put(input.getKey(), NpyFile.read(opened.file(input.getValue())));
        }
        try (Model model = engine.load(opened.model())) {
            Map<String, Tensor> outputs = model.run(inputs);
            for (Map.Entry<String, String> expected : testCase.outputs().entrySet()) {
                float[] want = NpyFile.read(opened.file(expected.getValue())).toFloatArray();
                float[] got = outputs.get(expected.getKey()).toFloatArray();
                assertEquals(want.length, got.length);
                for (int i = 0; i < want.length; i++) {
                    assertEquals(want[i], got[i], vectors.tolerance(), "element " + i);
                }
            }
        }
    }

    @Test
    void anUnsignedPackageIsAcceptedOnlyWhenAllowed() throws Exception {
        Path qmp = work.resolve("dev.qmp");
        Run packaged = pack("--model", CNN.toString(), "--name", "fashion", "--version", "dev-1", "--unsigned", "--out",
                qmp.toString());
        assertEquals(0, packaged.exit(), packaged.err());
        assertTrue(packaged.out().contains("Unsigned"), packaged.out());
        Run refused = verify("--package", qmp.toString());
        assertEquals(ExitCodes.REFUSED, refused.exit());
        assertTrue(refused.err().contains("UNSIGNED"), refused.err());
        assertEquals(0, verify("--package", qmp.toString(), "--allow-unsigned").exit());
    }

    @Test
    void preprocessingAndTopKGoIntoTheManifestForPipelines() throws Exception {
        Path labels = Files.write(work.resolve("labels.txt"), LABELS);
        Path qmp = work.resolve("pre.qmp");
        Run packaged = pack("--model", CNN.toString(), "--name", "fashion", "--version", "1", "--unsigned", "--labels",
                labels.toString(), "--top-k", "3", "--preprocessing",
                "color=gray,layout=nchw,width=28,height=28,scale=0.00392156862745098,mean=0.286,std=0.353",
                "--out", qmp.toString());
        assertEquals(0, packaged.exit(), packaged.err());
        com.google.gson.JsonObject manifest;
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(qmp.toFile())) {
            manifest = com.google.gson.JsonParser.parseString(new String(zip.getInputStream(
                    zip.getEntry("manifest.json")).readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
                    .getAsJsonObject();
        }
        com.google.gson.JsonObject pre = manifest.getAsJsonArray("inputs").get(0).getAsJsonObject()
                .getAsJsonObject("preprocessing");
        assertEquals("GRAY", pre.get("color").getAsString().toUpperCase(java.util.Locale.ROOT));
        assertEquals("NCHW", pre.get("layout").getAsString().toUpperCase(java.util.Locale.ROOT));
        assertEquals(28, pre.get("width").getAsInt());
        assertEquals(0.00392156862745098, pre.get("scale").getAsDouble(), 1e-15);
        assertEquals(0.286, pre.getAsJsonArray("mean").get(0).getAsDouble(), 1e-12);
        assertEquals(0.353, pre.getAsJsonArray("std").get(0).getAsDouble(), 1e-12);
        com.google.gson.JsonObject post = manifest.getAsJsonArray("outputs").get(0).getAsJsonObject()
                .getAsJsonObject("postprocessing");
        assertEquals(3, post.get("topK").getAsInt());

        assertUsage(pack("--model", CNN.toString(), "--name", "a", "--version", "1", "--unsigned", "--out", "x.qmp",
                "--preprocessing", "layout=nchw"), "needs color=");
        assertUsage(pack("--model", CNN.toString(), "--name", "a", "--version", "1", "--unsigned", "--out", "x.qmp",
                "--preprocessing", "color=rgb,mean=1:2"), "mean and std need 3 values");
        assertUsage(pack("--model", CNN.toString(), "--name", "a", "--version", "1", "--unsigned", "--out", "x.qmp",
                "--top-k", "0"), "--top-k must be 1 to 1000");
    }

    @Test
    void everyOptionIsInTheHelp() throws Exception {
        Map<CliCommand, List<String>> options = Map.of(
                new KeygenCommand(), List.of("--out", "--help"),
                new PackageCommand(engine, packages), List.of("--model", "--name", "--version", "--key", "--unsigned",
                        "--out", "--labels", "--test-vectors", "--tolerance", "--seed", "--requires", "--preprocessing",
                        "--top-k", "--help"),
                new VerifyCommand(work), List.of("--package", "--trusted-keys", "--allow-unsigned", "--help"));
        for (Map.Entry<CliCommand, List<String>> command : options.entrySet()) {
            Run help = run(command.getKey(), "--help");
            assertEquals(0, help.exit());
            for (String option : command.getValue()) {
                assertTrue(help.out().contains("  " + option), option + " is missing from:\n" + help.out());
            }
            assertTrue(help.out().contains("Exit codes:"), help.out());
        }
    }

    @Test
    void wrongCommandLinesExitWithTwoAndSayWhy() throws Exception {
        assertUsage(keygen(), "--out PREFIX is required");
        assertUsage(keygen("--out"), "--out needs a value");
        assertUsage(pack("--model", CNN.toString(), "--name", "a", "--version", "1", "--out", "x.qmp"),
                "either --key FILE");
        assertUsage(pack("--model", CNN.toString(), "--name", "../a", "--version", "1", "--unsigned", "--out", "x.qmp"),
                "'../a' cannot be a name");
        assertUsage(pack("--model", CNN.toString(), "--name", "a", "--version", "1", "--unsigned", "--out", "x.qmp",
                "--tolerance", "much"), "--tolerance needs a number");
        assertUsage(pack("--frobnicate"), "unknown option '--frobnicate'");
        assertUsage(verify(), "--package FILE is required");
    }

    @Test
    void badInputFilesAndModelsHaveTheirOwnExitCodes() throws Exception {
        Path nineLabels = Files.write(work.resolve("nine.txt"), LABELS.subList(0, 9));
        Run labels = pack("--model", CNN.toString(), "--name", "a", "--version", "1", "--unsigned", "--labels",
                nineLabels.toString(), "--out", work.resolve("a.qmp").toString());
        assertEquals(ExitCodes.BAD_INPUT, labels.exit());
        assertTrue(labels.err().contains("has 9 labels, but output 'logits' has 10 classes"), labels.err());

        Path notAKey = Files.writeString(work.resolve("bad.key"), "hello");
        Run key = pack("--model", CNN.toString(), "--name", "a", "--version", "1", "--key", notAKey.toString(), "--out",
                work.resolve("a.qmp").toString());
        assertEquals(ExitCodes.BAD_INPUT, key.exit());
        assertTrue(key.err().contains("cannot read the signing key"), key.err());

        Path notAModel = Files.writeString(work.resolve("broken.onnx"), "not protobuf");
        Run model = pack("--model", notAModel.toString(), "--name", "a", "--version", "1", "--unsigned", "--out",
                work.resolve("a.qmp").toString());
        assertEquals(ExitCodes.MODEL_NOT_LOADED, model.exit(), model.err());
        assertFalse(Files.exists(work.resolve("a.qmp")), "no package is written for a failed command");
    }

    @Test
    void keygenNeverOverwritesAKey() throws Exception {
        assertEquals(0, keygen("--out", work.resolve("k").toString()).exit());
        String before = Files.readString(work.resolve("k.key"));
        Run again = keygen("--out", work.resolve("k").toString());
        assertEquals(ExitCodes.FAILED, again.exit());
        assertTrue(again.err().contains("never overwritten"), again.err());
        assertEquals(before, Files.readString(work.resolve("k.key")));
    }

    private static void assertUsage(Run run, String messagePart) {
        assertEquals(ExitCodes.USAGE, run.exit(), run.err());
        assertTrue(run.err().contains(messagePart), run.err());
        assertTrue(run.err().contains("Usage: quantedge"), run.err());
    }
}
