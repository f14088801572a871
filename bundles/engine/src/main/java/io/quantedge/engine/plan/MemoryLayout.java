package io.quantedge.engine.plan;

import io.quantedge.engine.Storage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Places the values of one run in shared arenas, one per storage kind, so that values whose
 * lifetimes do not overlap share memory. Greedy by size: the largest value first, each at the
 * lowest offset that does not collide with an already placed value alive at the same time.
 */
public final class MemoryLayout {

    /** A value to place: its storage, element count, and the steps from its definition to its last use. */
    public record Request(Storage storage, int elements, int firstStep, int lastStep) {
        boolean overlaps(Request other) {
            return firstStep <= other.lastStep && other.firstStep <= lastStep;
        }
    }

    private final int[] offsets;
    private final Map<Storage, Integer> arenaSizes;

    private MemoryLayout(int[] offsets, Map<Storage, Integer> arenaSizes) {
        this.offsets = offsets;
        this.arenaSizes = arenaSizes;
    }

    public static MemoryLayout place(List<Request> requests) {
        int[] offsets = new int[requests.size()];
        Map<Storage, Integer> sizes = new EnumMap<>(Storage.class);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingInt((Integer i) -> requests.get(i).elements()).reversed()
                .thenComparingInt(i -> i));
        List<Integer> placed = new ArrayList<>();
        for (int i : order) {
            Request request = requests.get(i);
            List<int[]> busy = new ArrayList<>(); // [start, end) of live neighbours in the same arena
            for (int j : placed) {
                Request other = requests.get(j);
                if (other.storage() == request.storage() && other.overlaps(request)) {
                    busy.add(new int[] {offsets[j], offsets[j] + other.elements()});
                }
            }
            busy.sort(Comparator.comparingInt(b -> b[0]));
            int offset = 0;
            for (int[] b : busy) {
                if (offset + request.elements() <= b[0]) {
                    break;
                }
                offset = Math.max(offset, b[1]);
            }
            offsets[i] = offset;
            placed.add(i);
            sizes.merge(request.storage(), offset + request.elements(), Math::max);
        }
        return new MemoryLayout(offsets, sizes);
    }

    public int offset(int request) {
        return offsets[request];
    }

    /** Elements each arena needs. */
    public Map<Storage, Integer> arenaSizes() {
        return Map.copyOf(arenaSizes);
    }

    public long bytes() {
        long total = 0;
        for (Map.Entry<Storage, Integer> e : arenaSizes.entrySet()) {
            total += (long) e.getValue() * e.getKey().bytesPerElement();
        }
        return total;
    }
}
