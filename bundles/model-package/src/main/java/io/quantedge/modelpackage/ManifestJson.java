package io.quantedge.modelpackage;

import com.google.gson.stream.JsonWriter;
import io.quantedge.api.modelpackage.InputSpec;
import io.quantedge.api.modelpackage.OutputSpec;
import io.quantedge.api.modelpackage.PackageException;
import io.quantedge.api.modelpackage.PackageException.Code;
import io.quantedge.api.modelpackage.PackageFile;
import io.quantedge.api.modelpackage.PackageManifest;
import io.quantedge.api.modelpackage.Postprocessing;
import io.quantedge.api.modelpackage.Preprocessing;
import io.quantedge.api.modelpackage.TestVectors;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code manifest.json}, both ways. Reading is strict: unknown fields, wrong types, unsafe paths
 * and inconsistent references are refused with a code. Writing is canonical: the same manifest
 * always gives the same bytes (fixed field order, sorted maps, two-space indent, a final newline),
 * so a package is reproducible; the signature covers those exact bytes, so verifying never needs
 * to write JSON again.
 */
final class ManifestJson {

    /** A manifest is small; anything larger is refused before it is parsed. */
    static final int MAX_BYTES = 1 << 20;

    private ManifestJson() {
    }

    static PackageManifest read(byte[] bytes) throws PackageException {
        if (bytes.length > MAX_BYTES) {
            throw new PackageException(Code.TOO_LARGE, "the manifest has " + bytes.length + " bytes, more than "
                    + MAX_BYTES);
        }
        JsonObjectReader root = new JsonObjectReader(StrictJson.parseObject(bytes, PackageManifest.MANIFEST_ENTRY), "");
        long format = root.wholeNumber("format");
        if (format != PackageManifest.FORMAT) {
            throw new PackageException(Code.MALFORMED, "the manifest is format " + format + "; this gateway reads format "
                    + PackageManifest.FORMAT);
        }
        String name = root.string("name");
        String version = root.string("version");
        String model = root.string("model");
        List<PackageFile> files = new ArrayList<>();
        for (JsonObjectReader file : root.objects("files")) {
            files.add(file(file));
        }
        List<InputSpec> inputs = new ArrayList<>();
        for (JsonObjectReader input : root.objects("inputs")) {
            inputs.add(input(input));
        }
        List<OutputSpec> outputs = new ArrayList<>();
        for (JsonObjectReader output : root.objects("outputs")) {
            outputs.add(output(output));
        }
        Optional<JsonObjectReader> vectors = root.optionalObject("testVectors");
        Optional<TestVectors> testVectors = vectors.isPresent() ? Optional.of(testVectors(vectors.get())) : Optional.empty();
        List<String> requires = root.has("requires") ? root.strings("requires") : List.of();
        root.requireNoOtherFields();
        try {
            return new PackageManifest(name, version, model, files, inputs, outputs, testVectors, requires);
        } catch (IllegalArgumentException e) {
            throw new PackageException(Code.MALFORMED, "the manifest is inconsistent: " + e.getMessage());
        }
    }

    private static PackageFile file(JsonObjectReader file) throws PackageException {
        String path = file.string("path");
        if (!PackageFile.isSafePath(path)) {
            throw new PackageException(Code.UNSAFE_ENTRY, "the manifest lists the file '" + path + "', which could "
                    + "leave the package's folder: paths are relative, of letters, digits, '.', '_' and '-'");
        }
        String sha256 = file.string("sha256");
        long size = file.wholeNumber("size");
        file.requireNoOtherFields();
        return checked(() -> new PackageFile(path, sha256, size));
    }

    private static InputSpec input(JsonObjectReader input) throws PackageException {
        String name = input.string("name");
        Optional<Preprocessing> preprocessing = Optional.empty();
        Optional<JsonObjectReader> pre = input.optionalObject("preprocessing");
        if (pre.isPresent()) {
            JsonObjectReader p = pre.get();
            int width = p.optionalInt("width", 0);
            int height = p.optionalInt("height", 0);
            Preprocessing.Color color = p.enumValue("color", Preprocessing.Color.class);
            Preprocessing.Layout layout = p.enumValue("layout", Preprocessing.Layout.class);
            double scale = p.optionalDouble("scale", 1.0);
            List<Double> mean = p.has("mean") ? p.decimals("mean") : List.of();
            List<Double> std = p.has("std") ? p.decimals("std") : List.of();
            p.requireNoOtherFields();
            preprocessing = Optional.of(checked(() -> new Preprocessing(width, height, color, layout, scale, mean, std)));
        }
        input.requireNoOtherFields();
        Optional<Preprocessing> given = preprocessing;
        return checked(() -> new InputSpec(name, given));
    }

    private static OutputSpec output(JsonObjectReader output) throws PackageException {
        String name = output.string("name");
        Optional<Postprocessing> postprocessing = Optional.empty();
        Optional<JsonObjectReader> post = output.optionalObject("postprocessing");
        if (post.isPresent()) {
            JsonObjectReader p = post.get();
            Postprocessing.Kind kind = p.enumValue("kind", Postprocessing.Kind.class);
            int topK = p.optionalInt("topK", Postprocessing.DEFAULT_TOP_K);
            double score = p.optionalDouble("scoreThreshold", Postprocessing.DEFAULT_SCORE_THRESHOLD);
            double iou = p.optionalDouble("iouThreshold", Postprocessing.DEFAULT_IOU_THRESHOLD);
            p.requireNoOtherFields();
            postprocessing = Optional.of(checked(() -> new Postprocessing(kind, topK, score, iou)));
        }
        Optional<String> labels = output.optionalString("labels");
        output.requireNoOtherFields();
        Optional<Postprocessing> given = postprocessing;
        return checked(() -> new OutputSpec(name, given, labels));
    }

    private static TestVectors testVectors(JsonObjectReader vectors) throws PackageException {
        double tolerance = vectors.decimal("tolerance");
        List<TestVectors.TestCase> cases = new ArrayList<>();
        for (JsonObjectReader c : vectors.objects("cases")) {
            Map<String, String> inputs = c.stringMap("inputs");
            Map<String, String> outputs = c.stringMap("outputs");
            c.requireNoOtherFields();
            cases.add(checked(() -> new TestVectors.TestCase(inputs, outputs)));
        }
        vectors.requireNoOtherFields();
        return checked(() -> new TestVectors(tolerance, cases));
    }

    /** A value type's own checks (a negative size, say) are the manifest's fault: MALFORMED. */
    private static <T> T checked(java.util.function.Supplier<T> construction) throws PackageException {
        try {
            return construction.get();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new PackageException(Code.MALFORMED, "the manifest is invalid: " + e.getMessage());
        }
    }

    static byte[] write(PackageManifest manifest) {
        StringWriter text = new StringWriter();
        try (JsonWriter json = new JsonWriter(text)) {
            json.setIndent("  ");
            json.setHtmlSafe(false);
            json.beginObject();
            json.name("format").value(PackageManifest.FORMAT);
            json.name("name").value(manifest.name());
            json.name("version").value(manifest.version());
            json.name("model").value(manifest.model());
            json.name("files").beginArray();
            for (PackageFile file : manifest.files()) {
                json.beginObject().name("path").value(file.path()).name("sha256").value(file.sha256())
                        .name("size").value(file.size()).endObject();
            }
            json.endArray();
            json.name("inputs").beginArray();
            for (InputSpec input : manifest.inputs()) {
                json.beginObject().name("name").value(input.name());
                if (input.preprocessing().isPresent()) {
                    Preprocessing p = input.preprocessing().get();
                    json.name("preprocessing").beginObject()
                            .name("width").value(p.width()).name("height").value(p.height())
                            .name("color").value(p.color().name()).name("layout").value(p.layout().name())
                            .name("scale").value(p.scale());
                    writeNumbers(json, "mean", p.mean());
                    writeNumbers(json, "std", p.std());
                    json.endObject();
                }
                json.endObject();
            }
            json.endArray();
            json.name("outputs").beginArray();
            for (OutputSpec output : manifest.outputs()) {
                json.beginObject().name("name").value(output.name());
                if (output.postprocessing().isPresent()) {
                    Postprocessing p = output.postprocessing().get();
                    json.name("postprocessing").beginObject().name("kind").value(p.kind().name())
                            .name("topK").value(p.topK()).name("scoreThreshold").value(p.scoreThreshold())
                            .name("iouThreshold").value(p.iouThreshold()).endObject();
                }
                if (output.labels().isPresent()) {
                    json.name("labels").value(output.labels().get());
                }
                json.endObject();
            }
            json.endArray();
            if (manifest.testVectors().isPresent()) {
                TestVectors vectors = manifest.testVectors().get();
                json.name("testVectors").beginObject().name("tolerance").value(vectors.tolerance());
                json.name("cases").beginArray();
                for (TestVectors.TestCase c : vectors.cases()) {
                    json.beginObject();
                    writeMap(json, "inputs", c.inputs());
                    writeMap(json, "outputs", c.outputs());
                    json.endObject();
                }
                json.endArray().endObject();
            }
            json.name("requires").beginArray();
            for (String capability : manifest.requires()) {
                json.value(capability);
            }
            json.endArray();
            json.endObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to a string cannot fail", e);
        }
        return (text + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static void writeNumbers(JsonWriter json, String name, List<Double> values) throws IOException {
        json.name(name).beginArray();
        for (double value : values) {
            json.value(value);
        }
        json.endArray();
    }

    private static void writeMap(JsonWriter json, String name, Map<String, String> map) throws IOException {
        json.name(name).beginObject();
        for (Map.Entry<String, String> entry : new TreeMap<>(map).entrySet()) {
            json.name(entry.getKey()).value(entry.getValue());
        }
        json.endObject();
    }
}
