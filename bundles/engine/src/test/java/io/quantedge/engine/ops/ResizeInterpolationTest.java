package io.quantedge.engine.ops;

import static io.quantedge.engine.ops.OpRunner.assertValue;
import static io.quantedge.engine.ops.OpRunner.floats;
import static io.quantedge.engine.ops.OpRunner.op;
import static io.quantedge.engine.ops.OpRunner.shape;
import static io.quantedge.engine.ops.OpRunner.vector;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quantedge.api.model.ModelLoadException;
import io.quantedge.engine.Value;
import org.junit.jupiter.api.Test;

/**
 * Cubic and n-linear Resize, and tf_crop_and_resize. Cubic expectations come from a direct 2-D
 * evaluation of the specification's kernel (Keys' piecewise cubic in |distance|), summing all
 * sixteen neighbours at once with the edge repeated, not from the op's separable passes.
 */
class ResizeInterpolationTest {

    private static final Value GRID = floats(shape(1, 1, 4, 4), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);

    /** Keys' cubic kernel at distance {@code d} with coefficient {@code a}. */
    private static double keys(double d, double a) {
        double x = Math.abs(d);
        if (x <= 1) {
            return (a + 2) * x * x * x - (a + 3) * x * x + 1;
        }
        return x < 2 ? a * x * x * x - 5 * a * x * x + 8 * a * x - 4 * a : 0;
    }

    /** Resize coordinate of output {@code o} (half_pixel, align_corners or asymmetric). */
    private static double coordinate(String mode, int o, double scale, int in) {
        return switch (mode) {
            case "align_corners" -> o * (in - 1) / (in * scale - 1);
            case "asymmetric" -> o / scale;
            default -> (o + 0.5) / scale - 0.5;
        };
    }

    /** The specification's bicubic value of a square input at every output position. */
    private static float[] bicubic(float[] in, int n, int out, double scale, String mode, double a, boolean exclude) {
        float[] result = new float[out * out];
        for (int i = 0; i < out; i++) {
            for (int j = 0; j < out; j++) {
                double y = coordinate(mode, i, scale, n);
                double x = coordinate(mode, j, scale, n);
                double sum = 0;
                double weights = 0;
                for (int r = (int) Math.floor(y) - 1; r <= (int) Math.floor(y) + 2; r++) {
                    for (int c = (int) Math.floor(x) - 1; c <= (int) Math.floor(x) + 2; c++) {
                        boolean inside = r >= 0 && r < n && c >= 0 && c < n;
                        double w = exclude && !inside ? 0 : keys(y - r, a) * keys(x - c, a);
                        int rr = Math.max(0, Math.min(n - 1, r));
                        int cc = Math.max(0, Math.min(n - 1, c));
                        sum += w * in[rr * n + cc];
                        weights += w;
                    }
                }
                result[i * out + j] = (float) (exclude ? sum / weights : sum);
            }
        }
        return result;
    }

    private static void assertCubic(OpRunner runner, int out, float scale, String mode, double a, boolean exclude)
            throws ModelLoadException {
        Value y = runner.in(GRID).omitted().in(floats(shape(4), 1, 1, scale, scale)).run();
        assertValue(y, shape(1, 1, out, out), bicubic(GRID.floats(), 4, out, scale, mode, a, exclude));
    }

    @Test
    void cubicMatchesTheSpecificationKernel() throws ModelLoadException {
        assertCubic(op("Resize", 13).attr("mode", "cubic"), 8, 2f, "half_pixel", -0.75, false);
        assertCubic(op("Resize", 13).attr("mode", "cubic"), 3, 0.8f, "half_pixel", -0.75, false);
        assertCubic(op("Resize", 13).attr("mode", "cubic").attr("coordinate_transformation_mode", "align_corners"),
                8, 2f, "align_corners", -0.75, false);
        assertCubic(op("Resize", 13).attr("mode", "cubic").attr("coordinate_transformation_mode", "asymmetric"),
                8, 2f, "asymmetric", -0.75, false);
    }

    @Test
    void cubicCoefficientAndExcludeOutside() throws ModelLoadException {
        assertCubic(op("Resize", 13).attr("mode", "cubic").attr("cubic_coeff_a", -0.5f).attr("exclude_outside", 1L),
                8, 2f, "half_pixel", -0.5, true);
        assertCubic(op("Resize", 13).attr("mode", "cubic").attr("cubic_coeff_a", -0.5f).attr("exclude_outside", 1L),
                3, 0.8f, "half_pixel", -0.5, true);
    }

    @Test
    void cubicKeepsAConstantImageConstant() throws ModelLoadException {
        Value flat = floats(shape(3, 3), 2, 2, 2, 2, 2, 2, 2, 2, 2);
        Value y = op("Resize", 13).attr("mode", "cubic").in(flat).omitted().omitted().in(vector(5, 7)).run();
        float[] expected = new float[35];
        java.util.Arrays.fill(expected, 2f);
        assertValue(y, shape(5, 7), expected);
    }

    @Test
    void linearResizesLeadingAxesToo() throws ModelLoadException {
        // Along axis 0, half_pixel coordinates are -0.25, 0.25, 0.75, 1.25: the edge, then blends of 1 and 3.
        Value y = op("Resize", 13).attr("mode", "linear").in(floats(shape(2, 1), 1, 3)).omitted()
                .in(floats(shape(2), 2, 1)).run();
        assertValue(y, shape(4, 1), 1, 1.5f, 2.5f, 3);
    }

    @Test
    void cropAndResizeReadsTheRoiAndExtrapolatesOutside() throws ModelLoadException {
        // roi [0.2, 1.2] of 4 elements: coordinates 0.6, 2.1 and 3.6, the last beyond the input.
        Value y = op("Resize", 13).attr("mode", "linear").attr("coordinate_transformation_mode", "tf_crop_and_resize")
                .attr("extrapolation_value", 10f).in(floats(shape(4), 1, 2, 3, 4))
                .runtime(floats(shape(2), 0.2f, 1.2f)).omitted().in(vector(3)).run();
        assertValue(y, shape(3), 1.6f, 3.1f, 10f);
        Value nearest = op("Resize", 13).attr("coordinate_transformation_mode", "tf_crop_and_resize")
                .in(floats(shape(4), 1, 2, 3, 4)).runtime(floats(shape(2), -0.5f, 0.5f)).omitted().in(vector(3))
                .run();
        // Coordinates -1.5 (outside: extrapolation_value defaults to 0), 0 and 1.5 (rounds down: 2).
        assertValue(nearest, shape(3), 0f, 1f, 2f);
    }

    @Test
    void cropAndResizeWithAxesTakesOneStartAndEndPerAxis() throws ModelLoadException {
        Value y = op("Resize", 18).attr("mode", "linear").attr("coordinate_transformation_mode", "tf_crop_and_resize")
                .ints("axes", 1).in(floats(shape(2, 3), 0, 1, 2, 10, 11, 12)).runtime(floats(shape(2), 0.5f, 1f))
                .omitted().in(vector(2)).run();
        assertValue(y, shape(2, 2), 1, 2, 11, 12);
        assertEquals(io.quantedge.api.model.ModelLoadException.Code.INVALID_GRAPH, op("Resize", 13)
                .attr("mode", "linear").attr("coordinate_transformation_mode", "tf_crop_and_resize")
                .in(floats(shape(4), 1, 2, 3, 4)).runtime(floats(shape(4), 0, 0, 1, 1)).omitted().in(vector(3))
                .failure().code());
    }
}
