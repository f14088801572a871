package io.quantedge.onnx;

import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * Finds the bytes of tensors stored outside the model ({@code data_location = EXTERNAL}). The
 * {@code location} key names a file relative to the model's folder; since a model may come from an
 * untrusted source over the air, a location that is absolute, climbs with {@code ..} or resolves
 * (through a symbolic link, say) outside that folder is refused. Each file is opened and mapped
 * once per load, read-only; the tensors are slices of the mapping. The {@code checksum} key is not
 * verified: it would cost a full read of every weight file, and the model store already verifies
 * the whole model's digest and signature before a load.
 */
final class ExternalDataResolver implements AutoCloseable {

    private final Path folder;
    private final Map<Path, ExternalFile> files = new HashMap<>();
    private Path realFolder;

    /** Resolves locations against {@code folder}; {@code null} when the model was not read from a file. */
    ExternalDataResolver(Path folder) {
        this.folder = folder == null ? null : folder.toAbsolutePath().normalize();
    }

    /**
     * The {@code declaredBytes} bytes that {@code entries} (the external_data key-value pairs) of
     * {@code tensor} point at, as a read-only little-endian buffer; {@code tensor} describes the
     * tensor for messages, such as "tensor 'conv1.weight'".
     */
    ByteBuffer resolve(String tensor, Map<String, String> entries, long declaredBytes) throws ModelLoadException {
        String location = entries.get("location");
        if (location == null || location.isEmpty()) {
            throw malformed(tensor, "is stored externally but its external_data has no location");
        }
        long offset = number(tensor, entries, "offset", 0);
        long length = number(tensor, entries, "length", declaredBytes);
        if (length != declaredBytes) {
            throw malformed(tensor, "declares " + declaredBytes + " bytes of data but its external_data length is " + length);
        }
        ExternalFile file = open(tensor, location);
        if (offset > file.size || declaredBytes > file.size - offset) {
            throw malformed(tensor, "has " + declaredBytes + " bytes of external data at offset " + offset
                    + ", outside '" + location + "', which holds " + file.size + " bytes");
        }
        ByteBuffer data;
        if (file.whole != null) {
            data = file.whole.slice((int) offset, (int) declaredBytes);
        } else {
            data = FileMapping.mapRegion(file.channel, offset, declaredBytes, "external data of " + tensor);
        }
        return data.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    private ExternalFile open(String tensor, String location) throws ModelLoadException {
        Path path = confine(tensor, location);
        ExternalFile file = files.get(path);
        if (file != null) {
            return file;
        }
        FileMapping.requireRegularFile(path, "external data file of " + tensor);
        try {
            FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
            try {
                long size = channel.size();
                // Files a ByteBuffer can address are mapped once; larger ones region by region.
                ByteBuffer whole = size <= FileMapping.MAX_REGION
                        ? channel.map(FileChannel.MapMode.READ_ONLY, 0, size) : null;
                file = new ExternalFile(channel, size, whole);
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        } catch (IOException e) {
            throw FileMapping.ioFailure("external data file " + path + " of " + tensor, e);
        }
        files.put(path, file);
        return file;
    }

    /** {@code location} as a path inside the model's folder, or a refusal saying why it is not. */
    private Path confine(String tensor, String location) throws ModelLoadException {
        if (folder == null) {
            throw new ModelLoadException(Code.UNSUPPORTED, tensor
                    + " is stored externally, but the model was not read from a file, so there is no folder to find it in");
        }
        if (location.indexOf('\0') >= 0) {
            throw malformed(tensor, "has an external data location containing a NUL character");
        }
        if (location.startsWith("/") || location.startsWith("\\") || location.matches("^[A-Za-z]:.*")) {
            throw malformed(tensor, "has an absolute external data location '" + location
                    + "'; it must be relative to the model's folder");
        }
        for (String segment : location.split("[/\\\\]")) {
            if (segment.equals("..")) {
                throw malformed(tensor, "has an external data location '" + location
                        + "' that climbs out with '..'; it must stay inside the model's folder");
            }
        }
        Path path;
        try {
            path = folder.resolve(location).normalize();
        } catch (InvalidPathException e) {
            throw malformed(tensor, "has an external data location '" + location + "' that is not a valid path");
        }
        if (path.equals(folder)) {
            throw malformed(tensor, "has an external data location '" + location + "' that names the model's folder, not a file");
        }
        if (!path.startsWith(folder)) {
            throw escapes(tensor, location);
        }
        if (Files.exists(path)) {
            try {
                if (realFolder == null) {
                    realFolder = folder.toRealPath();
                }
                if (!path.toRealPath().startsWith(realFolder)) {
                    throw escapes(tensor, location);
                }
            } catch (IOException e) {
                throw FileMapping.ioFailure("external data file " + path + " of " + tensor, e);
            }
        }
        return path;
    }

    private static long number(String tensor, Map<String, String> entries, String key, long absent) throws ModelLoadException {
        String text = entries.get(key);
        if (text == null) {
            return absent;
        }
        long value;
        try {
            value = Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw malformed(tensor, "has external_data " + key + " '" + text + "', which is not a number");
        }
        if (value < 0) {
            throw malformed(tensor, "has a negative external_data " + key + " " + value);
        }
        return value;
    }

    private static ModelLoadException escapes(String tensor, String location) {
        return malformed(tensor, "has an external data location '" + location
                + "' that resolves outside the model's folder");
    }

    private static ModelLoadException malformed(String tensor, String problem) {
        return new ModelLoadException(Code.MALFORMED, tensor + " " + problem);
    }

    /** Closes the files; the mappings handed out stay valid. */
    @Override
    public void close() {
        for (ExternalFile file : files.values()) {
            try {
                file.channel.close();
            } catch (IOException e) {
                // Closing a read-only channel has nothing to flush; the data is already mapped.
            }
        }
        files.clear();
    }

    private record ExternalFile(FileChannel channel, long size, ByteBuffer whole) {
    }
}
