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
        printf("kernel_check: variant %s checked\n", kernels->name);
    }
    failures += check_requantize();
    failures += missing_variants(argc - 1, argv + 1);
    printf("kernel_check: %d variant(s) and requantization, %d failure(s)\n", variants, failures);
    return failures == 0 ? 0 : 1;
}
