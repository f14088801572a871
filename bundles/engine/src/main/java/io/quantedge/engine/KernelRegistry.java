package io.quantedge.engine;

import io.quantedge.api.kernel.KernelBackend;
import io.quantedge.api.kernel.OpSignature;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The kernel backends available when a model is prepared, best first. For each operation the
 * engine takes the first (highest-ranked) backend that supports the signature and implements the
 * kernel interface it calls.
 */
public final class KernelRegistry {

    /** A backend with its service ranking. */
    public record Ranked(KernelBackend backend, int ranking) {
    }

    /** The kernel chosen for an operation, with the name of the backend that provides it. */
    public record Selection<K>(String backend, K kernel) {
    }

    private final List<Ranked> backends;

    public KernelRegistry(List<Ranked> backends) {
        List<Ranked> sorted = new ArrayList<>(backends);
        // Highest ranking first; equal rankings by name, so the choice does not depend on arrival order.
        sorted.sort(Comparator.comparingInt(Ranked::ranking).reversed()
                .thenComparing(r -> r.backend().name()));
        this.backends = List.copyOf(sorted);
    }

    public List<Ranked> backends() {
        return backends;
    }

    public <K> Optional<Selection<K>> select(OpSignature op, Class<K> kernelType) {
        for (Ranked ranked : backends) {
            KernelBackend backend = ranked.backend();
            if (backend.supports(op)) {
                Optional<K> kernel = backend.kernel(kernelType);
                if (kernel.isPresent()) {
                    return Optional.of(new Selection<>(backend.name(), kernel.get()));
                }
            }
        }
        return Optional.empty();
    }
}
