package io.quantedge.onnx;

import io.quantedge.api.model.ModelLoadException;
import java.util.Map;

/**
 * Decodes {@code StringStringEntryProto}, ONNX's stand-in for a map entry. Keys should be distinct;
 * when one repeats, the last value wins, as it would for a protobuf map.
 */
final class StringEntries {

    private StringEntries() {
    }

    /** Puts the entry {@code reader} holds into {@code into}. */
    static void put(ProtobufReader reader, Map<String, String> into) throws ModelLoadException {
        String key = "";
        String value = "";
        while (reader.hasRemaining()) {
            int tag = reader.readTag();
            switch (ProtobufReader.fieldNumber(tag)) {
                case 1 -> {
                    reader.expect(tag, ProtobufReader.LEN, "StringStringEntryProto.key");
                    key = reader.readString();
                }
                case 2 -> {
                    reader.expect(tag, ProtobufReader.LEN, "StringStringEntryProto.value");
                    value = reader.readString();
                }
                default -> reader.skipField(tag);
            }
        }
        into.put(key, value);
    }
}
