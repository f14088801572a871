package io.quantedge.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quantedge.api.store.StoredVersion;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelSeedTest {

    @TempDir
    Path dir;

    private StoreWithPackages parts;
    private GatewayModelServer server;

    @BeforeEach
    void setUp() throws Exception {
        parts = new StoreWithPackages(dir);
        server = parts.server(1, 0, 0);
    }

    @AfterEach
    void tearDown() {
        server.stop();
        parts.close();
    }

    @Test
    void installsTheSeedOnceAndThenLeavesTheStoreAlone() throws Exception {
        Path seed = parts.write("fashion", "1", StoreWithPackages.CNN, Optional.empty(),
                Optional.of(parts.trustedKey()));
        ModelSeed.Outcome first = ModelSeed.install(parts.store, server, "fashion", seed);
        assertEquals(ModelSeed.Outcome.Kind.INSTALLED, first.kind(), first.message());
        assertEquals("1", server.served("fashion").orElseThrow().version());
        assertEquals("1", parts.store.active("fashion").orElseThrow().version());

        // An operator's later version is never replaced by the seed.
        parts.stage("fashion", "2", StoreWithPackages.CNN, Optional.empty());
        server.deploy("fashion", "2", (step, detail) -> { });
        ModelSeed.Outcome again = ModelSeed.install(parts.store, server, "fashion", seed);
        assertEquals(ModelSeed.Outcome.Kind.NOT_NEEDED, again.kind(), again.message());
        assertEquals("2", parts.store.active("fashion").orElseThrow().version());
    }

    @Test
    void anUntrustedSeedIsRefusedWithItsCode() throws Exception {
        Path seed = parts.write("fashion", "1", StoreWithPackages.CNN, Optional.empty(),
                Optional.of(parts.untrustedKey()));
        ModelSeed.Outcome outcome = ModelSeed.install(parts.store, server, "fashion", seed);
        assertEquals(ModelSeed.Outcome.Kind.FAILED, outcome.kind());
        assertTrue(outcome.message().startsWith("UNTRUSTED_SIGNATURE"), outcome.message());
        assertTrue(server.served("fashion").isEmpty());
    }

    @Test
    void aSeedStagedBeforeACrashIsDeployedOnTheNextStart() throws Exception {
        parts.stage("fashion", "1", StoreWithPackages.CNN, Optional.empty());
        Path seed = parts.write("fashion", "1", StoreWithPackages.CNN, Optional.empty(),
                Optional.of(parts.trustedKey()));
        ModelSeed.Outcome outcome = ModelSeed.install(parts.store, server, "fashion", seed);
        assertEquals(ModelSeed.Outcome.Kind.INSTALLED, outcome.kind(), outcome.message());
        assertEquals(StoredVersion.State.ACTIVE, parts.store.storedVersions("fashion").get(0).state());
    }

    @Test
    void aMissingPackageIsReported() {
        ModelSeed.Outcome outcome = ModelSeed.install(parts.store, server, "fashion", dir.resolve("none.qmp"));
        assertEquals(ModelSeed.Outcome.Kind.FAILED, outcome.kind());
        assertTrue(outcome.message().startsWith("SEED_MISSING"), outcome.message());
    }
}
