package io.quantedge.engine;

import io.quantedge.api.kernel.KernelBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The operator's say over the rankings: excluded backends are left out, a pinned backend goes
 * before all others. Immutable.
 */
record BackendSelection(Set<String> excluded, String pinned) {

    static final BackendSelection RANKING_ORDER = new BackendSelection(Set.of(), "");

    static BackendSelection of(EngineOptions options) {
        return new BackendSelection(Set.of(options.excludedBackends()), options.pinnedBackend().strip());
    }

    KernelRegistry registry(Map<KernelBackend, Integer> rankings) {
        List<KernelRegistry.Ranked> ranked = new ArrayList<>();
        rankings.forEach((backend, ranking) -> {
            if (!excluded.contains(backend.name())) {
                ranked.add(new KernelRegistry.Ranked(backend,
                        backend.name().equals(pinned) ? Integer.MAX_VALUE : ranking));
            }
        });
        return new KernelRegistry(ranked);
    }
}
