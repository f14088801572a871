package io.quantedge.onnx;

import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import io.quantedge.api.tensor.DataType;

/**
 * ONNX's element types ({@code TensorProto.DataType}) by their codes in onnx.proto, and the api
 * type each maps to. Types the engine cannot compute with map to nothing and are refused by name,
 * rather than converted: a DOUBLE model silently run in FP32 would not be the model its author
 * tested.
 */
enum OnnxDataType {
    UNDEFINED(0, null),
    FLOAT(1, DataType.FP32),
    UINT8(2, DataType.UINT8),
    INT8(3, DataType.INT8),
    UINT16(4, DataType.UINT16),
    INT16(5, DataType.INT16),
    INT32(6, DataType.INT32),
    INT64(7, DataType.INT64),
    STRING(8, null),
    BOOL(9, DataType.BOOL),
    FLOAT16(10, DataType.FP16),
    DOUBLE(11, null),
    UINT32(12, null),
    UINT64(13, null),
    COMPLEX64(14, null),
    COMPLEX128(15, null),
    BFLOAT16(16, null),
    FLOAT8E4M3FN(17, null),
    FLOAT8E4M3FNUZ(18, null),
    FLOAT8E5M2(19, null),
    FLOAT8E5M2FNUZ(20, null),
    UINT4(21, DataType.UINT4),
    INT4(22, DataType.INT4),
    FLOAT4E2M1(23, null);

    private static final OnnxDataType[] BY_CODE = values();

    private final int code;
    private final DataType apiType;

    OnnxDataType(int code, DataType apiType) {
        this.code = code;
        this.apiType = apiType;
    }

    int code() {
        return code;
    }

    /**
     * The api type for ONNX code {@code code} of the value described by {@code what} (such as
     * "tensor 'w'"): MALFORMED when the code is missing or negative, UNSUPPORTED when the type is
     * one QuantEdge does not compute with.
     */
    static DataType apiType(long code, String what) throws ModelLoadException {
        if (code == 0) {
            throw new ModelLoadException(Code.MALFORMED, what + " has no element type (data type UNDEFINED)");
        }
        if (code < 0 || code >= BY_CODE.length) {
            throw new ModelLoadException(code < 0 ? Code.MALFORMED : Code.UNSUPPORTED,
                    what + " has unknown ONNX element type code " + code);
        }
        OnnxDataType type = BY_CODE[(int) code];
        if (type.apiType == null) {
            throw new ModelLoadException(Code.UNSUPPORTED, what + " has element type " + type
                    + ", which QuantEdge does not support (supported: FLOAT, FLOAT16, INT64, INT32, INT16, UINT16,"
                    + " INT8, UINT8, INT4, UINT4, BOOL)");
        }
        return type.apiType;
    }

    /** The ONNX name of {@code code}, for messages. */
    /** The ONNX code of api type {@code type}: every api type has one. */
    static int codeOf(DataType type) {
        for (OnnxDataType candidate : BY_CODE) {
            if (candidate.apiType == type) {
                return candidate.code;
            }
        }
        throw new IllegalArgumentException("no ONNX element type for " + type);
    }

    static String nameOf(long code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[(int) code].name() : "code " + code;
    }
}
