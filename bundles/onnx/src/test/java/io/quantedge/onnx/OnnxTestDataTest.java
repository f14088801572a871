package io.quantedge.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.quantedge.api.graph.Graph;
import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.api.tensor.TensorSpec;
import io.quantedge.onnx.tensorfile.OnnxTensorFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Reads ONNX's own backend test suite, as Debian's libonnx-testdata installs it: every model must
 * load or be refused as UNSUPPORTED, and every input and output tensor file must decode and fit
 * the loaded model's spec (or be refused as UNSUPPORTED, or be a sequence or optional value,
 * which is not a TensorProto and may be refused with any code).
 */
class OnnxTestDataTest {

    static final Path DATA = Path.of("/usr/share/libonnx-testdata/data");

    private static final Pattern[] REASONS = {
        Pattern.compile("has element type (\\w+)"),
        Pattern.compile("is an? (\\w+( tensor)?); QuantEdge supports tensor values only"),
        Pattern.compile("has type (\\w+), which QuantEdge does not support"),
        Pattern.compile("(no shape \\(unknown rank\\))"),
        Pattern.compile("(declares no type)"),
        Pattern.compile("(model-local functions)"),
        Pattern.compile("(sparse initializers)"),
    };

    static List<Path> models() throws IOException {
        if (!Files.isDirectory(DATA)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(DATA)) {
            return files.filter(f -> f.getFileName().toString().equals("model.onnx")).sorted().toList();
        }
    }

    @Test
    void everyModelLoadsOrIsRefusedAsUnsupported() throws IOException {
        List<Path> models = models();
        assumeTrue(!models.isEmpty(), "libonnx-testdata is not installed (apt-get install libonnx-testdata)");
        OnnxModelLoader loader = new OnnxModelLoader();
        int loaded = 0;
        Map<String, Integer> refusedBy = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        for (Path model : models) {
            try {
                Graph graph = loader.load(model);
                assertTrue(graph.nodes().size() > 0 || !graph.outputs().isEmpty(), model.toString());
                loaded++;
            } catch (ModelLoadException e) {
                if (e.code() == Code.UNSUPPORTED) {
                    refusedBy.merge(reason(e.getMessage()), 1, Integer::sum);
                } else {
                    failures.add(DATA.relativize(model) + ": " + e.getMessage());
                }
            }
        }
        System.out.printf("libonnx-testdata: %d models, %d loaded, %d refused as UNSUPPORTED%n", models.size(), loaded,
                models.size() - loaded - failures.size());
        refusedBy.forEach((reason, count) -> System.out.printf("  %4d  %s%n", count, reason));
        assertEquals(List.of(), failures);
    }

    @Test
    void everyTensorFileDecodesAndFitsItsModel() throws IOException {
        List<Path> models = models();
        assumeTrue(!models.isEmpty(), "libonnx-testdata is not installed (apt-get install libonnx-testdata)");
        OnnxModelLoader loader = new OnnxModelLoader();
        int decoded = 0;
        int unsupported = 0;
        int notTensors = 0;
        int checkedAgainstSpec = 0;
        List<String> failures = new ArrayList<>();
        for (Path model : models) {
            Signature signature = Signature.of(model);
            Graph graph;
            try {
                graph = loader.load(model);
            } catch (ModelLoadException e) {
                graph = null;
            }
            for (Path set : dataSets(model.getParent())) {
                for (Path file : tensorFiles(set)) {
                    String fileName = file.getFileName().toString();
                    boolean input = fileName.startsWith("input_");
                    int index = Integer.parseInt(fileName.replaceAll("\\D", ""));
                    List<ValueInfoDecoder.Kind> kinds = input ? signature.inputKinds() : signature.outputKinds();
                    boolean tensorValue = index < kinds.size() && kinds.get(index) == ValueInfoDecoder.Kind.TENSOR;
                    String where = DATA.relativize(file).toString();
                    try {
                        Tensor tensor = OnnxTensorFiles.read(file);
                        OnnxTensorFiles.readName(file);
                        decoded++;
                        if (graph != null) {
                            List<TensorSpec> specs = input ? graph.inputs() : graph.outputs();
                            TensorSpec spec = specs.get(index);
                            if (spec.type() != tensor.type() || !spec.accepts(tensor.shape())) {
                                failures.add(where + ": " + tensor + " does not fit " + spec);
                            }
                            checkedAgainstSpec++;
                        }
                    } catch (ModelLoadException e) {
                        if (e.code() == Code.UNSUPPORTED) {
                            unsupported++;
                        } else if (!tensorValue) {
                            // A SequenceProto or OptionalProto read as a TensorProto: its name (field 1,
                            // length-delimited) reads as packed dims, so any refusal is right.
                            notTensors++;
                        } else {
                            failures.add(where + ": " + e.getMessage());
                        }
                    }
                }
            }
        }
        System.out.printf("libonnx-testdata tensor files: %d decoded (%d checked against a loaded model's spec),"
                + " %d UNSUPPORTED, %d sequence/optional values (not TensorProto)%n", decoded, checkedAgainstSpec,
                unsupported, notTensors);
        assertEquals(List.of(), failures);
        assertTrue(decoded > 1000, "expected most tensor files to decode, got " + decoded);
    }

    /** The reason part of an UNSUPPORTED message, without the names, so refusals can be counted by kind. */
    static String reason(String message) {
        for (Pattern pattern : REASONS) {
            Matcher matcher = pattern.matcher(message);
            if (matcher.find()) {
                return matcher.group(1);
            }
        }
        return message;
    }

    private static List<Path> dataSets(Path modelFolder) throws IOException {
        try (Stream<Path> entries = Files.list(modelFolder)) {
            return entries.filter(p -> p.getFileName().toString().startsWith("test_data_set_") && Files.isDirectory(p))
                    .sorted().toList();
        }
    }

    private static List<Path> tensorFiles(Path set) throws IOException {
        try (Stream<Path> entries = Files.list(set)) {
            return entries.filter(p -> p.getFileName().toString().endsWith(".pb"))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        }
    }

    /**
     * What kinds of values a model's graph takes and returns, read with the decoder's own parts:
     * the test data's input_K is the K-th graph input that is not an initializer.
     */
    record Signature(List<ValueInfoDecoder.Kind> inputKinds, List<ValueInfoDecoder.Kind> outputKinds) {

        static Signature of(Path model) throws IOException {
            try {
                ProtobufReader reader = ProtobufReader.of(ByteBuffer.wrap(Files.readAllBytes(model)), "ModelProto");
                while (reader.hasRemaining()) {
                    int tag = reader.readTag();
                    if (ProtobufReader.fieldNumber(tag) == 7) {
                        return ofGraph(reader.readMessage("graph"));
                    }
                    reader.skipField(tag);
                }
            } catch (ModelLoadException e) {
                throw new IllegalStateException(model + ": " + e.getMessage(), e);
            }
            throw new IllegalStateException(model + " has no graph");
        }

        private static Signature ofGraph(ProtobufReader graph) throws ModelLoadException {
            List<ValueInfoDecoder.ValueInfo> inputs = new ArrayList<>();
            List<ValueInfoDecoder.Kind> outputs = new ArrayList<>();
            Set<String> initializers = new HashSet<>();
            while (graph.hasRemaining()) {
                int tag = graph.readTag();
                switch (ProtobufReader.fieldNumber(tag)) {
                    case 5 -> initializers.add(tensorName(graph.readMessage("initializer")));
                    case 11 -> inputs.add(ValueInfoDecoder.decode(graph.readMessage("input")));
                    case 12 -> outputs.add(ValueInfoDecoder.decode(graph.readMessage("output")).kind());
                    default -> graph.skipField(tag);
                }
            }
            List<ValueInfoDecoder.Kind> inputKinds = inputs.stream()
                    .filter(v -> !initializers.contains(v.name())).map(ValueInfoDecoder.ValueInfo::kind).toList();
            return new Signature(inputKinds, outputs);
        }

        private static String tensorName(ProtobufReader tensor) throws ModelLoadException {
            String name = "";
            while (tensor.hasRemaining()) {
                int tag = tensor.readTag();
                if (ProtobufReader.fieldNumber(tag) == 8) {
                    name = tensor.readString();
                } else {
                    tensor.skipField(tag);
                }
            }
            return name;
        }
    }
}
