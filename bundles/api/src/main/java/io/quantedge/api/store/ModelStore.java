package io.quantedge.api.store;

import io.quantedge.api.modelpackage.PackageException;
import io.quantedge.api.modelpackage.VerifiedPackage;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The versions of models installed on this gateway, and which one of each is active.
 *
 * <p>A version goes from staged (its package verified and on disk) to validated (its test vectors
 * passed) to active; activating one makes the version active before it the rollback target. A
 * version that fails is recorded as failed and is never activated. Every change is durable before
 * the method returns: after a crash or power cut at any moment the store starts with the last
 * completed state, and never serves a half-written version. Each change is published as a
 * {@link ModelStoreEvent} to the {@link ModelStoreListener} services, in order.
 *
 * <p>A {@link StoredModel}'s {@code path}, {@code sha256} and {@code sizeBytes} are those of the
 * version's model file.
 */
@ProviderType
public interface ModelStore {

    Set<String> modelNames();

    /** The active version of {@code name}, if one is. */
    Optional<StoredModel> active(String name);

    /** Every kept version of {@code name}, oldest first. */
    List<StoredModel> versions(String name);

    /** Every kept version of {@code name} with its state, oldest first. */
    List<StoredVersion> storedVersions(String name);

    /** The version {@link #rollback} would return to, if there is one. */
    Optional<StoredModel> rollbackTarget(String name);

    /**
     * Verifies the package file and stores it as the version its manifest names, in state staged.
     * The package file itself is left alone.
     *
     * @throws PackageException when the package is refused (its code says why)
     * @throws ModelStoreException {@code VERSION_EXISTS}, {@code NO_SPACE} or {@code IO}
     */
    StoredModel stage(Path packageFile) throws PackageException, ModelStoreException;

    /**
     * Stores a package this gateway derived from the kept version {@code baseVersion} of the same
     * model (a calibrated INT8 version of an FP32 one), in state staged. It is checked as
     * {@link #stage} checks a package except for the signature, which a package made on the gateway
     * cannot carry: its trust comes from {@code baseVersion}, which must be kept and not failed, and
     * the version records that it was derived from it. Only for packages the gateway wrote itself;
     * packages from outside go through {@link #stage}. Since 1.2.
     *
     * @throws ModelStoreException {@code NOT_FOUND} (no such base version), {@code INVALID_STATE}
     *         (the base failed, or the package holds another model), {@code VERSION_EXISTS}, {@code NO_SPACE}, {@code IO}
     */
    StoredModel stageDerived(Path packageFile, String baseVersion) throws PackageException, ModelStoreException;

    /** The verified package a kept version was stored from: its manifest and files in the store. */
    VerifiedPackage contents(String name, String version) throws PackageException, ModelStoreException;

    /** Records that a staged version passed validation; it may now be activated. */
    void markValidated(String name, String version) throws ModelStoreException;

    /**
     * Makes a validated version the active one, in one atomic step; the version active until now
     * becomes the rollback target. Versions beyond the configured number kept are then pruned.
     */
    StoredModel activate(String name, String version) throws ModelStoreException;

    /**
     * Makes the rollback target active again, in one atomic step, and records the version that was
     * active as failed with {@code reason}; returns the version now active.
     */
    StoredModel rollback(String name, String reason) throws ModelStoreException;

    /** Records that a version that is not active failed (validation, say), with {@code reason}. */
    void recordFailure(String name, String version, String reason) throws ModelStoreException;

    /**
     * Removes the oldest versions of {@code name} beyond the configured number kept, never the
     * active version nor the rollback target; returns those removed.
     */
    List<StoredModel> prune(String name) throws ModelStoreException;
}
