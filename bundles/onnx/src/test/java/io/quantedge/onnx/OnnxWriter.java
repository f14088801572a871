package io.quantedge.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Builds ONNX messages for tests, with the field numbers of onnx.proto written out independently
 * of the reader (the libonnx-testdata test checks both against files ONNX itself wrote).
 */
final class OnnxWriter {

    // TensorProto.DataType
    static final int FLOAT = 1;
    static final int UINT8 = 2;
    static final int INT8 = 3;
    static final int UINT16 = 4;
    static final int INT16 = 5;
    static final int INT32 = 6;
    static final int INT64 = 7;
    static final int STRING = 8;
    static final int BOOL = 9;
    static final int FLOAT16 = 10;
    static final int DOUBLE = 11;
    static final int UINT32 = 12;
    static final int UINT64 = 13;
    static final int COMPLEX64 = 14;
    static final int BFLOAT16 = 16;
    static final int FLOAT8E4M3FN = 17;
    static final int UINT4 = 21;
    static final int INT4 = 22;

    private OnnxWriter() {
    }

    /** A ModelProto: IR version 8, default domain at opset 17 (spelled "ai.onnx" to test the normalisation). */
    static ProtoMessage model(ProtoMessage graph) {
        return new ProtoMessage()
                .varint(1, 8)
                .string(2, "quantedge-test")
                .string(3, "1.0")
                .varint(5, 3)
                .message(7, graph)
                .message(8, opset("ai.onnx", 17));
    }

    static ProtoMessage opset(String domain, long version) {
        return new ProtoMessage().string(1, domain).varint(2, version);
    }

    static ProtoMessage entry(String key, String value) {
        return new ProtoMessage().string(1, key).string(2, value);
    }

    /** A GraphProto builder: the message plus its repeated parts, by their field numbers. */
    static final class GraphBuilder {
        final ProtoMessage message = new ProtoMessage();

        GraphBuilder(String name) {
            message.string(2, name);
        }

        GraphBuilder node(ProtoMessage node) {
            message.message(1, node);
            return this;
        }

        GraphBuilder initializer(ProtoMessage tensor) {
            message.message(5, tensor);
            return this;
        }

        GraphBuilder input(ProtoMessage valueInfo) {
            message.message(11, valueInfo);
            return this;
        }

        GraphBuilder output(ProtoMessage valueInfo) {
            message.message(12, valueInfo);
            return this;
        }

        GraphBuilder valueInfo(ProtoMessage valueInfo) {
            message.message(13, valueInfo);
            return this;
        }

        ProtoMessage build() {
            return message;
        }
    }

    static GraphBuilder graph(String name) {
        return new GraphBuilder(name);
    }

    /** A NodeProto; {@code name} may be empty to leave the node unnamed. */
    static ProtoMessage node(String opType, String name, List<String> inputs, List<String> outputs,
                             ProtoMessage... attributes) {
        ProtoMessage node = new ProtoMessage();
        inputs.forEach(input -> node.string(1, input));
        outputs.forEach(output -> node.string(2, output));
        if (!name.isEmpty()) {
            node.string(3, name);
        }
        node.string(4, opType);
        for (ProtoMessage attribute : attributes) {
            node.message(5, attribute);
        }
        return node;
    }

    // AttributeProto: name 1, f 2, i 3, s 4, t 5, g 6, floats 7, ints 8, strings 9, type 20.
    static ProtoMessage attrFloat(String name, float value) {
        return new ProtoMessage().string(1, name).float32(2, value).varint(20, 1);
    }

    static ProtoMessage attrInt(String name, long value) {
        return new ProtoMessage().string(1, name).varint(3, value).varint(20, 2);
    }

    static ProtoMessage attrString(String name, String value) {
        return new ProtoMessage().string(1, name).string(4, value).varint(20, 3);
    }

    static ProtoMessage attrTensor(String name, ProtoMessage tensor) {
        return new ProtoMessage().string(1, name).message(5, tensor).varint(20, 4);
    }

    static ProtoMessage attrGraph(String name, ProtoMessage graph) {
        return new ProtoMessage().string(1, name).message(6, graph).varint(20, 5);
    }

    /** FLOATS, unpacked as proto2 writers emit them. */
    static ProtoMessage attrFloats(String name, float... values) {
        ProtoMessage attribute = new ProtoMessage().string(1, name);
        for (float v : values) {
            attribute.float32(7, v);
        }
        return attribute.varint(20, 6);
    }

    /** INTS, unpacked as proto2 writers emit them. */
    static ProtoMessage attrInts(String name, long... values) {
        ProtoMessage attribute = new ProtoMessage().string(1, name);
        for (long v : values) {
            attribute.varint(8, v);
        }
        return attribute.varint(20, 7);
    }

    static ProtoMessage attrStrings(String name, String... values) {
        ProtoMessage attribute = new ProtoMessage().string(1, name);
        for (String v : values) {
            attribute.string(9, v);
        }
        return attribute.varint(20, 8);
    }

    /** A ValueInfoProto of a tensor; each dim is a Long (dim_value), a String (dim_param) or null (neither). */
    static ProtoMessage tensorValue(String name, int elementType, Object... dims) {
        ProtoMessage shape = new ProtoMessage();
        for (Object dim : dims) {
            ProtoMessage d = new ProtoMessage();
            if (dim instanceof Number n) {
                d.varint(1, n.longValue());
            } else if (dim instanceof String param) {
                d.string(2, param);
            }
            shape.message(1, d);
        }
        ProtoMessage tensorType = new ProtoMessage().varint(1, elementType).message(2, shape);
        return new ProtoMessage().string(1, name).message(2, new ProtoMessage().message(1, tensorType));
    }

    /** A TensorProto header: name, dims (unpacked, as proto2 writers emit them) and type. */
    static ProtoMessage tensor(String name, int dataType, long... dims) {
        ProtoMessage tensor = new ProtoMessage();
        for (long d : dims) {
            tensor.varint(1, d);
        }
        return tensor.varint(2, dataType).string(8, name);
    }

    static ProtoMessage rawTensor(String name, int dataType, long[] dims, byte[] raw) {
        return tensor(name, dataType, dims).bytes(9, raw);
    }

    static ProtoMessage floatTensor(String name, long[] dims, float... values) {
        return tensor(name, FLOAT, dims).packedFloats(4, values);
    }

    static ProtoMessage rawFloatTensor(String name, long[] dims, float... values) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        return rawTensor(name, FLOAT, dims, raw.array());
    }

    static long[] dims(long... dims) {
        return dims;
    }

    static ByteBuffer buffer(ProtoMessage message) {
        return ByteBuffer.wrap(message.toByteArray());
    }

    /**
     * The models the tests start from: x [N,1,4,4] -> Conv (weights in raw_data, bias in
     * float_data) -> Add (a constant from a Constant node's TENSOR attribute) -> y, with attributes
     * of every kind the api holds and a dynamic batch dimension.
     */
    static ProtoMessage convAddModel() {
        float[] weights = new float[2 * 1 * 3 * 3];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = i * 0.25f - 1f;
        }
        GraphBuilder graph = graph("conv_add")
                .input(tensorValue("x", FLOAT, "N", 1L, 4L, 4L))
                .initializer(rawFloatTensor("w", dims(2, 1, 3, 3), weights))
                .initializer(floatTensor("b", dims(2), 0.5f, -0.5f))
                .node(node("Conv", "conv", List.of("x", "w", "b"), List.of("c"),
                        attrInts("kernel_shape", 3, 3), attrInts("pads", 1, 1, 1, 1), attrInt("group", 1),
                        attrFloats("unused_scales", 0.5f, 2f), attrString("auto_pad", "NOTSET"),
                        attrStrings("tags", "a", "b")))
                .node(node("Constant", "", List.of(), List.of("k"),
                        attrTensor("value", floatTensor("k", dims(1), 1.5f))))
                .node(node("Add", "", List.of("c", "k"), List.of("y")))
                .node(node("LeakyRelu", "act", List.of("y"), List.of("z"), attrFloat("alpha", 0.1f)))
                .output(tensorValue("z", FLOAT, "N", 2L, 4L, 4L));
        return model(graph.build());
    }

    /** A model whose If node has two branches reading an outer-scope value. */
    static ProtoMessage ifModel() {
        ProtoMessage thenBranch = graph("then")
                .node(node("Identity", "then_id", List.of("x"), List.of("t")))
                .output(tensorValue("t", FLOAT, 2L))
                .build();
        ProtoMessage elseBranch = graph("else")
                .node(node("Neg", "else_neg", List.of("x"), List.of("e")))
                .output(tensorValue("e", FLOAT, 2L))
                .build();
        return model(graph("if_model")
                .input(tensorValue("cond", BOOL))
                .input(tensorValue("x", FLOAT, 2L))
                .node(node("If", "branch", List.of("cond"), List.of("y"),
                        attrGraph("then_branch", thenBranch), attrGraph("else_branch", elseBranch)))
                .output(tensorValue("y", FLOAT, 2L))
                .build());
    }

    /** An int4 weight (raw_data) and a uint4 one (int32_data), dequantized and multiplied. */
    static ProtoMessage int4Model() {
        return model(graph("int4")
                .input(tensorValue("x", FLOAT, "batch", 5L))
                .initializer(rawTensor("w_q", INT4, dims(5), new byte[] {(byte) 0x8F, 0x21, 0x07}))
                .initializer(tensor("u_q", UINT4, 3).packedVarints(5, 0x21, 0x0F))
                .initializer(floatTensor("scale", dims(), 0.5f))
                .node(node("DequantizeLinear", "dq", List.of("w_q", "scale"), List.of("w")))
                .node(node("Mul", "mul", List.of("x", "w"), List.of("y")))
                .output(tensorValue("y", FLOAT, "batch", 5L))
                .build());
    }
}
