package io.quantedge.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quantedge.engine.ops.StandardOps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/models.md names every operator the engine registers, so the documentation cannot fall behind. */
class DocumentedOpsTest {

    @Test
    void everyRegisteredOperatorIsDocumented() throws Exception {
        String doc = Files.readString(Path.of("../../docs/models.md"));
        List<String> missing = StandardOps.registry().supported().stream()
                .map(op -> op.contains(":") ? op.substring(op.indexOf(':') + 1) : op)
                .filter(op -> !doc.matches("(?s).*\\b" + op + "\\b.*"))
                .toList();
        assertTrue(missing.isEmpty(), "docs/models.md does not mention " + missing);
    }
}
