/*
 * Depthwise convolution, written once with GCC vector types and compiled once per ISA like
 * float_kernels.c: 16 consecutive outputs of a channel (oh * columns + ow, see qe_depthwise_layout)
 * are one vector of int32 sums; each tap adds its 16 input bytes, widened, times the tap's weight,
 * contiguous loads for every stride and dilation because the image was split by stride phase. A row
 * block of sums is then requantized in vectors and its rows copied out without the columns past
 * out_w.
 *
 * Exactness: the sum is started at bias - x_zero * sum(w - w_zero) and the taps add x * (w - w_zero),
 * so it equals bias + sum (x - x_zero)(w - w_zero) modulo 2^32, the reference's wrapping int32 sum;
 * padding holds x_zero and adds 0. Each product fits 16 bits by 16 bits, which the x86 variants
 * exploit (vpmaddwd, vpdpwssd: one instruction where vpmulld is two).
 */
#include <string.h>
#include "kernels.h"
#include "vector_types.h"

/*
 * Vectors of outputs summed side by side: a multiply-add waits for the one before it on the same
 * sum (5 cycles for vpdpwssd), so independent sums keep the unit busy. As many as the registers hold
 * with the 9 weights of a 3x3 kernel: 4 zmm, 2 x 2 ymm, 2 x 4 NEON registers.
 */
#if defined(__AVX512F__)
#define STEP 4
#elif defined(__AVX2__) || defined(__ARM_NEON)
#define STEP 2
#else
#define STEP 1
#endif

/* acc += x * w for every lane, where x (a widened byte) and w (a byte difference) fit int16. */
static inline __attribute__((always_inline)) void multiply_add(v16i *acc, const v16i *x, int32_t w) {
#if defined(__AVX512VNNI__)
    /* Lanes of 32 bits as pairs of 16: x's low half times w plus x's high half times 0. */
    __m512i sums, values;
    __builtin_memcpy(&sums, acc, sizeof sums);
    __builtin_memcpy(&values, x, sizeof values);
    sums = _mm512_dpwssd_epi32(sums, values, _mm512_set1_epi32(w & 0xFFFF));
    __builtin_memcpy(acc, &sums, sizeof sums);
#elif defined(__AVX2__)
    __m256i sums[2], values[2];
    __builtin_memcpy(sums, acc, sizeof sums);
    __builtin_memcpy(values, x, sizeof values);
    __m256i weight = _mm256_set1_epi32(w & 0xFFFF);
    sums[0] = _mm256_add_epi32(sums[0], _mm256_madd_epi16(values[0], weight));
    sums[1] = _mm256_add_epi32(sums[1], _mm256_madd_epi16(values[1], weight));
    __builtin_memcpy(acc, sums, sizeof sums);
#else
    *acc += *x * w;
#endif
}

/*
 * Sums of `positions` outputs (rounded up to whole vectors) from `image` (a channel's image moved to
 * the block's first row), each starting at `start`: STEP vectors at a time, then the last ones one
 * by one with the taps spread over three partial sums. TAPS is a constant for the common kernels, so
 * the tap loops unroll and the weights and offsets stay in registers; 0 means `taps` taps.
 */
static inline __attribute__((always_inline)) void sum_block(const uint8_t *image, const int64_t *restrict offsets,
                                                            const int32_t *restrict weights, int taps, int x_signed,
                                                            uint32_t start, int64_t positions,
                                                            int32_t *restrict sums, const int TAPS) {
    int count = TAPS != 0 ? TAPS : taps;
    v16i first = (v16i){0} + (int32_t) start;
    int64_t p = 0;
    for (; p + 16 * STEP <= positions; p += 16 * STEP) {
        v16i acc[STEP];
        for (int s = 0; s < STEP; s++) {
            acc[s] = first;
        }
        for (int t = 0; t < count; t++) {
            for (int s = 0; s < STEP; s++) {
                v16i x;
                qe_widen_bytes(image + offsets[t] + p + 16 * s, x_signed, &x);
                multiply_add(&acc[s], &x, weights[t]);
            }
        }
        for (int s = 0; s < STEP; s++) {
            *(v16i_unaligned *) (sums + p + 16 * s) = acc[s];
        }
    }
    if (STEP > 2 && p + 32 <= positions) {
        v16i acc[2] = {first, first};
        for (int t = 0; t < count; t++) {
            for (int s = 0; s < 2; s++) {
                v16i x;
                qe_widen_bytes(image + offsets[t] + p + 16 * s, x_signed, &x);
                multiply_add(&acc[s], &x, weights[t]);
            }
        }
        *(v16i_unaligned *) (sums + p) = acc[0];
        *(v16i_unaligned *) (sums + p + 16) = acc[1];
        p += 32;
    }
    for (; p < positions; p += 16) {
        v16i partial[3] = {first, (v16i){0}, (v16i){0}};
        for (int t = 0; t < count; t++) {
            v16i x;
            qe_widen_bytes(image + offsets[t] + p, x_signed, &x);
            multiply_add(&partial[t % 3], &x, weights[t]);
        }
        *(v16i_unaligned *) (sums + p) = partial[0] + partial[1] + partial[2];
    }
}

/* sum_block with the input's signedness and the kernel sizes MobileNet-style networks use as constants. */
static void sum_block_any(const uint8_t *image, const int64_t *offsets, const int32_t *weights, int taps,
                          int x_signed, uint32_t start, int64_t positions, int32_t *sums) {
    if (x_signed) {
        switch (taps) {
            case 9: sum_block(image, offsets, weights, taps, 1, start, positions, sums, 9); return;
            case 25: sum_block(image, offsets, weights, taps, 1, start, positions, sums, 25); return;
            default: sum_block(image, offsets, weights, taps, 1, start, positions, sums, 0); return;
        }
    }
    switch (taps) {
        case 9: sum_block(image, offsets, weights, taps, 0, start, positions, sums, 9); return;
        case 25: sum_block(image, offsets, weights, taps, 0, start, positions, sums, 25); return;
        default: sum_block(image, offsets, weights, taps, 0, start, positions, sums, 0); return;
    }
}

typedef int8_t v16i8 __attribute__((vector_size(16)));

/*
 * 16 sums requantized half to even, the zero point inside the output range: requantize.c's
 * branch-free loop (NaN to 0, clamp to [low - zero, high - zero], round with the magic number, add
 * the zero point) written on whole vectors. The compiler vectorises that loop only from 64 values
 * in a 512-bit unit, which would leave every plane up to 8 x 8 to its scalar tail.
 */
static inline __attribute__((always_inline)) void requantize_vector_to_even(const int32_t *sums, float multiplier,
                                                                            float lowest, float highest,
                                                                            int32_t zero_point, int8_t *bytes) {
    v16i sum = *(const v16i_unaligned *) sums;
    v16f scaled = __builtin_convertvector(sum, v16f) * multiplier;
    /* NaN to 0, then the clamp, as masks: C has no vector ?: (nor min and max). */
    v16i bits = (v16i) scaled & (scaled == scaled);
    v16i below = (v16f) bits < lowest;
    bits = (bits & ~below) | ((v16i) ((v16f){0} + lowest) & below);
    v16i above = (v16f) bits > highest;
    bits = (bits & ~above) | ((v16i) ((v16f){0} + highest) & above);
    v16f rounded = ((v16f) bits + QE_ROUNDING_MAGIC) - QE_ROUNDING_MAGIC;
    v16i8 narrow = __builtin_convertvector(__builtin_convertvector(rounded, v16i) + zero_point, v16i8);
    __builtin_memcpy(bytes, &narrow, sizeof narrow);
}

/* `values` sums (a whole number of vectors) requantized for channel c into `bytes`. */
static void requantize_block(const int32_t *sums, int64_t values, const qe_requantization *rq, int c,
                             int8_t *bytes) {
    const float *multiplier = rq->multiplier + (rq->per_channel_multiplier ? c : 0);
    int32_t low = rq->out_signed ? -128 : 0;
    if (rq->half_to_even && rq->zero_point >= low && rq->zero_point <= low + 255) {
        float lowest = (float) (low - rq->zero_point);
        float highest = (float) (low + 255 - rq->zero_point);
        for (int64_t p = 0; p < values; p += 16) {
            requantize_vector_to_even(sums + p, *multiplier, lowest, highest, rq->zero_point, bytes + p);
        }
    } else {
        qe_requantize(1, (int) values, sums, values, NULL, multiplier, 0, rq->zero_point, rq->out_signed,
                      rq->half_to_even, bytes, values);
    }
}

/*
 * `rows` rows of `width` values (`size` bytes each), `stride` apart in `from`, packed together into
 * `to`. Short rows (small planes, where there are many channels) are copied in a loop: a memcpy
 * call for each would cost more than the row's sums.
 */
static void copy_rows(const char *from, int64_t stride, int rows, int width, size_t size, char *to) {
    size_t bytes = (size_t) width * size;
    if (stride == width) {
        memcpy(to, from, (size_t) rows * bytes);
    } else if (bytes < 32) {
        for (int r = 0; r < rows; r++) {
            for (size_t b = 0; b < bytes; b++) {
                to[r * bytes + b] = from[(size_t) (r * stride) * size + b];
            }
        }
    } else {
        for (int r = 0; r < rows; r++) {
            memcpy(to + r * bytes, from + (size_t) (r * stride) * size, bytes);
        }
    }
}

void QE_NAME(qe_depthwise)(const qe_depthwise_filters *filters, const qe_conv_window *w,
                           const qe_depthwise_layout *layout, const uint8_t *image, int first, int count,
                           int x_signed, int32_t x_zero_point, const qe_requantization *rq, void *out,
                           void *workspace) {
    int taps = filters->taps;
    qe_depthwise_workspace work = qe_depthwise_workspace_in(layout, taps, workspace);
    for (int kh = 0, t = 0; kh < w->k_h; kh++) {
        for (int kw = 0; kw < w->k_w; kw++, t++) {
            int64_t down = (int64_t) kh * w->dilation_h;
            int64_t right = (int64_t) kw * w->dilation_w;
            int64_t phase = down % w->stride_h * w->stride_w + right % w->stride_w;
            work.offsets[t] = phase * layout->plane + down / w->stride_h * layout->columns + right / w->stride_w;
        }
    }
    int64_t out_plane = (int64_t) w->out_h * w->out_w;
    size_t out_size = rq == NULL ? sizeof(int32_t) : 1;
    for (int i = 0; i < count; i++) {
        int c = first + i;
        const uint8_t *channel = image + i * layout->channel;
        const int32_t *weights = filters->weights + (int64_t) c * taps;
        /* In uint32, where C defines the wraparound the int32 sums have. */
        uint32_t start = (rq != NULL && rq->bias != NULL ? (uint32_t) rq->bias[c] : 0u)
                - (uint32_t) x_zero_point * (uint32_t) filters->weight_sums[c];
        char *plane = (char *) out + (size_t) (i * out_plane) * out_size;
        for (int oh = 0; oh < w->out_h; oh += layout->row_block) {
            int rows = w->out_h - oh < layout->row_block ? w->out_h - oh : layout->row_block;
            int64_t positions = (int64_t) rows * layout->columns;
            sum_block_any(channel + (int64_t) oh * layout->columns, work.offsets, weights, taps, x_signed, start,
                          positions, work.sums);
            char *to = plane + (size_t) ((int64_t) oh * w->out_w) * out_size;
            if (rq == NULL) {
                copy_rows((const char *) work.sums, layout->columns, rows, w->out_w, out_size, to);
            } else {
                requantize_block(work.sums, (positions + 15) / 16 * 16, rq, c, work.bytes);
                copy_rows((const char *) work.bytes, layout->columns, rows, w->out_w, out_size, to);
            }
        }
    }
}

typedef uint8_t v16u8 __attribute__((vector_size(16)));

/*
 * dst[j] = src[2 * j] for j in [0, count), src holding `available` bytes (2 * count - 1 or more):
 * 16 at a time from two 16-byte loads and a shuffle (8 at a time from one, for shorter rows), the
 * last chunk overlapping the one before rather than running past the row (which would overwrite the
 * next row's padding), and loaded a byte early where the row ends on the last even byte. Phase rows
 * are a few dozen bytes, shorter than a compiler's vector loop for a 512-bit unit takes before it
 * leaves its scalar tail.
 */
static void copy_even_bytes(uint8_t *dst, const uint8_t *src, int64_t count, int64_t available) {
    const v16u8 evens = {0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30};
    const v16u8 odds = evens + 1;
    int64_t j = 0;
    if (count >= 8 && count < 16 && (count > 8 || available >= 16)) {
        /* Two 8-byte halves of one shuffle, the second overlapping the first. */
        for (int chunk = 0; chunk < 2; chunk++) {
            j = chunk == 0 ? 0 : count - 8;
            int early = 2 * j + 16 > available;
            v16u8 bytes;
            __builtin_memcpy(&bytes, src + 2 * j - early, sizeof bytes);
            v16u8 even = __builtin_shuffle(bytes, early ? odds : evens);
            __builtin_memcpy(dst + j, &even, 8);
        }
        return;
    }
    if (count > 16 || (count == 16 && available >= 32)) {
        for (;; j += 16) {
            j = j + 16 > count ? count - 16 : j;
            int early = 2 * j + 32 > available;
            v16u8 low, high;
            __builtin_memcpy(&low, src + 2 * j - early, sizeof low);
            __builtin_memcpy(&high, src + 2 * j - early + 16, sizeof high);
            v16u8 even = __builtin_shuffle(low, high, early ? odds : evens);
            __builtin_memcpy(dst + j, &even, sizeof even);
            if (j + 16 == count) {
                return;
            }
        }
    }
    for (; j < count; j++) {
        dst[j] = src[2 * j];
    }
}

/* dst[j] = src[j * stride] for j in [0, count), src holding `available` bytes. */
static void copy_strided(uint8_t *dst, const uint8_t *src, int64_t count, int stride, int64_t available) {
    if (stride == 1) {
        memcpy(dst, src, (size_t) count);
    } else if (stride == 2) {
        copy_even_bytes(dst, src, count, available);
    } else {
        for (int64_t j = 0; j < count; j++) {
            dst[j] = src[j * stride];
        }
    }
}

/* Number of j >= 0 with j * stride < limit (0 when limit <= 0). */
static int64_t count_below(int64_t limit, int stride) {
    return limit <= 0 ? 0 : (limit + stride - 1) / stride;
}

void QE_NAME(qe_depthwise_prepare)(const qe_conv_window *w, const qe_depthwise_layout *layout, const uint8_t *x,
                                   int channels, uint8_t pad, uint8_t *image) {
    /* Everything padding first, in one pass; then each phase row copies the input columns it holds. */
    memset(image, pad, (size_t) (layout->channel * channels));
    int64_t in_plane = (int64_t) w->in_h * w->in_w;
    for (int b = 0; b < w->stride_w; b++) {
        /* Phase columns j read input column j * stride_w + b - pad_left: those from `first` to `end` exist. */
        int64_t first = count_below((int64_t) w->pad_left - b, w->stride_w);
        int64_t end = count_below((int64_t) w->in_w + w->pad_left - b, w->stride_w);
        end = end < layout->columns ? end : layout->columns;
        if (first >= end) {
            continue;
        }
        int64_t column = first * w->stride_w + b - w->pad_left;
        for (int a = 0; a < w->stride_h; a++) {
            int64_t phase = (int64_t) a * w->stride_w + b;
            /* Phase rows i read input row i * stride_h + a - pad_top: those from `top` to `bottom` exist. */
            int64_t top = count_below((int64_t) w->pad_top - a, w->stride_h);
            int64_t bottom = count_below((int64_t) w->in_h + w->pad_top - a, w->stride_h);
            bottom = bottom < layout->rows ? bottom : layout->rows;
            for (int c = 0; c < channels; c++) {
                const uint8_t *source = x + c * in_plane + column;
                uint8_t *target = image + c * layout->channel + phase * layout->plane + first;
                for (int64_t i = top; i < bottom; i++) {
                    copy_strided(target + i * layout->columns, source + (i * w->stride_h + a - w->pad_top) * w->in_w,
                                 end - first, w->stride_w, w->in_w - column);
                }
            }
        }
    }
}
