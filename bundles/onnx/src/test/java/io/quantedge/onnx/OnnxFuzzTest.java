package io.quantedge.onnx;

import static io.quantedge.onnx.OnnxWriter.dims;
import static io.quantedge.onnx.OnnxWriter.entry;
import static io.quantedge.onnx.OnnxWriter.floatTensor;
import static io.quantedge.onnx.OnnxWriter.graph;
import static io.quantedge.onnx.OnnxWriter.model;
import static io.quantedge.onnx.OnnxWriter.node;
import static io.quantedge.onnx.OnnxWriter.rawFloatTensor;
import static io.quantedge.onnx.OnnxWriter.rawTensor;
import static io.quantedge.onnx.OnnxWriter.tensorValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile and broken input, from valid models: truncated, bytes flipped, inserted and deleted,
 * fields re-encoded with the wrong wire type, absurd sizes, broken graphs. Every case must load or
 * fail with a ModelLoadException that has a code and is not the reader's last-resort "error in the
 * reader"; none may take more than 2 s or allocate more than 64 MB. Seeded, so a failure repeats.
 */
class OnnxFuzzTest {

    private static final long ALLOCATION_LIMIT = 64L << 20;
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    /** Seeds larger than this are truncated at a sample of offsets rather than at every one. */
    private static final int TRUNCATE_EVERYWHERE_BELOW = 2048;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @TempDir
    static Path folder;

    private static final Map<String, ProtoMessage> BUILT = new LinkedHashMap<>();
    private static final Map<String, byte[]> SEEDS = new LinkedHashMap<>();
    private final Map<String, Integer> outcomes = new TreeMap<>();
    private long mostAllocated;

    @BeforeAll
    static void seeds() throws IOException {
        ByteBuffer weights = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 16; i++) {
            weights.putFloat(i);
        }
        Files.write(folder.resolve("weights.bin"), weights.array());

        BUILT.put("conv_add", OnnxWriter.convAddModel());
        BUILT.put("if", OnnxWriter.ifModel());
        BUILT.put("int4", OnnxWriter.int4Model());
        BUILT.put("external", model(graph("external")
                .input(tensorValue("x", OnnxWriter.FLOAT, "N", 4L))
                .initializer(OnnxWriter.tensor("w", OnnxWriter.FLOAT, 4)
                        .message(13, entry("location", "weights.bin"))
                        .message(13, entry("offset", "16"))
                        .message(13, entry("length", "16"))
                        .varint(14, 1))
                .node(node("Mul", "mul", List.of("x", "w"), List.of("y")))
                .output(tensorValue("y", OnnxWriter.FLOAT, "N", 4L))
                .build()));
        float[] large = new float[16 * 8 * 3 * 3];
        for (int i = 0; i < large.length; i++) {
            large[i] = (i % 17) * 0.125f;
        }
        BUILT.put("large_weights", model(graph("large")
                .input(tensorValue("x", OnnxWriter.FLOAT, "N", 8L, 8L, 8L))
                .initializer(rawFloatTensor("w", dims(16, 8, 3, 3), large))
                .node(node("Conv", "conv", List.of("x", "w"), List.of("y"), OnnxWriter.attrInts("pads", 1, 1, 1, 1)))
                .output(tensorValue("y", OnnxWriter.FLOAT, "N", 16L, 8L, 8L))
                .build()));
        BUILT.forEach((name, message) -> SEEDS.put(name, message.toByteArray()));

        for (String model : List.of("node/test_if", "node/test_loop11", "node/test_scan9_sum",
                "pytorch-converted/test_Conv2d", "pytorch-operator/test_operator_conv")) {
            Path file = OnnxTestDataTest.DATA.resolve(model).resolve("model.onnx");
            if (Files.isRegularFile(file)) {
                SEEDS.put(model, Files.readAllBytes(file));
            }
        }
    }

    /** Runs one case: it must load, or fail with a coded ModelLoadException, in time and memory. */
    private void attempt(String description, byte[] bytes) {
        String outcome = assertTimeoutPreemptively(TIMEOUT, () -> {
            long before = THREADS.getCurrentThreadAllocatedBytes();
            String result;
            try {
                OnnxModelLoader.load(ByteBuffer.wrap(bytes), folder);
                result = "loaded";
            } catch (ModelLoadException e) {
                if (e.getCause() instanceof RuntimeException || e.getCause() instanceof Error) {
                    throw new AssertionError(description + " reached the reader's last resort: " + e.getMessage(), e);
                }
                result = e.code().name();
            } catch (Throwable t) {
                throw new AssertionError(description + " threw " + t, t);
            }
            long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
            if (allocated > ALLOCATION_LIMIT) {
                fail(description + " allocated " + allocated + " bytes");
            }
            return result + "/" + allocated;
        }, () -> description + " took more than " + TIMEOUT.toMillis() + " ms");
        int slash = outcome.indexOf('/');
        mostAllocated = Math.max(mostAllocated, Long.parseLong(outcome.substring(slash + 1)));
        outcomes.merge(outcome.substring(0, slash), 1, Integer::sum);
    }

    private void report(String test) {
        int total = outcomes.values().stream().mapToInt(Integer::intValue).sum();
        System.out.printf("%s: %d cases %s, at most %d KiB allocated by one%n", test, total, outcomes, mostAllocated >> 10);
    }

    @Test
    void theSeedsThemselvesLoad() {
        for (Map.Entry<String, ProtoMessage> seed : BUILT.entrySet()) {
            attempt(seed.getKey(), SEEDS.get(seed.getKey()));
        }
        assertEquals(Map.of("loaded", BUILT.size()), outcomes);
    }

    @Test
    void truncatedAtEveryOffset() {
        for (Map.Entry<String, byte[]> seed : SEEDS.entrySet()) {
            byte[] bytes = seed.getValue();
            int step = bytes.length < TRUNCATE_EVERYWHERE_BELOW ? 1 : bytes.length / 1024;
            for (int length = 0; length < bytes.length; length += step) {
                attempt(seed.getKey() + " truncated to " + length + " bytes", java.util.Arrays.copyOf(bytes, length));
            }
        }
        report("truncation");
        assertTrue(outcomes.getOrDefault("MALFORMED", 0) > 0);
    }

    /**
     * Plain truncation mostly stops at the model's first length prefix; cutting an inner field's
     * payload while re-encoding the lengths around it reaches the decoders of every message.
     */
    @Test
    void innerMessagesTruncatedWithConsistentLengths() {
        for (Map.Entry<String, ProtoMessage> seed : BUILT.entrySet()) {
            List<ProtoMessage.Field> fields = seed.getValue().allFields();
            for (int index = 0; index < fields.size(); index++) {
                ProtoMessage.Field field = fields.get(index);
                if (field.wireType != ProtobufReader.LEN) {
                    continue;
                }
                byte[] payload = field.payload();
                for (int length : new int[] {0, 1, payload.length / 3, payload.length / 2, payload.length - 1}) {
                    if (length < 0 || length >= payload.length) {
                        continue;
                    }
                    ProtoMessage.Field cut = new ProtoMessage.Field(field.number, ProtobufReader.LEN, 0,
                            java.util.Arrays.copyOf(payload, length), null);
                    attempt(seed.getKey() + " field #" + index + " (number " + field.number + ") cut to " + length
                            + " bytes", seed.getValue().replacing(field, cut).toByteArray());
                }
            }
        }
        report("inner truncation");
        assertTrue(outcomes.getOrDefault("loaded", 0) > 0 && outcomes.getOrDefault("MALFORMED", 0) > 0);
    }

    @Test
    void randomByteFlipsInsertionsAndDeletions() {
        for (Map.Entry<String, byte[]> seed : SEEDS.entrySet()) {
            byte[] original = seed.getValue();
            Random random = new Random(seed.getKey().hashCode());
            for (int round = 0; round < 400; round++) {
                byte[] bytes = original.clone();
                int flips = 1 + random.nextInt(4);
                for (int f = 0; f < flips; f++) {
                    bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                }
                attempt(seed.getKey() + " flip round " + round, bytes);
            }
            for (int round = 0; round < 100; round++) {
                byte[] inserted = new byte[1 + random.nextInt(16)];
                random.nextBytes(inserted);
                int at = random.nextInt(original.length + 1);
                byte[] bytes = new byte[original.length + inserted.length];
                System.arraycopy(original, 0, bytes, 0, at);
                System.arraycopy(inserted, 0, bytes, at, inserted.length);
                System.arraycopy(original, at, bytes, at + inserted.length, original.length - at);
                attempt(seed.getKey() + " insertion round " + round, bytes);
            }
            for (int round = 0; round < 50; round++) {
                int at = random.nextInt(original.length);
                int length = Math.min(1 + random.nextInt(8), original.length - at);
                byte[] bytes = new byte[original.length - length];
                System.arraycopy(original, 0, bytes, 0, at);
                System.arraycopy(original, at + length, bytes, at, original.length - at - length);
                attempt(seed.getKey() + " deletion round " + round, bytes);
            }
        }
        report("random edits");
    }

    @Test
    void everyFieldReencodedWithEveryWrongWireType() {
        int[] wireTypes = {ProtobufReader.VARINT, ProtobufReader.I64, ProtobufReader.LEN, ProtobufReader.SGROUP,
            ProtobufReader.I32};
        for (Map.Entry<String, ProtoMessage> seed : BUILT.entrySet()) {
            List<ProtoMessage.Field> fields = seed.getValue().allFields();
            for (int index = 0; index < fields.size(); index++) {
                ProtoMessage.Field field = fields.get(index);
                for (int wireType : wireTypes) {
                    if (wireType == field.wireType) {
                        continue;
                    }
                    byte[] bytes = seed.getValue().replacing(field, field.withWireType(wireType)).toByteArray();
                    attempt(seed.getKey() + " field #" + index + " (number " + field.number + ") as "
                            + ProtobufReader.wireTypeName(wireType), bytes);
                }
            }
        }
        report("wrong wire types");
        assertTrue(outcomes.getOrDefault("MALFORMED", 0) > 100);
    }

    private static byte[] withInitializer(ProtoMessage tensor) {
        return model(graph("absurd")
                .input(tensorValue("x", OnnxWriter.FLOAT, 1L))
                .initializer(tensor)
                .node(node("Add", "add", List.of("x", "w"), List.of("y")))
                .output(tensorValue("y", OnnxWriter.FLOAT, 1L))
                .build()).toByteArray();
    }

    private void expect(Code code, String description, byte[] bytes) {
        outcomes.clear();
        attempt(description, bytes);
        assertEquals(Map.of(code.name(), 1), outcomes, description);
    }

    @Test
    void absurdSizesAreRefusedBeforeAllocating() {
        expect(Code.TOO_LARGE, "dims 2^40 x 2^40", withInitializer(rawTensor("w", OnnxWriter.FLOAT, dims(1L << 40, 1L << 40), new byte[4])));
        expect(Code.TOO_LARGE, "dims overflowing 64 bits", withInitializer(rawTensor("w", OnnxWriter.FLOAT,
                dims(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE), new byte[4])));
        expect(Code.MALFORMED, "negative dims", withInitializer(rawTensor("w", OnnxWriter.FLOAT, dims(-1, 4), new byte[4])));
        expect(Code.MALFORMED, "dims of -2^63", withInitializer(rawTensor("w", OnnxWriter.FLOAT, dims(Long.MIN_VALUE), new byte[4])));
        // A complete model in under 100 bytes: one Relu whose input is a 10 GB initializer.
        byte[] tenGigabytes = new ProtoMessage().varint(1, 8)
                .message(7, graph("g")
                        .initializer(rawTensor("w", OnnxWriter.UINT8, dims(10, 1000, 1000, 1000), new byte[4]))
                        .node(node("Relu", "r", List.of("w"), List.of("y")))
                        .output(tensorValue("y", OnnxWriter.UINT8, 10L, 1000L, 1000L, 1000L)).build())
                .message(8, OnnxWriter.opset("", 17)).toByteArray();
        assertTrue(tenGigabytes.length <= 100, "the 10 GB model should be tiny, is " + tenGigabytes.length);
        expect(Code.TOO_LARGE, "a 10 GB tensor in a " + tenGigabytes.length + "-byte file", tenGigabytes);
        expect(Code.TOO_LARGE, "a 1 GB tensor in a small file", withInitializer(rawTensor("w", OnnxWriter.UINT8, dims(1 << 30), new byte[4])));
        expect(Code.TOO_LARGE, "int64_data declaring 2^27 elements", withInitializer(
                OnnxWriter.tensor("w", OnnxWriter.INT64, 1 << 27).packedVarints(7, 1, 2, 3)));
        expect(Code.TOO_LARGE, "a dimension beyond int", withInitializer(rawTensor("w", OnnxWriter.FLOAT, dims(1L << 33, 0), new byte[0])));
        expect(Code.MALFORMED, "a declared length beyond the file", new byte[] {0x3A, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F});
        expect(Code.TOO_LARGE, "external data of 4 GB", withInitializer(OnnxWriter.tensor("w", OnnxWriter.FLOAT, 1 << 30)
                .message(13, entry("location", "weights.bin")).message(13, entry("length", "4294967296")).varint(14, 1)));
        expect(Code.MALFORMED, "a graph input of negative dimension", model(graph("neg")
                .input(tensorValue("x", OnnxWriter.FLOAT, -5L))
                .node(node("Relu", "r", List.of("x"), List.of("y")))
                .output(tensorValue("y", OnnxWriter.FLOAT, 1L)).build()).toByteArray());

        ProtoMessage nested = graph("leaf").output(tensorValue("x", OnnxWriter.FLOAT, 1L)).build();
        for (int level = 0; level < 40; level++) {
            nested = graph("level" + level)
                    .node(node("If", "if" + level, List.of("c"), List.of("x"), OnnxWriter.attrGraph("then_branch", nested)))
                    .output(tensorValue("x", OnnxWriter.FLOAT, 1L)).build();
        }
        expect(Code.UNSUPPORTED, "graphs nested 40 deep", model(nested).toByteArray());
    }

    @Test
    void brokenGraphsAreInvalid() {
        expect(Code.INVALID_GRAPH, "a cycle", model(graph("cycle")
                .input(tensorValue("x", OnnxWriter.FLOAT, 1L))
                .node(node("Add", "a", List.of("x", "b_out"), List.of("a_out")))
                .node(node("Relu", "b", List.of("a_out"), List.of("b_out")))
                .output(tensorValue("b_out", OnnxWriter.FLOAT, 1L)).build()).toByteArray());
        expect(Code.INVALID_GRAPH, "a missing initializer", model(graph("missing")
                .input(tensorValue("x", OnnxWriter.FLOAT, 1L))
                .node(node("Conv", "conv", List.of("x", "weights"), List.of("y")))
                .output(tensorValue("y", OnnxWriter.FLOAT, 1L)).build()).toByteArray());
        expect(Code.INVALID_GRAPH, "a value produced twice", model(graph("twice")
                .input(tensorValue("x", OnnxWriter.FLOAT, 1L))
                .node(node("Relu", "a", List.of("x"), List.of("y")))
                .node(node("Relu", "b", List.of("x"), List.of("y")))
                .output(tensorValue("y", OnnxWriter.FLOAT, 1L)).build()).toByteArray());

        // Each node of the conv_add model, removed in turn: its consumers lose an input.
        ProtoMessage graph = BUILT.get("conv_add").fields().stream().filter(f -> f.number == 7).findFirst().orElseThrow().message;
        List<ProtoMessage.Field> nodes = graph.fields().stream().filter(f -> f.number == 1).toList();
        for (ProtoMessage.Field node : nodes) {
            ProtoMessage without = new ProtoMessage();
            graph.fields().stream().filter(f -> f != node).forEach(without::add);
            expect(Code.INVALID_GRAPH, "conv_add without node " + nodes.indexOf(node), model(without).toByteArray());
        }
        // A long chain closed into a cycle is found without deep recursion.
        OnnxWriter.GraphBuilder chain = graph("chain").input(tensorValue("x", OnnxWriter.FLOAT, 1L));
        chain.node(node("Add", "n0", List.of("x", "v9999"), List.of("v0")));
        for (int i = 1; i < 10_000; i++) {
            chain.node(node("Relu", "n" + i, List.of("v" + (i - 1)), List.of("v" + i)));
        }
        expect(Code.INVALID_GRAPH, "a 10,000-node cycle", model(chain.output(tensorValue("v9999", OnnxWriter.FLOAT, 1L))
                .build()).toByteArray());
    }

    @Test
    void tensorFilesSurviveTheSameTreatment() {
        List<byte[]> tensors = new ArrayList<>();
        tensors.add(floatTensor("t", dims(2, 3), 1, 2, 3, 4, 5, 6).toByteArray());
        tensors.add(OnnxWriter.tensor("q", OnnxWriter.INT4, 5).packedVarints(5, 0x8F, 0x21, 0x07).toByteArray());
        Random random = new Random(7);
        int cases = 0;
        for (byte[] original : tensors) {
            for (int length = 0; length <= original.length; length++) {
                tensorAttempt(java.util.Arrays.copyOf(original, length));
                cases++;
            }
            for (int round = 0; round < 300; round++) {
                byte[] bytes = original.clone();
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                tensorAttempt(bytes);
                cases++;
            }
        }
        System.out.printf("tensor files: %d cases%n", cases);
    }

    private static void tensorAttempt(byte[] bytes) {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            try {
                TensorFileReader.decode(ByteBuffer.wrap(bytes), folder);
            } catch (ModelLoadException e) {
                assertTrue(e.code() != null);
            }
        });
    }
}
