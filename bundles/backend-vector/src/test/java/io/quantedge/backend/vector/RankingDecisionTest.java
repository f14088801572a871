package io.quantedge.backend.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class RankingDecisionTest {

    private static final OptionalInt AUTOMATIC = OptionalInt.empty();

    @Test
    void aRecentJavaWithWideVectorsRanksAboveScalarAsWorthUsing() {
        assertEquals(OptionalInt.of(100), RankingDecision.decide(21, 256, true, AUTOMATIC).ranking());
        assertEquals(OptionalInt.of(100), RankingDecision.decide(25, 512, true, AUTOMATIC).ranking());
    }

    @Test
    void java17OrNarrowVectorsRankLowButStillAboveScalar() {
        assertEquals(OptionalInt.of(10), RankingDecision.decide(17, 512, true, AUTOMATIC).ranking());
        assertEquals(OptionalInt.of(10), RankingDecision.decide(20, 256, true, AUTOMATIC).ranking());
        assertEquals(OptionalInt.of(10), RankingDecision.decide(25, 128, true, AUTOMATIC).ranking());
    }

    @Test
    void aFailedSelfCheckIsNeverRegisteredWhateverTheConfigurationSays() {
        RankingDecision decision = RankingDecision.decide(25, 512, false, OptionalInt.of(500));
        assertTrue(decision.ranking().isEmpty());
        assertTrue(decision.reason().startsWith("not registered"), decision.reason());
    }

    @Test
    void aConfiguredRankingReplacesTheComputedOne() {
        assertEquals(OptionalInt.of(-5), RankingDecision.decide(17, 128, true, OptionalInt.of(-5)).ranking());
        assertEquals(OptionalInt.of(7), RankingDecision.decide(25, 512, true, OptionalInt.of(7)).ranking());
    }

    @Test
    void theReasonNamesThePlatform() {
        assertEquals("ranking 10: Java 17, 512-bit vectors; the Vector API is fast from Java 21",
                RankingDecision.decide(17, 512, true, AUTOMATIC).reason());
        assertEquals("ranking 100: Java 25, 512-bit vectors", RankingDecision.decide(25, 512, true, AUTOMATIC).reason());
    }

    @Test
    void theRankingOptionIsAutoOrAnInteger() {
        assertEquals(AUTOMATIC, VectorBackendRegistration.configuredRanking("auto"));
        assertEquals(AUTOMATIC, VectorBackendRegistration.configuredRanking(" AUTO "));
        assertEquals(AUTOMATIC, VectorBackendRegistration.configuredRanking(""));
        assertEquals(OptionalInt.of(250), VectorBackendRegistration.configuredRanking("250"));
        assertEquals(OptionalInt.of(-1), VectorBackendRegistration.configuredRanking("-1"));
        assertThrows(IllegalArgumentException.class, () -> VectorBackendRegistration.configuredRanking("fast"));
    }
}
