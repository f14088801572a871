/*
 * A stand-alone check of every kernel variant the CPU supports against plain C written from the
 * definitions, for targets where the Java tests cannot run (aarch64 under qemu-user at build time).
 * Exit status 0 when all agree: int8 bit for bit, float and 4-bit products within a relative tolerance.
 * Arguments name variants that must be among those checked (kernel_check dotprod i8mm).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kernels.h"

static uint64_t random_state = 0x9E3779B97F4A7C15ull;

static uint32_t next_random(void) {
    random_state ^= random_state << 13;
    random_state ^= random_state >> 7;
    random_state ^= random_state << 17;
    return (uint32_t) (random_state >> 16);
}

static int check_int8(const qe_kernel_set *kernels, int m, int n, int k, int a_signed, int b_signed,
                      int per_column_zero) {
    int8_t *a = malloc((size_t) m * k + 1);
    int8_t *b = malloc((size_t) k * n + 1);
    int32_t *zeros = malloc(sizeof(int32_t) * (size_t) n);
    for (long i = 0; i < (long) m * k; i++) a[i] = (int8_t) next_random();
    for (long i = 0; i < (long) k * n; i++) b[i] = (int8_t) next_random();
    for (int j = 0; j < n; j++) zeros[j] = (int32_t) (next_random() % 256) - (b_signed ? 128 : 0);
    int32_t a_zero = (int32_t) (next_random() % 256) - (a_signed ? 128 : 0);
    qe_int8_matrix *packed = qe_pack_int8(b, n, k, n, b_signed, zeros, per_column_zero ? n : 1);
    long stride = qe_int8_a_stride(packed);
    int8_t *a_prime = malloc((size_t) m * stride);
    int32_t *row_sums = malloc(sizeof(int32_t) * (size_t) m);
    int32_t *dot = malloc(sizeof(int32_t) * (size_t) m * packed->panels * QE_PANEL);
    int32_t *c = malloc(sizeof(int32_t) * (size_t) m * n);
    qe_int8_prepare_a(packed, a, k, m, a_signed, a_prime, row_sums);
    /* In two calls, as threads split the columns: the second range starts at a panel other than 0. */
    int split = packed->panels / 2;
    for (int part = split == 0 ? 1 : 0; part < 2; part++) {
        int first = part == 0 ? 0 : split, count = part == 0 ? split : packed->panels - split;
        int j0 = first * QE_PANEL, j1 = (first + count) * QE_PANEL < n ? (first + count) * QE_PANEL : n;
        kernels->int8_dot(packed, a_prime, m, first, count, dot);
        qe_int8_finish(packed, dot, (long) count * QE_PANEL, row_sums, m, j0, j1, a_signed, a_zero, c + j0, n);
    }
    int failures = 0;
    for (int i = 0; i < m && failures == 0; i++) {
        for (int j = 0; j < n; j++) {
            uint32_t expected = 0;
            for (int p = 0; p < k; p++) {
                int32_t x = a_signed ? a[i * k + p] : (uint8_t) a[i * k + p];
                int32_t y = b_signed ? b[p * n + j] : (uint8_t) b[p * n + j];
                expected += (uint32_t) (x - a_zero) * (uint32_t) (y - zeros[per_column_zero ? j : 0]);
            }
            if ((uint32_t) c[i * n + j] != expected) {
                fprintf(stderr, "%s int8 %dx%dx%d a%s b%s: C[%d][%d] = %d, expected %d\n", kernels->name, m, n, k,
                        a_signed ? "s8" : "u8", b_signed ? "s8" : "u8", i, j, c[i * n + j], (int32_t) expected);
                failures++;
                break;
            }
        }
    }
    free(a); free(b); free(zeros); free(packed); free(a_prime); free(row_sums); free(dot); free(c);
    return failures;
}

static float random_float(void) {
    return (float) (next_random() % 2001) / 1000.0f - 1.0f;
}

static int check_float(const qe_kernel_set *kernels, int m, int n, int k) {
    float *a = malloc(sizeof(float) * (size_t) m * k + 4);
    float *b = malloc(sizeof(float) * (size_t) k * n + 4);
    for (long i = 0; i < (long) m * k; i++) a[i] = random_float();
    for (long i = 0; i < (long) k * n; i++) b[i] = random_float();
    qe_float_matrix *packed = qe_pack_float(b, n, k, n);
    long ld = (long) packed->panels * QE_PANEL;
    float *c = malloc(sizeof(float) * (size_t) m * ld);
    kernels->float_gemm(packed, a, m, 0, packed->panels, c);
    int failures = 0;
    for (int i = 0; i < m && failures == 0; i++) {
        for (int j = 0; j < n; j++) {
            double expected = 0, magnitude = 0;
            for (int p = 0; p < k; p++) {
                expected += (double) a[i * k + p] * b[p * n + j];
                magnitude += fabs((double) a[i * k + p] * b[p * n + j]);
            }
            if (fabs(c[i * ld + j] - expected) > 1e-5 * magnitude + 1e-6) {
                fprintf(stderr, "%s float %dx%dx%d: C[%d][%d] = %g, expected %g\n", kernels->name, m, n, k, i, j,
                        c[i * ld + j], expected);
                failures++;
                break;
            }
        }
    }
    free(a); free(b); free(packed); free(c);
    return failures;
}

static int check_int4(const qe_kernel_set *kernels, int m, int n, int k, int block_size, int with_zero_points) {
    int blocks = (k + block_size - 1) / block_size;
    long padded = (long) blocks * block_size;
    uint8_t *q = malloc((size_t) n * padded / 2);
    float *scales = malloc(sizeof(float) * (size_t) n * blocks);
    uint8_t *zeros = malloc((size_t) n * ((blocks + 1) / 2));
    float *a = calloc((size_t) m * padded, sizeof(float));
    for (long i = 0; i < (long) n * padded / 2; i++) q[i] = (uint8_t) next_random();
    for (long i = 0; i < (long) n * blocks; i++) scales[i] = random_float() * 0.1f;
    for (long i = 0; i < (long) n * ((blocks + 1) / 2); i++) zeros[i] = (uint8_t) next_random();
    for (int i = 0; i < m; i++) for (int p = 0; p < k; p++) a[i * padded + p] = random_float();
    qe_int4_matrix *packed = qe_pack_int4(q, scales, with_zero_points ? zeros : NULL, k, n, block_size);
    float *c = malloc(sizeof(float) * (size_t) m * n);
    kernels->int4_matmul(packed, a, m, 0, n, c);
    int failures = 0;
    for (int i = 0; i < m && failures == 0; i++) {
        for (int j = 0; j < n; j++) {
            double expected = 0, magnitude = 0;
            for (int p = 0; p < k; p++) {
                int block = p / block_size;
                uint8_t two = q[(long) j * padded / 2 + p / 2];
                int nibble = p % 2 == 0 ? two & 0x0F : two >> 4;
                uint8_t zero_pair = zeros[(long) j * ((blocks + 1) / 2) + block / 2];
                int zero = !with_zero_points ? 8 : block % 2 == 0 ? zero_pair & 0x0F : zero_pair >> 4;
                double product = a[i * padded + p] * (double) ((float) (nibble - zero) * scales[(long) j * blocks + block]);
                expected += product;
                magnitude += fabs(product);
            }
            if (fabs(c[i * n + j] - expected) > 1e-5 * magnitude + 1e-6) {
                fprintf(stderr, "%s int4 %dx%dx%d/%d: C[%d][%d] = %g, expected %g\n", kernels->name, m, n, k,
                        block_size, i, j, c[i * n + j], expected);
                failures++;
                break;
            }
        }
    }
    free(q); free(scales); free(zeros); free(a); free(packed); free(c);
    return failures;
}

/* 4-bit weights times int8 activations, the activations quantized here from the contract's words. */
static int check_int4q8(const qe_kernel_set *kernels, int m, int n, int k, int block_size, int with_zero_points) {
    int blocks = (k + block_size - 1) / block_size;
    long padded = (long) blocks * block_size;
    uint8_t *q = malloc((size_t) n * padded / 2);
    float *scales = malloc(sizeof(float) * (size_t) n * blocks);
    uint8_t *zeros = malloc((size_t) n * ((blocks + 1) / 2));
    float *a = malloc(sizeof(float) * (size_t) m * k + 1);
    for (long i = 0; i < (long) n * padded / 2; i++) q[i] = (uint8_t) next_random();
    for (long i = 0; i < (long) n * blocks; i++) scales[i] = random_float() * 0.1f;
    for (long i = 0; i < (long) n * ((blocks + 1) / 2); i++) zeros[i] = (uint8_t) next_random();
    /* Magnitudes from 2^-6 to 2^6, so blocks get different scales. */
    for (long i = 0; i < (long) m * k; i++) a[i] = ldexpf(random_float(), (int) (next_random() % 13) - 6);
    qe_int4q8_matrix *packed = qe_pack_int4q8(q, scales, with_zero_points ? zeros : NULL, k, n, block_size);
    qe_int4q8_rows rows = {
        malloc((size_t) m * packed->chunks * 128), malloc(sizeof(float) * (size_t) m * packed->chunks * 16),
        malloc(sizeof(int32_t) * (size_t) m * packed->chunks * 16)};
    qe_int4q8_prepare_rows(packed, a, k, m, &rows);
    float *c = malloc(sizeof(float) * (size_t) m * n);
    kernels->int4q8_matmul(packed, &rows, m, 0, n, c);
    int *levels = malloc(sizeof(int) * (size_t) k);
    float *row_scales = malloc(sizeof(float) * (size_t) blocks);
    int failures = 0;
    for (int i = 0; i < m && failures == 0; i++) {
        for (int block = 0; block < blocks; block++) {
            float amax = 0;
            for (int p = block * block_size; p < k && p < (block + 1) * block_size; p++) {
                amax = fmaxf(amax, fabsf(a[(long) i * k + p]));
            }
            row_scales[block] = amax / 127.0f;
            for (int p = block * block_size; p < k && p < (block + 1) * block_size; p++) {
                float level = amax == 0 ? 0 : rintf(a[(long) i * k + p] * (1.0f / row_scales[block]));
                levels[p] = (int) fmaxf(-127.0f, fminf(127.0f, level));
            }
        }
        for (int j = 0; j < n; j++) {
            double expected = 0, magnitude = 0;
            for (int p = 0; p < k; p++) {
                int block = p / block_size;
                uint8_t two = q[(long) j * padded / 2 + p / 2];
                int nibble = p % 2 == 0 ? two & 0x0F : two >> 4;
                uint8_t zero_pair = zeros[(long) j * ((blocks + 1) / 2) + block / 2];
                int zero = !with_zero_points ? 8 : block % 2 == 0 ? zero_pair & 0x0F : zero_pair >> 4;
                double product = (double) (scales[(long) j * blocks + block] * row_scales[block])
                        * (nibble - zero) * levels[p];
                expected += product;
                magnitude += fabs(product);
            }
            if (fabs(c[i * n + j] - expected) > 1e-5 * magnitude + 1e-30) {
                fprintf(stderr, "%s int4q8 %dx%dx%d/%d: C[%d][%d] = %g, expected %g\n", kernels->name, m, n, k,
                        block_size, i, j, c[i * n + j], expected);
                failures++;
                break;
            }
        }
    }
    free(q); free(scales); free(zeros); free(a); free(packed); free(c); free(levels); free(row_scales);
    free(rows.values); free(rows.lane_scales); free(rows.lane_sums);
    return failures;
}

static void *aligned(size_t bytes) {
    void *memory = NULL;
    return posix_memalign(&memory, 64, bytes + 64) == 0 ? memory : NULL;
}

/* A value of an int8 (signed) or uint8 tensor, as its zero point must be. */
static int32_t random_zero_point(int is_signed) {
    return (int32_t) (next_random() % 256) - (is_signed ? 128 : 0);
}

/*
 * Depthwise convolution against the definition, written here with a bounds test per tap: the int32
 * sums bit for bit, and the requantized bytes as qe_requantize (checked below against its own
 * definition) turns those sums into bytes. The channels are done in two calls, as threads split them.
 * shape: channels, in_h, in_w, k_h, k_w, stride_h, stride_w, dilation_h, dilation_w, then the pads
 * top, left, bottom, right.
 */
static int check_depthwise(const qe_kernel_set *kernels, const int shape[13], int x_signed, int w_signed,
                           int per_channel, int half_to_even, int out_signed) {
    int channels = shape[0];
    qe_conv_window w = {shape[1], shape[2], shape[3], shape[4], shape[5], shape[6], shape[7], shape[8], shape[9],
                        shape[10], 0, 0};
    w.out_h = (w.in_h + shape[9] + shape[11] - w.dilation_h * (w.k_h - 1) - 1) / w.stride_h + 1;
    w.out_w = (w.in_w + shape[10] + shape[12] - w.dilation_w * (w.k_w - 1) - 1) / w.stride_w + 1;
    int taps = w.k_h * w.k_w;
    long in_plane = (long) w.in_h * w.in_w, out_plane = (long) w.out_h * w.out_w;
    int8_t *x = malloc((size_t) (channels * in_plane) + 1);
    int8_t *filters = malloc((size_t) channels * taps + 1);
    int32_t *zeros = malloc(sizeof(int32_t) * (size_t) channels);
    int32_t *bias = malloc(sizeof(int32_t) * (size_t) channels);
    float *multipliers = malloc(sizeof(float) * (size_t) channels);
    static const float specials[] = {NAN, INFINITY, -INFINITY, 0.5f, 0.25f, 1e30f};
    for (long i = 0; i < channels * in_plane; i++) x[i] = (int8_t) next_random();
    for (long i = 0; i < (long) channels * taps; i++) filters[i] = (int8_t) next_random();
    for (int c = 0; c < channels; c++) {
        zeros[c] = random_zero_point(w_signed);
        bias[c] = (int32_t) (next_random() % 20001) - 10000;
        multipliers[c] = next_random() % 7 == 0 ? specials[next_random() % 6]
                : (float) ldexp((next_random() % 100000) / 100000.0, -(int) (4 + next_random() % 10));
    }
    int32_t x_zero = random_zero_point(x_signed);
    qe_requantization rq = {bias, multipliers, per_channel, random_zero_point(out_signed), out_signed, half_to_even};
    qe_depthwise_filters *packed = qe_pack_depthwise(filters, channels, taps, w_signed, zeros,
                                                     per_channel ? channels : 1);
    qe_depthwise_layout layout;
    qe_depthwise_layout_of(&w, &layout);
    uint8_t *image = aligned((size_t) qe_depthwise_image_bytes(&layout, channels));
    void *workspace = aligned((size_t) qe_depthwise_workspace_bytes(&layout, taps));
    int32_t *sums = malloc(sizeof(int32_t) * (size_t) (channels * out_plane) + 4);
    int8_t *out = malloc((size_t) (channels * out_plane) + 1);
    kernels->depthwise_prepare(&w, &layout, (const uint8_t *) x, channels, (uint8_t) x_zero, image);
    int split = channels / 2;
    for (int part = split == 0 ? 1 : 0; part < 2; part++) {
        int first = part == 0 ? 0 : split, count = part == 0 ? split : channels - split;
        const uint8_t *from = image + first * layout.channel;
        kernels->depthwise(packed, &w, &layout, from, first, count, x_signed, x_zero, NULL, sums + first * out_plane,
                           workspace);
        kernels->depthwise(packed, &w, &layout, from, first, count, x_signed, x_zero, &rq, out + first * out_plane,
                           workspace);
    }
    int failures = 0;
    int32_t *expected = malloc(sizeof(int32_t) * (size_t) out_plane + 4);
    int8_t *expected_out = malloc((size_t) out_plane + 1);
    for (int c = 0; c < channels && failures == 0; c++) {
        int32_t zero = zeros[per_channel ? c : 0];
        for (long p = 0; p < out_plane; p++) {
            int oh = (int) (p / w.out_w), ow = (int) (p % w.out_w);
            uint32_t sum = 0;
            for (int kh = 0; kh < w.k_h; kh++) {
                for (int kw = 0; kw < w.k_w; kw++) {
                    long ih = (long) oh * w.stride_h - w.pad_top + (long) kh * w.dilation_h;
                    long iw = (long) ow * w.stride_w - w.pad_left + (long) kw * w.dilation_w;
                    if (ih < 0 || ih >= w.in_h || iw < 0 || iw >= w.in_w) {
                        continue;
                    }
                    int8_t xv = x[c * in_plane + ih * w.in_w + iw], wv = filters[c * taps + kh * w.k_w + kw];
                    sum += (uint32_t) ((x_signed ? xv : (uint8_t) xv) - x_zero)
                            * (uint32_t) ((w_signed ? wv : (uint8_t) wv) - zero);
                }
            }
            expected[p] = (int32_t) (sum + (uint32_t) bias[c]);
            if (sums[c * out_plane + p] != (int32_t) sum) {
                fprintf(stderr, "%s depthwise %dx%ldx%ld: sum[%d][%ld] = %d, expected %d\n", kernels->name, channels,
                        (long) w.in_h, (long) w.in_w, c, p, sums[c * out_plane + p], (int32_t) sum);
                failures++;
                break;
            }
        }
        qe_requantize(1, (int) out_plane, expected, out_plane, NULL, multipliers + (per_channel ? c : 0), 0,
                      rq.zero_point, out_signed, half_to_even, expected_out, out_plane);
        for (long p = 0; p < out_plane && failures == 0; p++) {
            if (out[c * out_plane + p] != expected_out[p]) {
                fprintf(stderr, "%s depthwise %dx%ldx%ld requantized: out[%d][%ld] = %d, expected %d\n",
                        kernels->name, channels, (long) w.in_h, (long) w.in_w, c, p, out[c * out_plane + p],
                        expected_out[p]);
                failures++;
            }
        }
    }
    free(x); free(filters); free(zeros); free(bias); free(multipliers); free(packed); free(image); free(workspace);
    free(sums); free(out); free(expected); free(expected_out);
    return failures;
}

/* Requantization (one implementation for all variants) against its definition, ties and NaN included. */
static int check_requantize(void) {
    enum { N = 67 };
    static const float specials[] = {NAN, INFINITY, -INFINITY, 0.5f, -0.5f, 0.25f, 1e30f, 0.0f};
    int32_t acc[N], bias[N];
    float multiplier[N];
    int8_t out[N];
    int failures = 0;
    for (int trial = 0; trial < 4000 && failures == 0; trial++) {
        int per_column = trial & 1, with_bias = trial >> 1 & 1, out_signed = trial >> 2 & 1;
        int zero = out_signed ? (int) (next_random() % 256) - 128 : (int) (next_random() % 256);
        for (int j = 0; j < N; j++) {
            acc[j] = (int32_t) next_random() >> (next_random() % 32);
            bias[j] = (int32_t) (next_random() % 2001) - 1000;
            multiplier[j] = next_random() % 11 == 0 ? specials[next_random() % 8]
                    : (float) ldexp((next_random() % 100000) / 100000.0, -(int) (next_random() % 16));
        }
        qe_requantize(1, N, acc, N, with_bias ? bias : NULL, multiplier, per_column, zero, out_signed, 1, out, N);
        for (int j = 0; j < N; j++) {
            uint32_t sum = (uint32_t) acc[j] + (with_bias ? (uint32_t) bias[j] : 0u);
            float scaled = (float) (int32_t) sum * multiplier[per_column ? j : 0];
            double shifted = (scaled != scaled ? 0.0 : rint((double) scaled)) + zero;
            double low = out_signed ? -128 : 0, high = out_signed ? 127 : 255;
            int expected = (int) (shifted < low ? low : shifted > high ? high : shifted);
            if (out[j] != (int8_t) expected) {
                fprintf(stderr, "requantize: %d x %g + %d gave %d, expected %d\n", (int32_t) sum,
                        multiplier[per_column ? j : 0], zero, out[j], expected);
                failures++;
                break;
            }
        }
    }
    return failures;
}

/* Each variant named on the command line must have been checked, not skipped as unsupported. */
static int missing_variants(int count, char **labels) {
    int missing = 0;
    for (int i = 0; i < count; i++) {
        int found = 0;
        for (int variant = 0; variant < QE_VARIANT_COUNT; variant++) {
            const qe_kernel_set *kernels = qe_kernel_set_for(variant);
            found |= kernels != NULL && strcmp(kernels->name, labels[i]) == 0;
        }
        if (!found) {
            fprintf(stderr, "kernel_check: variant %s is required but this CPU (or emulator) lacks it\n", labels[i]);
            missing++;
        }
    }
    return missing;
}

int main(int argc, char **argv) {
    static const int shapes[][3] = {{1, 1, 1}, {1, 17, 5}, {3, 16, 4}, {9, 33, 67}, {17, 48, 129}, {2, 7, 300},
                                    {1, 64, 1024}, {13, 31, 3}, {1, 9, 300}};
    int failures = 0, variants = 0;
    for (int variant = 0; variant < QE_VARIANT_COUNT; variant++) {
        const qe_kernel_set *kernels = qe_kernel_set_for(variant);
        if (kernels == NULL) {
            continue;
        }
        variants++;
        for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
            int m = shapes[s][0], n = shapes[s][1], k = shapes[s][2];
            for (int combo = 0; combo < 8; combo++) {
                failures += check_int8(kernels, m, n, k, combo & 1, combo >> 1 & 1, combo >> 2 & 1);
            }
            failures += check_float(kernels, m, n, k);
            failures += check_int4(kernels, m, n, k, 16, 0);
            failures += check_int4(kernels, m, n, k, 32, 1);
            failures += check_int4(kernels, m, n, k, 128, 1);
            failures += check_int4q8(kernels, m, n, k, 16, 1);
            failures += check_int4q8(kernels, m, n, k, 32, 0);
            failures += check_int4q8(kernels, m, n, k, 64, 1);
            failures += check_int4q8(kernels, m, n, k, 256, 0);
        }
        /* Int8 at every row count to 37, so every row tail of kernels taking rows in blocks of up to
           32; K with odd group counts, with and without a tail beyond a multiple of 16 groups; N with
           a partial or odd last panel and without. */
        static const int ks[] = {1, 3, 4, 5, 63, 64, 65, 67, 127, 129, 131, 256, 257, 300, 1024, 1029};
        static const int ns[] = {1, 15, 16, 17, 31, 32, 33, 47, 64, 100};
        for (int m = 1; m <= 37; m++) {
            for (int t = 0; t < 2; t++) {
                int k = ks[(m + 7 * t) % 16], n = ns[(3 * m + t) % 10];
                for (int combo = 0; combo < 8; combo++) {
                    failures += check_int8(kernels, m, n, k, combo & 1, combo >> 1 & 1, combo >> 2 & 1);
                }
            }
        }
        /* Depthwise: 3x3 at strides 1 and 2 in MobileNet's and small planes, widths around 16 and 48,
           5x5, 7x7, 1x1, 3x1, 1x3, dilation 2, asymmetric pads and pads beyond the kernel's reach,
           one-row and one-column images, a long kernel; every type combination, rounding and output type. */
        static const int windows[][13] = {
            {16, 12, 12, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1}, {16, 12, 12, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1},
            {17, 13, 13, 3, 3, 2, 2, 1, 1, 0, 0, 1, 1}, {32, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},
            {3, 5, 15, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1}, {3, 5, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},
            {3, 5, 17, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1}, {2, 4, 47, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},
            {2, 4, 49, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1}, {3, 11, 9, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2},
            {3, 11, 9, 5, 5, 2, 2, 1, 1, 2, 2, 2, 2}, {2, 14, 15, 7, 7, 1, 1, 1, 1, 3, 3, 3, 3},
            {5, 7, 9, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0}, {4, 9, 8, 3, 1, 1, 1, 1, 1, 1, 0, 1, 0},
            {4, 9, 8, 1, 3, 1, 1, 1, 1, 0, 1, 0, 1}, {3, 10, 11, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2},
            {3, 10, 11, 3, 3, 2, 2, 2, 2, 2, 2, 2, 2}, {3, 10, 11, 3, 3, 1, 1, 1, 3, 1, 3, 1, 3},
            {3, 8, 9, 3, 3, 1, 1, 1, 1, 0, 2, 1, 0}, {3, 8, 9, 3, 3, 2, 1, 1, 1, 2, 0, 0, 1},
            {2, 5, 5, 3, 3, 1, 1, 1, 1, 4, 5, 4, 6}, {2, 4, 4, 3, 3, 2, 2, 1, 1, 5, 5, 5, 5},
            {3, 10, 10, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1}, {3, 1, 37, 1, 3, 1, 1, 1, 1, 0, 1, 0, 1},
            {3, 37, 1, 3, 1, 1, 1, 1, 1, 1, 0, 1, 0}, {2, 1, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},
            {1, 2, 300, 1, 200, 1, 1, 1, 1, 0, 0, 0, 0}, {4, 48, 48, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1},
            {2, 3, 2000, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},
        };
        for (size_t s = 0; s < sizeof windows / sizeof windows[0]; s++) {
            for (int combo = 0; combo < 32; combo++) {
                failures += check_depthwise(kernels, windows[s], combo & 1, combo >> 1 & 1, combo >> 2 & 1,
                                            combo >> 3 & 1, combo >> 4 & 1);
            }
        }
        printf("kernel_check: variant %s checked\n", kernels->name);
    }
    failures += check_requantize();
    failures += missing_variants(argc - 1, argv + 1);
    printf("kernel_check: %d variant(s) and requantization, %d failure(s)\n", variants, failures);
    return failures == 0 ? 0 : 1;
}
