package io.quantedge.modelstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quantedge.api.modelpackage.PackageException;
import io.quantedge.api.modelpackage.VerifiedPackage;
import io.quantedge.api.store.ModelStoreEvent;
import io.quantedge.api.store.ModelStoreEvent.Type;
import io.quantedge.api.store.ModelStoreException;
import io.quantedge.api.store.ModelStoreException.Code;
import io.quantedge.api.store.StoredModel;
import io.quantedge.api.store.StoredVersion;
import io.quantedge.api.store.StoredVersion.State;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store on real files with real signed packages: its life cycle, retention, events and refusals. */
class FileModelStoreTest {

    @TempDir
    Path work;

    private StorePackages fixture;
    private Path directory;
    private final List<ModelStoreEvent> events = new ArrayList<>();
    private FileModelStore store;

    @BeforeEach
    void open() throws Exception {
        fixture = new StorePackages(work.resolve("packages"));
        directory = work.resolve("store");
        store = FileModelStore.open(StoreSettings.in(directory), fixture.packages, events::add);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private StoredModel install(String version) throws Exception {
        store.stage(fixture.write("cam", version));
        store.markValidated("cam", version);
        return store.activate("cam", version);
    }

    @Test
    void aPackageMadeOnTheGatewayIsStagedOnlyAsDerivedFromAGoodKeptVersionOfItsModel() throws Exception {
        install("1");
        Path derived = fixture.write("cam", "1-int8", Optional.empty());
        // Over the normal path an unsigned package stays refused.
        assertEquals(PackageException.Code.UNSIGNED,
                assertThrows(PackageException.class, () -> store.stage(derived)).code());
        assertEquals(ModelStoreException.Code.NOT_FOUND,
                assertThrows(ModelStoreException.class, () -> store.stageDerived(derived, "9")).code());
        // A signed package is checked as signed packages are, not taken as derived.
        Path signed = fixture.write("cam", "2");
        assertEquals(PackageException.Code.MALFORMED,
                assertThrows(PackageException.class, () -> store.stageDerived(signed, "1")).code());
        StoredModel staged = store.stageDerived(derived, "1");
        assertEquals("1-int8", staged.version());
        ModelStoreEvent event = events.get(events.size() - 1);
        assertEquals(ModelStoreEvent.Type.STAGED, event.type());
        assertTrue(event.detail().startsWith("derived on this gateway from version 1, signed by key "), event.detail());
        store.stage(fixture.write("cam", "3"));
        store.recordFailure("cam", "3", "validation: wrong outputs");
        Path fromFailed = fixture.write("cam", "3-int8", Optional.empty());
        assertEquals(ModelStoreException.Code.INVALID_STATE,
                assertThrows(ModelStoreException.class, () -> store.stageDerived(fromFailed, "3")).code());
        assertEquals(List.of("1", "1-int8", "3"), store.versions("cam").stream().map(StoredModel::version).toList());
        try (var left = Files.list(directory.resolve(".staging"))) {
            assertEquals(0, left.count(), "nothing of the refused packages stays");
        }
    }

    @Test
    void aVersionGoesFromStagedToValidatedToActiveAndEachStepIsAnEventInOrder() throws Exception {
        Path file = fixture.write("cam", "1");
        StoredModel staged = store.stage(file);
        assertEquals("cam", staged.name());
        assertEquals(directory.resolve("cam/versions/1/model.onnx"), staged.path());
        assertEquals(Files.size(StorePackages.CNN), staged.sizeBytes());
        assertTrue(Files.exists(file), "the package file is left alone");
        assertEquals(List.of(State.STAGED), states("cam"));
        assertEquals(Optional.empty(), store.active("cam"));

        store.markValidated("cam", "1");
        StoredModel active = store.activate("cam", "1");
        assertEquals(Optional.of(active), store.active("cam"));
        assertEquals(List.of(State.ACTIVE), states("cam"));

        install("2");
        assertEquals("2", store.active("cam").orElseThrow().version());
        assertEquals("1", store.rollbackTarget("cam").orElseThrow().version());

        assertEquals(List.of(Type.STAGED, Type.VALIDATED, Type.ACTIVATED, Type.STAGED, Type.VALIDATED, Type.ACTIVATED),
                events.stream().map(ModelStoreEvent::type).toList());
        ModelStoreEvent second = events.get(5);
        assertEquals("2", second.model().version());
        assertEquals("1", second.previous().orElseThrow().version());
        assertTrue(events.get(0).detail().contains("signed by key"), events.get(0).detail());
    }

    @Test
    void rollingBackReturnsToThePreviousGoodVersionAndRecordsWhy() throws Exception {
        install("1");
        install("2");
        events.clear();
        StoredModel restored = store.rollback("cam", "health window: 12% errors");
        assertEquals("1", restored.version());
        assertEquals(Optional.of(restored), store.active("cam"));
        StoredVersion failed = store.storedVersions("cam").get(1);
        assertEquals(State.FAILED, failed.state());
        assertEquals("health window: 12% errors", failed.failure());
        assertEquals(List.of(Type.ROLLED_BACK), events.stream().map(ModelStoreEvent::type).toList());
        assertEquals("2", events.get(0).previous().orElseThrow().version());
        assertEquals(Code.NO_ROLLBACK_TARGET, assertThrows(ModelStoreException.class,
                () -> store.rollback("cam", "again")).code());
        assertEquals(Code.INVALID_STATE, assertThrows(ModelStoreException.class, () -> store.activate("cam", "2")).code());
    }

    @Test
    void aFailedCandidateIsRecordedAndNeverActivated() throws Exception {
        install("1");
        store.stage(fixture.write("cam", "2"));
        store.recordFailure("cam", "2", "test vector 0: logits[3] differs by 0.4");
        assertEquals(List.of(State.ACTIVE, State.FAILED), states("cam"));
        assertEquals(Code.INVALID_STATE, assertThrows(ModelStoreException.class, () -> store.markValidated("cam", "2"))
                .code());
        assertEquals(Code.INVALID_STATE, assertThrows(ModelStoreException.class,
                () -> store.recordFailure("cam", "1", "active")).code());
        assertEquals(Type.FAILED, events.get(events.size() - 1).type());
    }

    @Test
    void activationPrunesBeyondTheVersionsKeptButNeverTheRollbackTarget() throws Exception {
        for (int v = 1; v <= 5; v++) {
            install(String.valueOf(v));
        }
        assertEquals(List.of("3", "4", "5"), store.versions("cam").stream().map(StoredModel::version).toList());
        assertEquals(List.of("3", "4", "5"), folders("cam"));
        assertEquals(List.of("1", "2"), events.stream().filter(e -> e.type() == Type.REMOVED)
                .map(e -> e.model().version()).toList());

        store.rollback("cam", "bad");      // active 4, target 3
        store.rollback("cam", "bad too");  // active 3, no target left that is good
        install("6");                      // active 6, target 3; 4 and 5 failed
        assertEquals(List.of("3", "5", "6"), store.versions("cam").stream().map(StoredModel::version).toList());
        assertEquals(List.of(), store.prune("cam"));
    }

    @Test
    void aStagedPackageCanBeReadBackWithItsFiles() throws Exception {
        install("1");
        VerifiedPackage contents = store.contents("cam", "1");
        assertEquals("1\n", Files.readString(contents.file("version.txt")));
        assertEquals(store.active("cam").orElseThrow().path(), contents.model());
        store.close();
        store = FileModelStore.open(StoreSettings.in(directory), fixture.packages, events::add);
        assertEquals("1\n", Files.readString(store.contents("cam", "1").file("version.txt")));
    }

    @Test
    void aRefusedPackageLeavesTheStoreAsItWas() throws Exception {
        install("1");
        List<String> before = tree();
        Path tampered = fixture.write("cam", "2");
        byte[] bytes = Files.readAllBytes(tampered);
        bytes[bytes.length / 2] ^= 0x55;
        Files.write(tampered, bytes);
        PackageException e = assertThrows(PackageException.class, () -> store.stage(tampered));
        // A flipped bit in deflated data inflates to other bytes, or other lengths, or nothing valid.
        assertTrue(List.of(PackageException.Code.HASH_MISMATCH, PackageException.Code.SIZE_MISMATCH,
                PackageException.Code.MALFORMED).contains(e.code()), e.getMessage());
        assertEquals(before, tree());
        assertEquals(List.of("1"), store.versions("cam").stream().map(StoredModel::version).toList());

        Path untrusted = work.resolve("untrusted");
        StorePackages stranger = new StorePackages(untrusted);
        PackageException refused = assertThrows(PackageException.class, () -> store.stage(stranger.write("cam", "3")));
        assertEquals(PackageException.Code.UNTRUSTED_SIGNATURE, refused.code());
        assertEquals(before, tree());
    }

    @Test
    void aVersionIsStoredOnce() throws Exception {
        install("1");
        List<String> before = tree();
        ModelStoreException e = assertThrows(ModelStoreException.class, () -> store.stage(fixture.write("cam", "1")));
        assertEquals(Code.VERSION_EXISTS, e.code());
        assertEquals(before, tree());
    }

    @Test
    void withoutTheSpaceToKeepFreeStagingIsRefusedAndNothingChanges() throws Exception {
        install("1");
        store.close();
        long free = Files.getFileStore(work).getUsableSpace();
        store = FileModelStore.open(new StoreSettings(directory, 3, free), fixture.packages, events::add);
        List<String> before = tree();
        ModelStoreException e = assertThrows(ModelStoreException.class, () -> store.stage(fixture.write("cam", "2")));
        assertEquals(Code.NO_SPACE, e.code());
        assertTrue(e.getMessage().contains("must stay free"), e.getMessage());
        assertEquals(before, tree());
        assertEquals("1", store.active("cam").orElseThrow().version());
    }

    @Test
    void unknownModelsAndVersionsAreNotFound() {
        assertEquals(Code.NOT_FOUND, assertThrows(ModelStoreException.class, () -> store.activate("nope", "1")).code());
        assertEquals(List.of(), store.versions("nope"));
        assertEquals(Optional.empty(), store.active("nope"));
    }

    @Test
    void oneProcessAtATimeMayOpenTheStore() {
        ModelStoreException e = assertThrows(ModelStoreException.class,
                () -> FileModelStore.open(StoreSettings.in(directory), fixture.packages, events::add));
        assertEquals(Code.IN_USE, e.code());
    }

    @Test
    void openingRemovesWhatInterruptedOperationsLeft() throws Exception {
        install("1");
        install("2");
        store.close();
        Files.createDirectories(directory.resolve(".staging/3f2a/half"));
        Files.writeString(directory.resolve(".staging/3f2a/half/model.onnx"), "partial");
        Files.createDirectories(directory.resolve("cam/versions/3"));
        Files.writeString(directory.resolve("cam/versions/3/model.onnx"), "moved in, never recorded");
        Files.writeString(directory.resolve("cam/state.json.tmp"), "{\"name\": \"cam\", \"act");
        Files.createDirectories(directory.resolve("newcomer/versions/1"));

        store = FileModelStore.open(StoreSettings.in(directory), fixture.packages, events::add);

        assertEquals(List.of("1", "2"), folders("cam"));
        assertEquals(List.of(), Recovery.list(directory.resolve(".staging")));
        assertFalse(Files.exists(directory.resolve("cam/state.json.tmp")));
        assertFalse(Files.exists(directory.resolve("newcomer")));
        assertEquals(List.of("cam"), List.copyOf(store.modelNames()));
        assertEquals("2", store.active("cam").orElseThrow().version());
        assertEquals(4, store.recoveryActions().size(), store.recoveryActions().toString());
    }

    @Test
    void aDamagedActiveVersionIsRecordedFailedAndThePreviousOneServes() throws Exception {
        install("1");
        install("2");
        store.close();
        Path model = directory.resolve("cam/versions/2/model.onnx");
        byte[] bytes = Files.readAllBytes(model);
        bytes[100] ^= 1;
        Files.write(model, bytes);
        events.clear();

        store = FileModelStore.open(StoreSettings.in(directory), fixture.packages, events::add);

        assertEquals("1", store.active("cam").orElseThrow().version());
        StoredVersion damaged = store.storedVersions("cam").get(1);
        assertEquals(State.FAILED, damaged.state());
        assertTrue(damaged.failure().contains("HASH_MISMATCH"), damaged.failure());
        assertEquals(List.of(Type.ROLLED_BACK), events.stream().map(ModelStoreEvent::type).toList());
        assertTrue(store.recoveryProblems().get(0).contains("version '1' is active again"),
                store.recoveryProblems().toString());
        store.close();
        store = FileModelStore.open(StoreSettings.in(directory), fixture.packages, events::add);
        assertEquals("1", store.active("cam").orElseThrow().version(), "the fallback was recorded durably");
        assertEquals(List.of(), store.recoveryProblems());
    }

    @Test
    void aStateFileThatCannotBeReadIsLeftAloneAndItsModelNotServed() throws Exception {
        install("1");
        store.close();
        Files.writeString(directory.resolve("cam/state.json"), "{ not json");
        store = FileModelStore.open(StoreSettings.in(directory), fixture.packages, events::add);
        assertEquals(List.of(), List.copyOf(store.modelNames()));
        assertTrue(store.recoveryProblems().get(0).contains("is not served"), store.recoveryProblems().toString());
        assertTrue(Files.exists(directory.resolve("cam/versions/1/model.onnx")));
        ModelStoreException e = assertThrows(ModelStoreException.class, () -> store.stage(fixture.write("cam", "2")));
        assertEquals(Code.INVALID_STATE, e.code());
        assertEquals("{ not json", Files.readString(directory.resolve("cam/state.json")), "left for repair");
        assertTrue(Files.exists(directory.resolve("cam/versions/1/model.onnx")));
    }

    private List<State> states(String name) {
        return store.storedVersions(name).stream().map(StoredVersion::state).toList();
    }

    private List<String> folders(String name) throws Exception {
        return Recovery.list(directory.resolve(name).resolve("versions")).stream()
                .map(p -> p.getFileName().toString()).toList();
    }

    /** Every path in the store, for checking that a refused operation changed nothing. */
    private List<String> tree() throws Exception {
        try (Stream<Path> paths = Files.walk(directory)) {
            return paths.map(p -> directory.relativize(p).toString()).sorted().toList();
        }
    }
}
