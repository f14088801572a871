package io.quantedge.api.serving;

import io.quantedge.api.model.InferenceException;
import io.quantedge.api.tensor.Tensor;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The models this gateway serves, each by name at its store's active version. A deployment
 * validates a staged version (its package's test vectors, or a smoke run), swaps it in atomically
 * (runs under way finish on the version they started on; none fails because of the swap), then
 * watches a health window and keeps the version or rolls back to the previous one.
 */
@ProviderType
public interface ModelServer {

    /** Names of the models being served. */
    Set<String> models();

    /** What is served under {@code model}, if anything. */
    Optional<ServedModel> served(String model);

    /**
     * Runs {@code inputs} once on the active version of {@code model}.
     *
     * @throws InferenceException {@code NOT_SERVED} when no such model is served, else as {@code Model.run}
     */
    ServedRun run(String model, Map<String, Tensor> inputs) throws InferenceException;

    /**
     * Deploys the staged version {@code version} of {@code model}: validates, activates, and
     * watches it, telling {@code progress} each step; returns once the version is kept (the
     * model's store then holds it as active) or throws when it was refused or rolled back. One
     * deployment per model at a time.
     */
    ServedModel deploy(String model, String version, DeploymentProgress progress) throws DeploymentException;

    /** Rolls {@code model} back to its previous good version now; returns what is served then. */
    ServedModel rollback(String model, String reason) throws DeploymentException;
}
