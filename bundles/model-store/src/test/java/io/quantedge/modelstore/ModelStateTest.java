package io.quantedge.modelstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.quantedge.api.store.ModelStoreException;
import io.quantedge.api.store.ModelStoreException.Code;
import io.quantedge.api.store.StoredVersion.State;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The life-cycle rules, on the state alone: which transitions are allowed and what they leave. */
class ModelStateTest {

    private static VersionEntry entry(String version) {
        return new VersionEntry(version, State.STAGED, Instant.parse("2026-11-21T00:00:00Z"), "model.onnx",
                "ab".repeat(32), 10, Optional.empty(), "");
    }

    private static ModelState activeThrough(String... versions) throws ModelStoreException {
        ModelState state = ModelState.empty("cam");
        for (String v : versions) {
            state = state.staged(entry(v)).validated(v).activated(v);
        }
        return state;
    }

    @Test
    void activatingMakesTheActiveVersionTheRollbackTarget() throws ModelStoreException {
        ModelState state = activeThrough("1", "2", "3");
        assertEquals(Optional.of("3"), state.active());
        assertEquals(List.of("2", "1"), state.previous());
        assertEquals("2", state.rollbackTarget().orElseThrow().version());
        assertEquals(State.ACTIVE, state.stateOf(state.get("3")));
    }

    @Test
    void rollingBackRecordsTheFailureAndGoesFurtherBackNextTime() throws ModelStoreException {
        ModelState state = activeThrough("1", "2", "3").rolledBack("health window: latency");
        assertEquals(Optional.of("2"), state.active());
        assertEquals(State.FAILED, state.get("3").state());
        assertEquals("health window: latency", state.get("3").failure());
        assertEquals("1", state.rollbackTarget().orElseThrow().version());
        ModelState again = state.rolledBack("again");
        assertEquals(Optional.of("1"), again.active());
        ModelStoreException none = assertThrows(ModelStoreException.class, () -> again.rolledBack("once more"));
        assertEquals(Code.NO_ROLLBACK_TARGET, none.code());
    }

    @Test
    void onlyStagedVersionsValidateAndOnlyValidatedOnesActivate() throws ModelStoreException {
        ModelState state = activeThrough("1").staged(entry("2"));
        assertEquals(Code.INVALID_STATE, assertThrows(ModelStoreException.class, () -> state.activated("2")).code());
        ModelState failed = state.failed("2", "test vectors differ");
        assertEquals(Code.INVALID_STATE, assertThrows(ModelStoreException.class, () -> failed.validated("2")).code());
        assertEquals(Code.INVALID_STATE, assertThrows(ModelStoreException.class, () -> failed.activated("2")).code());
        assertEquals(Code.INVALID_STATE, assertThrows(ModelStoreException.class, () -> failed.failed("1", "x")).code());
        assertEquals(Code.VERSION_EXISTS, assertThrows(ModelStoreException.class, () -> failed.staged(entry("2"))).code());
        assertEquals(Code.NOT_FOUND, assertThrows(ModelStoreException.class, () -> failed.validated("7")).code());
    }

    @Test
    void aFailedPreviousVersionIsNoRollbackTarget() throws ModelStoreException {
        ModelState state = activeThrough("1", "2", "3");
        ModelState next = state.failed("2", "found broken");
        assertEquals("1", next.rollbackTarget().orElseThrow().version());
    }

    @Test
    void pruningTakesTheOldestButNeverTheActiveVersionOrTheRollbackTarget() throws ModelStoreException {
        ModelState state = activeThrough("1", "2", "3", "4", "5");
        assertEquals(List.of("1", "2"), state.beyond(3).stream().map(VersionEntry::version).toList());
        ModelState rolledBack = state.rolledBack("bad").rolledBack("bad too"); // active 3, target 2
        assertEquals(List.of("1", "4"), rolledBack.beyond(3).stream().map(VersionEntry::version).toList());
        ModelState pruned = rolledBack.without(rolledBack.beyond(2));
        assertEquals(List.of("2", "3"), pruned.versions().stream().map(VersionEntry::version).toList());
        assertEquals(List.of("2"), pruned.previous());
    }

    @Test
    void aDamagedActiveVersionHandsOverToTheFirstUsablePreviousOne() throws ModelStoreException {
        ModelState state = activeThrough("1", "2", "3");
        ModelState next = state.withoutDamaged("3", "damaged", v -> !v.version().equals("2"));
        assertEquals(Optional.of("1"), next.active());
        assertEquals(State.FAILED, next.get("3").state());
        ModelState nothing = state.withoutDamaged("3", "damaged", v -> false);
        assertEquals(Optional.empty(), nothing.active());
    }
}
