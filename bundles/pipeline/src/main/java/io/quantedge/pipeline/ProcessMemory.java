package io.quantedge.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/** The process's resident set size, from Linux's {@code /proc/self/status}. */
final class ProcessMemory {

    private ProcessMemory() {
    }

    /** VmRSS in bytes; empty where there is no such file (not Linux) or no such line. */
    static OptionalLong residentBytes(Path status) {
        try {
            return residentBytes(Files.readAllLines(status));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    static OptionalLong residentBytes(List<String> statusLines) {
        for (String line : statusLines) {
            if (line.startsWith("VmRSS:")) {
                String[] parts = line.substring(6).trim().split("\\s+");
                long value = Long.parseLong(parts[0]);
                long unit = parts.length > 1 && parts[1].equalsIgnoreCase("kB") ? 1024 : 1;
                return OptionalLong.of(value * unit);
            }
        }
        return OptionalLong.empty();
    }
}
