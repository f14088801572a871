package io.quantedge.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quantedge.api.model.InferenceException;
import io.quantedge.api.serving.DeploymentException;
import io.quantedge.api.serving.DeploymentProgress;
import io.quantedge.api.serving.ServedRun;
import io.quantedge.api.store.StoredVersion;
import io.quantedge.api.tensor.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deployments on the real engine, store and packages: validation, swap under load, health window, rollback. */
class GatewayModelServerTest {

    @TempDir
    Path dir;

    private StoreWithPackages parts;
    private GatewayModelServer server;

    @BeforeEach
    void setUp() throws Exception {
        parts = new StoreWithPackages(dir);
    }

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.stop();
        }
        parts.close();
    }

    /** What listeners of served models were told, as "name version". */
    private final List<String> told = new CopyOnWriteArrayList<>();

    private GatewayModelServer server(ServingOptions options) {
        server = new GatewayModelServer(parts.engine, parts.store, StoreWithPackages.quietLoggers(), options);
        server.addListener(model -> told.add(model.name() + " " + model.version()));
        return server;
    }

    /** The CNN's own outputs for a seeded image, computed here as the expected test vector. */
    @Test
    void servesTheFirstVersionAfterItsTestVectorsPass() throws Exception {
        parts.stage("door-cam", "1", StoreWithPackages.CNN, Optional.of(parts.cnnVector(false)));
        List<DeploymentProgress.Step> steps = new ArrayList<>();
        server(StoreWithPackages.options(5, 10, 0.1, 0)).deploy("door-cam", "1", (step, detail) -> steps.add(step));
        assertEquals(List.of(DeploymentProgress.Step.VALIDATING, DeploymentProgress.Step.ACTIVATING), steps);
        ServedRun run = server.run("door-cam", StoreWithPackages.cnnInput(9));
        assertEquals("1", run.version());
        assertEquals(Shape.of(1, 10), run.outputs().get("logits").shape());
        assertEquals("1", parts.store.active("door-cam").orElseThrow().version());
    }

    @Test
    void refusesAVersionWhoseTestVectorsFailAndKeepsServingTheOldOne() throws Exception {
        parts.stage("door-cam", "1", StoreWithPackages.CNN, Optional.empty());
        server(StoreWithPackages.options(5, 10, 0.1, 0)).deploy("door-cam", "1", (step, detail) -> { });
        parts.stage("door-cam", "2", StoreWithPackages.CNN, Optional.of(parts.cnnVector(true)));
        DeploymentException refused = assertThrows(DeploymentException.class,
                () -> server.deploy("door-cam", "2", (step, detail) -> { }));
        assertEquals(DeploymentException.Code.VALIDATION_FAILED, refused.code());
        assertTrue(refused.getMessage().contains("output 'logits' element 0"), refused.getMessage());
        assertEquals("1", server.run("door-cam", StoreWithPackages.cnnInput(1)).version());
        assertEquals(StoredVersion.State.FAILED, parts.store.storedVersions("door-cam").stream()
                .filter(v -> v.model().version().equals("2")).findFirst().orElseThrow().state());
    }

    @Test
    void swapsUnderLoadWithoutAFailedOrDroppedRequest() throws Exception {
        parts.stage("door-cam", "1", StoreWithPackages.CNN, Optional.empty());
        parts.stage("door-cam", "2", StoreWithPackages.CNN, Optional.of(parts.cnnVector(false)));
        server(StoreWithPackages.options(50, 30, 0.0, 0)).deploy("door-cam", "1", (step, detail) -> { });
        AtomicBoolean running = new AtomicBoolean(true);
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        Map<String, AtomicInteger> perVersion = new ConcurrentHashMap<>();
        List<Thread> callers = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            int seed = t;
            Thread caller = new Thread(() -> {
                while (running.get()) {
                    try {
                        ServedRun run = server.run("door-cam", StoreWithPackages.cnnInput(seed));
                        perVersion.computeIfAbsent(run.version(), v -> new AtomicInteger()).incrementAndGet();
                    } catch (InferenceException | RuntimeException e) {
                        failures.add(e);
                    }
                }
            });
            caller.start();
            callers.add(caller);
        }
        try {
            Thread.sleep(200);
            assertEquals("2", server.deploy("door-cam", "2", (step, detail) -> { }).version());
            Thread.sleep(200);
        } finally {
            running.set(false);
            for (Thread caller : callers) {
                caller.join();
            }
        }
        assertEquals(List.of(), failures);
        assertTrue(perVersion.get("1").get() > 0 && perVersion.get("2").get() >= 50, perVersion.toString());
        assertEquals("2", parts.store.active("door-cam").orElseThrow().version());
    }

    @Test
    void rollsBackAVersionThatBreachesTheHealthWindow() throws Exception {
        parts.stage("door-cam", "1", StoreWithPackages.CNN, Optional.empty());
        // Loads and passes its smoke run, but the cameras send CNN-sized images it refuses.
        parts.stage("door-cam", "2", StoreWithPackages.OTHER, Optional.empty());
        server(StoreWithPackages.options(10, 30, 0.2, 0)).deploy("door-cam", "1", (step, detail) -> { });
        AtomicBoolean running = new AtomicBoolean(true);
        Thread camera = new Thread(() -> {
            while (running.get()) {
                try {
                    server.run("door-cam", StoreWithPackages.cnnInput(5));
                } catch (InferenceException e) {
                    // counted by the health window
                }
            }
        });
        camera.start();
        try {
            DeploymentException rolledBack = assertThrows(DeploymentException.class,
                    () -> server.deploy("door-cam", "2", (step, detail) -> { }));
            assertEquals(DeploymentException.Code.ROLLED_BACK, rolledBack.code());
            assertTrue(rolledBack.getMessage().contains("runs failed"), rolledBack.getMessage());
        } finally {
            running.set(false);
            camera.join();
        }
        assertEquals("1", server.run("door-cam", StoreWithPackages.cnnInput(2)).version());
        assertEquals("1", parts.store.active("door-cam").orElseThrow().version());
        assertEquals(List.of("door-cam 1", "door-cam 2", "door-cam 1"), told, "served during the window, then back");
    }

    @Test
    void rollsBackAVersionTooSlowForTheLatencyLimit() throws Exception {
        parts.stage("door-cam", "1", StoreWithPackages.CNN, Optional.empty());
        parts.stage("door-cam", "2", StoreWithPackages.CNN, Optional.empty());
        server(StoreWithPackages.options(5, 30, 0.5, 0.000_001)).deploy("door-cam", "1", (step, detail) -> { });
        Thread camera = new Thread(() -> {
            for (int i = 0; i < 20; i++) {
                try {
                    server.run("door-cam", StoreWithPackages.cnnInput(i));
                    Thread.sleep(20);
                } catch (InferenceException | InterruptedException e) {
                    return;
                }
            }
        });
        camera.start();
        DeploymentException rolledBack = assertThrows(DeploymentException.class,
                () -> server.deploy("door-cam", "2", (step, detail) -> { }));
        camera.join();
        assertEquals(DeploymentException.Code.ROLLED_BACK, rolledBack.code());
        assertTrue(rolledBack.getMessage().contains("p99 latency"), rolledBack.getMessage());
    }

    @Test
    void rollsBackOnRequestAndServesTheStoresActiveVersionAfterARestart() throws Exception {
        parts.stage("door-cam", "1", StoreWithPackages.CNN, Optional.empty());
        parts.stage("door-cam", "2", StoreWithPackages.CNN, Optional.empty());
        server(StoreWithPackages.options(1, 0, 0.1, 0)).deploy("door-cam", "1", (step, detail) -> { });
        server.deploy("door-cam", "2", (step, detail) -> { });
        assertEquals("1", server.rollback("door-cam", "operator asked").version());
        assertEquals("1", server.run("door-cam", StoreWithPackages.cnnInput(4)).version());
        DeploymentException none = assertThrows(DeploymentException.class,
                () -> server.rollback("door-cam", "again"));
        assertEquals(DeploymentException.Code.NO_ROLLBACK_TARGET, none.code());
        assertEquals(List.of("door-cam 1", "door-cam 2", "door-cam 1"), told);

        server.stop();
        told.clear();
        server = server(StoreWithPackages.options(1, 0, 0.1, 0));
        assertEquals("1", server.served("door-cam").orElseThrow().version());
        assertEquals(List.of("door-cam 1"), told, "a listener bound after the start is told what is served");
        assertFalse(server.served("door-cam").orElseThrow().report().nodes().isEmpty());
    }

    @Test
    void namesWhatIsServedWhenAskedForAnUnknownModel() {
        InferenceException e = assertThrows(InferenceException.class,
                () -> server(StoreWithPackages.options(1, 0, 0.1, 0)).run("nothing", Map.of()));
        assertEquals(InferenceException.Code.NOT_SERVED, e.code());
    }
}
