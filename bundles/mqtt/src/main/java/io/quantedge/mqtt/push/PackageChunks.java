package io.quantedge.mqtt.push;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/** A package file as the pusher sends it: its model and version (from its manifest), size, SHA-256 and chunks. */
record PackageChunks(Path file, String model, String version, long size, String sha256, int chunkBytes) {

    static PackageChunks of(Path file, int chunkBytes) throws IOException {
        String model;
        String version;
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry manifest = zip.getEntry("manifest.json");
            if (manifest == null) {
                throw new IOException(file + " is not a model package: it has no manifest.json");
            }
            try (InputStream in = zip.getInputStream(manifest)) {
                JsonObject json = JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                        .getAsJsonObject();
                model = json.get("name").getAsString();
                version = json.get("version").getAsString();
            } catch (RuntimeException e) {
                throw new IOException(file + ": manifest.json has no name and version: " + e.getMessage(), e);
            }
        }
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[64 * 1024];
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                digest.update(buffer, 0, read);
            }
        }
        return new PackageChunks(file, model, version, Files.size(file), HexFormat.of().formatHex(digest.digest()),
                chunkBytes);
    }

    int chunks() {
        return (int) ((size + chunkBytes - 1) / chunkBytes);
    }

    byte[] chunk(int index) throws IOException {
        long start = (long) index * chunkBytes;
        ByteBuffer bytes = ByteBuffer.allocate((int) Math.min(chunkBytes, size - start));
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (bytes.hasRemaining()) {
                if (channel.read(bytes, start + bytes.position()) < 0) {
                    throw new IOException(file + " ended early");
                }
            }
        }
        return bytes.array();
    }

    /** The begin message. */
    JsonObject begin(Optional<String> url) {
        JsonObject json = new JsonObject();
        json.addProperty("model", model);
        json.addProperty("version", version);
        json.addProperty("sizeBytes", size);
        json.addProperty("sha256", sha256);
        if (url.isPresent()) {
            json.addProperty("url", url.get());
        } else {
            json.addProperty("chunkBytes", chunkBytes);
            json.addProperty("chunks", chunks());
        }
        return json;
    }
}
