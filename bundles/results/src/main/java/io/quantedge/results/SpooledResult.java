package io.quantedge.results;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A result as it waits in the queue: its pipeline (the last level of its topic, which is completed
 * with the connection's root and gateway id only when it is sent, so a changed gateway id applies to
 * waiting results too) and its JSON message.
 */
record SpooledResult(String pipeline, byte[] json) {

    byte[] toBytes() {
        byte[] name = pipeline.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(2 + name.length + json.length).putShort((short) name.length).put(name).put(json)
                .array();
    }

    static SpooledResult fromBytes(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        int nameLength = Short.toUnsignedInt(buffer.getShort());
        if (nameLength > bytes.length - 2) {
            throw new IllegalArgumentException("a queued result names a pipeline of " + nameLength
                    + " bytes in a record of " + bytes.length);
        }
        String pipeline = new String(bytes, 2, nameLength, StandardCharsets.UTF_8);
        byte[] json = new byte[bytes.length - 2 - nameLength];
        System.arraycopy(bytes, 2 + nameLength, json, 0, json.length);
        return new SpooledResult(pipeline, json);
    }
}
