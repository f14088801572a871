package io.quantedge.modelstore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.stream.Stream;

/**
 * File operations that survive a crash or a power cut: content is forced to the disk before a
 * rename makes it visible, the rename is atomic, and the folder holding the renamed entry is
 * forced too, so the rename itself is durable. A reader sees the old state or the new one, never
 * a mixture.
 */
final class DurableFiles {

    /** Suffix of a file being written; a leftover one is deleted at start. */
    static final String TEMPORARY_SUFFIX = ".tmp";

    private DurableFiles() {
    }

    /** Replaces {@code file}'s content with {@code bytes} atomically: written beside it, forced, renamed. */
    static void replace(Path file, byte[] bytes) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + TEMPORARY_SUFFIX);
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
        forceDirectory(file.getParent());
    }

    /** Renames {@code from} to {@code to} atomically (same file system), and makes both folders' change durable. */
    static void move(Path from, Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        forceDirectory(to.getParent());
        if (!from.getParent().equals(to.getParent())) {
            forceDirectory(from.getParent());
        }
    }

    /** Creates {@code directory} and its missing parents, each made durable in its own parent. */
    static void createDirectories(Path directory) throws IOException {
        if (Files.isDirectory(directory)) {
            return;
        }
        createDirectories(directory.getParent());
        Files.createDirectory(directory);
        forceDirectory(directory.getParent());
    }

    /** Forces every file and folder under {@code root} to the disk: before a rename publishes them. */
    static void forceTree(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                force(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
                if (failure != null) {
                    throw failure;
                }
                force(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Forces a folder's entries (names created, renamed, deleted) to the disk. */
    static void forceDirectory(Path directory) throws IOException {
        force(directory);
    }

    private static void force(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /** Deletes a folder and everything in it, links removed rather than followed. */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            Files.delete(root);
            return;
        }
        try (Stream<Path> children = Files.list(root)) {
            for (Path child : children.toList()) {
                deleteTree(child);
            }
        }
        Files.delete(root);
    }
}
