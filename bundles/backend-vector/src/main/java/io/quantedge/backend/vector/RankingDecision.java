package io.quantedge.backend.vector;

import java.util.OptionalInt;

/**
 * Whether and how high to rank the vector backend. On JDK 21 and later with vectors of 256 bits or
 * more, its kernels run several times faster than scalar Java (JDK 17's incubator compiles them far
 * less reliably, and narrow vectors gain little), so it ranks {@link #WORTH_USING}; elsewhere it is
 * still correct but ranks {@link #CORRECT_BUT_SLOW}, above the scalar backend yet below any backend
 * built for speed. A backend whose self-check against the reference failed is not registered at
 * all: wrong results are worse than slow ones. An operator's configured ranking replaces the
 * computed one, but never the self-check.
 *
 * @param ranking the service ranking to register with; empty: do not register
 * @param reason  one line for the log
 */
record RankingDecision(OptionalInt ranking, String reason) {

    static final int WORTH_USING = 100;
    static final int CORRECT_BUT_SLOW = 10;
    static final int FIRST_FAST_JAVA = 21;
    static final int FIRST_FAST_VECTOR_BITS = 256;

    static RankingDecision decide(int javaFeature, int preferredVectorBits, boolean selfCheckPassed,
                                  OptionalInt configuredRanking) {
        String platform = "Java " + javaFeature + ", " + preferredVectorBits + "-bit vectors";
        if (!selfCheckPassed) {
            return new RankingDecision(OptionalInt.empty(),
                    "not registered: its int8 product disagreed with the reference on " + platform);
        }
        if (configuredRanking.isPresent()) {
            return new RankingDecision(configuredRanking,
                    "ranking " + configuredRanking.getAsInt() + " as configured (" + platform + ")");
        }
        if (javaFeature < FIRST_FAST_JAVA) {
            return new RankingDecision(OptionalInt.of(CORRECT_BUT_SLOW), "ranking " + CORRECT_BUT_SLOW + ": " + platform
                    + "; the Vector API is fast from Java " + FIRST_FAST_JAVA);
        }
        if (preferredVectorBits < FIRST_FAST_VECTOR_BITS) {
            return new RankingDecision(OptionalInt.of(CORRECT_BUT_SLOW), "ranking " + CORRECT_BUT_SLOW + ": " + platform
                    + "; worth it from " + FIRST_FAST_VECTOR_BITS + "-bit vectors");
        }
        return new RankingDecision(OptionalInt.of(WORTH_USING), "ranking " + WORTH_USING + ": " + platform);
    }
}
