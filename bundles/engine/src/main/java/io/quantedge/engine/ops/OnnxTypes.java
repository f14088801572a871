package io.quantedge.engine.ops;

import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import io.quantedge.api.tensor.DataType;
import io.quantedge.engine.NodeContext;

/** ONNX's element type codes (TensorProto.DataType), for attributes such as Cast's {@code to}. */
final class OnnxTypes {

    private OnnxTypes() {
    }

    static DataType fromCode(NodeContext node, long code) throws ModelLoadException {
        return switch ((int) code) {
            case 1 -> DataType.FP32;
            case 2 -> DataType.UINT8;
            case 3 -> DataType.INT8;
            case 4 -> DataType.UINT16;
            case 5 -> DataType.INT16;
            case 6 -> DataType.INT32;
            case 7 -> DataType.INT64;
            case 9 -> DataType.BOOL;
            case 10 -> DataType.FP16;
            case 21 -> DataType.UINT4;
            case 22 -> DataType.INT4;
            default -> throw node.error(Code.UNSUPPORTED, "element type code " + code);
        };
    }
}
