package io.quantedge.engine.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quantedge.api.tensor.DataType;
import io.quantedge.api.tensor.Shape;
import io.quantedge.api.tensor.Tensor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyFileTest {

    @TempDir
    Path dir;

    /** A .npy file byte for byte as NumPy 1.24 writes np.array([[1.5, -2.0, 3.25]], dtype='<f4'). */
    private static byte[] numpyWritten() {
        String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 3), }";
        header = header + " ".repeat((64 - (10 + header.length() + 1) % 64) % 64) + "\n";
        byte[] h = header.getBytes(StandardCharsets.ISO_8859_1);
        byte[] file = new byte[10 + h.length + 12];
        byte[] magic = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) h.length, 0};
        System.arraycopy(magic, 0, file, 0, 10);
        System.arraycopy(h, 0, file, 10, h.length);
        java.nio.ByteBuffer.wrap(file, 10 + h.length, 12).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .putFloat(1.5f).putFloat(-2f).putFloat(3.25f);
        return file;
    }

    @Test
    void readsWhatNumpyWrites() throws Exception {
        Path file = Files.write(dir.resolve("a.npy"), numpyWritten());
        Tensor t = NpyFile.read(file);
        assertEquals(DataType.FP32, t.type());
        assertEquals(Shape.of(1, 3), t.shape());
        assertArrayEquals(new float[] {1.5f, -2f, 3.25f}, t.toFloatArray());
    }

    @Test
    void writesWhatItReadsBackAndWhatNumpyWould() throws Exception {
        Path file = dir.resolve("b.npy");
        NpyFile.write(file, Tensor.ofFloats(Shape.of(1, 3), 1.5f, -2f, 3.25f));
        assertArrayEquals(numpyWritten(), Files.readAllBytes(file));
        Tensor ints = Tensor.ofLongs(Shape.of(4), 1, -2, 3, Long.MAX_VALUE);
        NpyFile.write(dir.resolve("c.npy"), ints);
        assertEquals(ints, NpyFile.read(dir.resolve("c.npy")));
        String header = new String(Files.readAllBytes(dir.resolve("c.npy")), 10, 118, StandardCharsets.ISO_8859_1);
        assertTrue(header.contains("'shape': (4,)"), header);
    }

    @Test
    void refusesWhatItCannotReadWithTheReason() throws Exception {
        byte[] good = numpyWritten();
        Path truncated = Files.write(dir.resolve("t.npy"), java.util.Arrays.copyOf(good, good.length - 4));
        assertTrue(assertThrows(NpyFormatException.class, () -> NpyFile.read(truncated)).getMessage()
                .contains("needs 12 bytes of data, the file has 8"));
        Path huge = Files.write(dir.resolve("h.npy"), new String(good, StandardCharsets.ISO_8859_1)
                .replace("(1, 3)", "(99999, 99999)").getBytes(StandardCharsets.ISO_8859_1));
        assertThrows(NpyFormatException.class, () -> NpyFile.read(huge));
        Path doubles = Files.write(dir.resolve("d.npy"), new String(good, StandardCharsets.ISO_8859_1)
                .replace("<f4", "<f8").getBytes(StandardCharsets.ISO_8859_1));
        assertTrue(assertThrows(NpyFormatException.class, () -> NpyFile.read(doubles)).getMessage()
                .contains("'f8' is not supported"));
        Path text = Files.writeString(dir.resolve("x.npy"), "hello");
        assertTrue(assertThrows(NpyFormatException.class, () -> NpyFile.read(text)).getMessage()
                .contains("not a .npy file"));
    }
}
