package io.quantedge.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quantedge.api.kernel.BlockwiseInt4Int8Kernel;
import io.quantedge.api.kernel.BlockwiseInt4Kernel;
import io.quantedge.api.kernel.FloatGemmKernel;
import io.quantedge.api.kernel.Int8DepthwiseConvKernel;
import io.quantedge.api.kernel.Int8GemmKernel;
import io.quantedge.api.kernel.KernelBackend;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The kit run, through the JUnit Platform as a build would run it, against backends with one
 * deliberate fault each: it must report failures, in the tests that cover the fault. And against
 * correct kernels that merely sum in another order: it must pass them.
 */
class KitCatchesFaultsTest {

    @Test
    void roundingEveryTieUpFailsRequantization() {
        assertCaught(TiesRoundUp.class, "requantization", "every tie");
    }

    @Test
    void ignoringLdaFailsTheIntegerProducts() {
        assertCaught(IgnoresLda.class, "integerProducts", ": C[1][0] is "); // row 0 is right, row 1 read from the wrong place
    }

    @Test
    void anOffByOneTailFailsTheIntegerProducts() {
        assertCaught(DropsTheTail.class, "integerProducts", "x17");
    }

    @Test
    void int16PairSaturationFailsOnExtremeValues() {
        assertCaught(SaturatesPairSums.class, "integerProducts", "A = ");
    }

    @Test
    void uncheckedBoundsFailTheRefusals() {
        assertCaught(ChecksNothing.class, "refusesCallsOutsideTheContract", "overflow int");
    }

    @Test
    void ignoringLdbWhenPackingFailsTheFloatProducts() {
        assertCaught(PackIgnoresLdb.class, "floatProducts", "ld");
    }

    @Test
    void lettingOldNaNThroughWithoutAccumulateFailsTheFloatProducts() {
        assertCaught(ScalesOldC.class, "floatProducts", "C = A x B");
    }

    @Test
    void aSharedScratchBufferFailsThreadSafety() {
        assertCaught(SharesScratch.class, "threadSafety", "threads at once");
    }

    @Test
    void ignoringZeroPointsFailsTheBlockwiseProducts() {
        assertCaught(IgnoresZeroPoints.class, "blockwiseInt4Products", "with zero points");
    }

    @Test
    void acceptingAMalformedBlockSizeFailsTheBlockwisePacks() {
        assertCaught(AcceptsAnyBlockSize.class, "blockwiseInt4Products", "block size 24");
    }

    @Test
    void declaringAnOperationWithoutItsKernelFailsTheDeclarations() {
        assertCaught(LacksItsInt4Kernel.class, "servesEveryDeclaredOperationWithItsKernel", "MatMulNBits");
    }

    @Test
    void roundingActivationTiesAwayFromZeroFailsTheInt8ActivationProducts() {
        assertCaught(TiesAwayFromZero.class, "blockwiseInt4Int8Products", "rounding ties");
    }

    @Test
    void oneActivationScalePerRowFailsTheInt8ActivationProducts() {
        assertCaught(ScalesPerRow.class, "blockwiseInt4Int8Products", "block");
    }

    @Test
    void paddingWithZeroBytesFailsTheDepthwiseConvolutions() {
        assertCaught(PadsWithZeros.class, "depthwiseConvolutions", "int32 sums");
    }

    @Test
    void oneMultiplierForEveryChannelFailsTheDepthwiseRequantization() {
        assertCaught(OneMultiplierForAll.class, "depthwiseConvolutions", "per-channel multipliers");
    }

    @Test
    void acceptingAZeroPointOutsideItsTypeFailsTheDepthwiseRefusals() {
        assertCaught(AcceptsAnyZeroPoint.class, "refusesCallsOutsideTheContract", "x zero point");
    }

    @Test
    void theScalarDepthwiseKernelPassesItsOwnKit() {
        KitRun run = KitRun.of(DepthwiseDelegating.class, "depthwiseConvolutions", "threadSafety",
                "refusesCallsOutsideTheContract");
        assertEquals(List.of(), run.failures());
        assertTrue(run.succeeded() > 400, run.succeeded() + " tests ran");
    }

    @Test
    void correctInt8ActivationsMultipliedInFloatPass() {
        KitRun run = KitRun.of(QuantizesCorrectly.class, "blockwiseInt4Int8Products");
        assertEquals(List.of(), run.failures());
        assertTrue(run.succeeded() > 50, run.succeeded() + " tests ran");
    }

    @Test
    void correctKernelsThatSumInAnotherOrderPass() {
        KitRun run = KitRun.of(SumsInAnotherOrder.class, "floatProducts", "blockwiseInt4Products", "threadSafety");
        assertEquals(List.of(), run.failures());
        assertTrue(run.succeeded() > 250, run.succeeded() + " tests ran");
    }

    private static void assertCaught(Class<? extends KernelBackendConformance> conformance, String testMethod,
                                     String inAFailure) {
        KitRun run = KitRun.of(conformance, testMethod);
        assertFalse(run.failures().isEmpty(), conformance.getSimpleName() + " passed " + testMethod);
        assertTrue(run.failures().stream().anyMatch(failure -> failure.contains(inAFailure)),
                () -> "no failure mentions \"" + inAFailure + "\": " + run.failures().subList(0,
                        Math.min(3, run.failures().size())));
    }

    static final class TiesRoundUp extends KernelBackendConformance {
        @Override
        protected KernelBackend backend() {
            return FaultyBackend.with(Int8GemmKernel.class, new Int8Faults.TiesRoundUp());
        }
    }

    static final class IgnoresLda extends KernelBackendConformance {
        @Override
        protected KernelBackend backend() {
            return FaultyBackend.with(Int8GemmKernel.class, new Int8Faults.IgnoresLda());
        }
    }

    static final class DropsTheTail extends KernelBackendConformance {
        @Override
        protected KernelBackend backend() {
            return FaultyBackend.with(Int8GemmKernel.class, new Int8Faults.DropsTheTail());
        }
    }

    static final class SaturatesPairSums extends KernelBackendConformance {
        @Override
        protected KernelBackend backend() {
            return FaultyBackend.with(Int8GemmKernel.class, new Int8Faults.SaturatesPairSums());
        }
    }

    static final class ChecksNothing extends KernelBackendConformance {
        @Override
        protected KernelBackend backend() {
            return FaultyBackend.with(Int8GemmKernel.class, new Int8Faults.ChecksNothing());
        }
    }

    static final class PackIgnoresLdb extends KernelBackendConformance {
        @Override
        protected KernelBackend backend() {
            return FaultyBackend.with(FloatGemmKernel.class, new FloatFaults.PackIgnoresLdb());
        }
    }

    static final class ScalesOldC extends KernelBackendConformance {
        @Override
        protected KernelBackend backend() {
            return FaultyBackend.with(FloatGemmKernel.class, new FloatFaults.ScalesOldC());
        }
    }

    static final class SharesScratch extends KernelBackendConformance {
        @Override
        protected KernelBackend backend() {
            return FaultyBackend.with(FloatGemmKernel.class, new FloatFaults.SharesScratch());
        }
    }

    static final class IgnoresZeroPoints extends KernelBackendConformance {
        @Override
        protected KernelBackend backend() {
            return FaultyBackend.with(BlockwiseInt4Kernel.class, new Int4Faults.IgnoresZeroPoints());
        }
    }

    static final class AcceptsAnyBlockSize extends KernelBackendConformance {
        @Override
        protected KernelBackend backend() {
            return FaultyBackend.with(BlockwiseInt4Kernel.class, new Int4Faults.AcceptsAnyBlockSize());
        }
    }

    static final class LacksItsInt4Kernel extends KernelBackendConformance {
        @Override
        protected KernelBackend backend() {
            return FaultyBackend.without(BlockwiseInt4Kernel.class);
        }
    }

    static final class SumsInAnotherOrder extends KernelBackendConformance {
        @Override
        protected KernelBackend backend() {
            return FaultyBackend.with(FloatGemmKernel.class, new ReorderedSums.FloatGemm())
                    .replace(BlockwiseInt4Kernel.class, new ReorderedSums.BlockwiseInt4());
        }
    }

    static final class TiesAwayFromZero extends KernelBackendConformance {
        @Override
        protected KernelBackend backend() {
            return FaultyBackend.with(BlockwiseInt4Int8Kernel.class, new Int4Int8Faults.TiesAwayFromZero());
        }
    }

    static final class ScalesPerRow extends KernelBackendConformance {
        @Override
        protected KernelBackend backend() {
            return FaultyBackend.with(BlockwiseInt4Int8Kernel.class, new Int4Int8Faults.ScalesPerRow());
        }
    }

    static final class PadsWithZeros extends KernelBackendConformance {
        @Override
        protected KernelBackend backend() {
            return FaultyBackend.with(Int8DepthwiseConvKernel.class, new DepthwiseFaults.PadsWithZeros());
        }
    }

    static final class OneMultiplierForAll extends KernelBackendConformance {
        @Override
        protected KernelBackend backend() {
            return FaultyBackend.with(Int8DepthwiseConvKernel.class, new DepthwiseFaults.OneMultiplierForAll());
        }
    }

    static final class AcceptsAnyZeroPoint extends KernelBackendConformance {
        @Override
        protected KernelBackend backend() {
            return FaultyBackend.with(Int8DepthwiseConvKernel.class, new DepthwiseFaults.AcceptsAnyZeroPoint());
        }
    }

    /** The scalar kernel behind a wrapper: what the faults start from must itself pass. */
    static final class DepthwiseDelegating extends KernelBackendConformance {
        @Override
        protected KernelBackend backend() {
            return FaultyBackend.with(Int8DepthwiseConvKernel.class, new DepthwiseFaults.Delegating());
        }
    }

    static final class QuantizesCorrectly extends KernelBackendConformance {
        @Override
        protected KernelBackend backend() {
            return FaultyBackend.with(BlockwiseInt4Int8Kernel.class, new Int4Int8Faults.Correct());
        }
    }
}
