/*
 * The packed weight layouts and the per-ISA kernel entry points. Every ISA variant computes from the
 * same packed layouts, so a matrix packed once works with whichever variant the CPU runs.
 */
#ifndef QUANTEDGE_KERNELS_H
#define QUANTEDGE_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/* Columns per panel: one 512-bit register of int32 or float lanes. */
#define QE_PANEL 16
/* K values per int8 group: the four bytes one vpdpbusd / sdot lane sums. */
#define QE_KGROUP 4

/*
 * Int8 weights as unsigned bytes B' = B + 128 (int8 weights) or B (uint8 weights), in panels of 16
 * columns; within a panel, groups of 4 consecutive K rows, each group 64 bytes ordered column-major
 * (byte 4 * c + r is B'[4g + r][16q + c]). K and N are padded with zeros to whole groups and panels.
 */
typedef struct {
    int64_t bytes;          /* the whole allocation, header included; first in every packed type */
    int32_t k, n;           /* logical shape */
    int32_t k_groups;       /* ceil(k / 4) */
    int32_t panels;         /* ceil(n / 16) */
    int32_t b_offset;       /* 128 for int8 weights (B' = B + 128), 0 for uint8 */
    int32_t *column_sums;   /* sum over K of B'[.][j], per padded column */
    int32_t *zero_points;   /* per column, as given */
    uint8_t *data;          /* panels * k_groups * 64 bytes, 64-byte aligned */
} qe_int8_matrix;

/* Float weights in panels of 16 columns, each panel k rows of 16 floats, zero-padded. */
typedef struct {
    int64_t bytes;          /* the whole allocation, header included; first in every packed type */
    int32_t k, n, panels;
    float *data;
} qe_float_matrix;

/* MatMulNBits weights: the nibbles as given, one scale and one (unpacked) zero point per block. */
typedef struct {
    int64_t bytes;          /* the whole allocation, header included; first in every packed type */
    int32_t k, n, block_size, blocks;
    uint8_t *quantized;     /* n * blocks * block_size / 2 */
    float *scales;          /* n * blocks */
    uint8_t *zero_points;   /* n * blocks, one value per byte */
} qe_int4_matrix;

/*
 * MatMulNBits weights for int8 activations, read in chunks of 64 bytes (128 values, one 512-bit
 * load): each column's nibbles as given (value 2t in the low, 2t + 1 in the high nibble of byte t),
 * zero-padded to whole chunks; per column, the block scales and zero points (one byte each) padded
 * with zeros to block_stride entries, and 16 more at the very end so a whole vector can be loaded
 * from any block.
 */
typedef struct {
    int64_t bytes;          /* the whole allocation, header included; first in every packed type */
    int32_t k, n, block_size, blocks;
    int32_t block_shift;    /* log2(block_size) */
    int32_t chunks;         /* per column: ceil(blocks * block_size / 128) */
    int32_t block_stride;   /* scales and zero points per column, >= every block a chunk touches */
    int32_t default_zero;   /* 1 when no zero points were given (all 8) */
    uint8_t *quantized;     /* n * chunks * 64 */
    float *scales;          /* n * block_stride + 16 */
    uint8_t *zero_points;   /* n * block_stride + 16 */
} qe_int4q8_matrix;

/*
 * Rows of A quantized for qe_int4q8_matrix: per row, per chunk, the 64 even-indexed then the 64
 * odd-indexed int8 values (so they line up with low and high nibbles), and per 8-value lane the
 * activation scale of its block and the sum of its 8 quantized values (for the zero points).
 */
typedef struct {
    int8_t *values;         /* m * chunks * 128 */
    float *lane_scales;     /* m * chunks * 16 */
    int32_t *lane_sums;     /* m * chunks * 16 */
} qe_int4q8_rows;

/*
 * Depthwise filters: per channel, its taps minus the channel's zero point as int32 (so the kernels
 * multiply without subtracting; with zero points of the filters' type each fits 16 bits), and the
 * sum of those, which folds the input zero point into each output's starting value.
 */
typedef struct {
    int64_t bytes;          /* the whole allocation, header included; first in every packed type */
    int32_t channels, taps;
    int32_t *weights;       /* channels * taps */
    int32_t *weight_sums;   /* channels */
} qe_depthwise_filters;

/* A convolution window over one image plane, as ConvWindow.java has it. */
typedef struct {
    int32_t in_h, in_w, k_h, k_w, stride_h, stride_w, dilation_h, dilation_w, pad_top, pad_left, out_h, out_w;
} qe_conv_window;

/*
 * How the depthwise kernels see a channel's image: padded (with the input zero point, so padding
 * contributes (zero - zero) x w = 0) and split into stride_h x stride_w phase planes, phase (a, b)
 * holding padded rows a, a + stride_h, ... and columns b, b + stride_w, .... Tap (kh, kw) of output
 * (oh, ow) is then element (oh + kh * dilation_h / stride_h, ow + kw * dilation_w / stride_w) of
 * phase (kh * dilation_h % stride_h, kw * dilation_w % stride_w): with outputs numbered
 * oh * columns + ow, every tap reads a contiguous run, whatever the stride and dilation. Columns
 * from out_w on are computed and thrown away.
 */
typedef struct {
    int32_t rows, columns;  /* of each phase plane: out_h (out_w) plus the kernel's reach in its phase */
    int64_t plane;          /* rows * columns */
    int64_t channel;        /* bytes per channel: stride_h * stride_w * plane */
    int32_t row_block;      /* output rows summed at a time, so the int32 sums stay in the L1 cache */
} qe_depthwise_layout;

/* How a depthwise convolution requantizes (Int8GemmKernel.requantize per channel). */
typedef struct {
    const int32_t *bias;        /* per channel, or NULL */
    const float *multiplier;    /* one, or one per channel */
    int per_channel_multiplier;
    int32_t zero_point;
    int out_signed;
    int half_to_even;
} qe_requantization;

/*
 * dot[i][j] = sum over p of A'[i][p] * B'[p][j0 + j] in wrapping int32, for panels [first_panel,
 * first_panel + panel_count). A' is m rows of k_groups * 4 signed bytes (zero-padded); dot has
 * panel_count * 16 columns.
 */
typedef void (*qe_int8_dot_fn)(const qe_int8_matrix *b, const int8_t *a, int m, int first_panel,
                               int panel_count, int32_t *dot);

/* c[i][j] = sum over p of a[i][p] * B[p][j] for panels [first_panel, +panel_count); a dense m x k. */
typedef void (*qe_float_gemm_fn)(const qe_float_matrix *b, const float *a, int m, int first_panel,
                                  int panel_count, float *c);

/* c[i][j] for columns [j0, j1) (c has j1 - j0 columns); a has m rows of blocks * block_size floats, zero-padded.
   Returns 0, or -1 when out of memory. */
typedef int (*qe_int4_matmul_fn)(const qe_int4_matrix *w, const float *a, int m, int j0, int j1, float *c);

/* c[i][j] for columns [j0, j1) (c has j1 - j0 columns) from m prepared rows. */
typedef void (*qe_int4q8_matmul_fn)(const qe_int4q8_matrix *w, const qe_int4q8_rows *a, int m, int j0, int j1,
                                    float *c);

/* Pads and splits `channels` consecutive planes of x into `image`; pad is the input zero point's byte. */
typedef void (*qe_depthwise_prepare_fn)(const qe_conv_window *window, const qe_depthwise_layout *layout,
                                        const uint8_t *x, int channels, uint8_t pad, uint8_t *image);

/*
 * Depthwise convolution of channels [first, first + count): image holds those channels as
 * depthwise_prepare made them, out their output planes (int32 sums when requantization is NULL,
 * else requantized bytes); filters, bias and multipliers are indexed by channel number. workspace
 * has qe_depthwise_workspace_bytes, 64-byte aligned.
 */
typedef void (*qe_depthwise_fn)(const qe_depthwise_filters *filters, const qe_conv_window *window,
                                const qe_depthwise_layout *layout, const uint8_t *image, int first, int count,
                                int x_signed, int32_t x_zero_point, const qe_requantization *requantization,
                                void *out, void *workspace);

typedef struct {
    const char *name;
    qe_int8_dot_fn int8_dot;
    qe_float_gemm_fn float_gemm;
    qe_int4_matmul_fn int4_matmul;
    qe_int4q8_matmul_fn int4q8_matmul;
    qe_depthwise_prepare_fn depthwise_prepare;
    qe_depthwise_fn depthwise;
} qe_kernel_set;

/* Variant ids, shared with KernelVariant.java. */
enum {
    QE_VARIANT_PORTABLE = 0,
    QE_VARIANT_AVX2 = 1,
    QE_VARIANT_AVX512_VNNI = 2,
    QE_VARIANT_NEON = 3,
    QE_VARIANT_DOTPROD = 4,
    QE_VARIANT_AMX = 5,
    QE_VARIANT_I8MM = 6,
    QE_VARIANT_COUNT = 7
};

/* Bit i set when variant i is compiled in and the CPU and OS support it. */
uint32_t qe_supported_variants(void);
/* The kernels of a supported variant, or NULL. */
const qe_kernel_set *qe_kernel_set_for(int variant);

/* 1.5 * 2^23: for |x| <= 2^22, (x + MAGIC) - MAGIC is x rounded to an integer, ties to even (MAGIC is even). */
#define QE_ROUNDING_MAGIC 12582912.0f

void qe_requantize(int m, int n, const int32_t *acc, long ld_acc, const int32_t *bias, const float *multiplier,
                   int per_column_multiplier, int out_zero_point, int out_signed, int half_to_even, int8_t *out,
                   long ld_out);

/* Per-variant kernels (defined in the per-ISA translation units). */
#define QE_DECLARE_VARIANT(suffix)                                                                   \
    void qe_int8_dot_##suffix(const qe_int8_matrix *, const int8_t *, int, int, int, int32_t *);    \
    void qe_float_gemm_##suffix(const qe_float_matrix *, const float *, int, int, int, float *);    \
    int qe_int4_matmul_##suffix(const qe_int4_matrix *, const float *, int, int, int, float *);      \
    void qe_int4q8_matmul_##suffix(const qe_int4q8_matrix *, const qe_int4q8_rows *, int, int, int, float *); \
    void qe_depthwise_prepare_##suffix(const qe_conv_window *, const qe_depthwise_layout *, const uint8_t *, int,   \
                                       uint8_t, uint8_t *);                                                       \
    void qe_depthwise_##suffix(const qe_depthwise_filters *, const qe_conv_window *, const qe_depthwise_layout *, \
                               const uint8_t *, int, int, int, int32_t, const qe_requantization *, void *, void *);
QE_DECLARE_VARIANT(portable)
QE_DECLARE_VARIANT(avx2)
QE_DECLARE_VARIANT(avx512vnni)
QE_DECLARE_VARIANT(neon)
QE_DECLARE_VARIANT(dotprod)
/* Variants with only an int8 kernel of their own: AMX reuses avx512vnni's others, i8mm dotprod's. */
void qe_int8_dot_amx(const qe_int8_matrix *, const int8_t *, int, int, int, int32_t *);
void qe_int8_dot_i8mm(const qe_int8_matrix *, const int8_t *, int, int, int, int32_t *);

/* Packing (packing.c): one 64-byte aligned allocation each, released with free(); NULL when out of memory. */
qe_int8_matrix *qe_pack_int8(const int8_t *b, long ldb, int k, int n, int is_signed, const int32_t *zero_points,
                             int zero_point_count);
qe_float_matrix *qe_pack_float(const float *b, long ldb, int k, int n);
qe_int4_matrix *qe_pack_int4(const uint8_t *quantized, const float *scales, const uint8_t *zero_points, int k, int n,
                             int block_size);

qe_int4q8_matrix *qe_pack_int4q8(const uint8_t *quantized, const float *scales, const uint8_t *zero_points, int k,
                                 int n, int block_size);
/* Filters of `channels` x `taps` (signed or not) with one zero point for all or one per channel. */
qe_depthwise_filters *qe_pack_depthwise(const int8_t *filters, int channels, int taps, int is_signed,
                                        const int32_t *zero_points, int zero_point_count);

/* The depthwise image layout for a window (depthwise_layout.c); -1 when its sizes do not fit 64 bits. */
int qe_depthwise_layout_of(const qe_conv_window *window, qe_depthwise_layout *layout);
/* Bytes of the prepared image of `channels` channels, including what the kernels read past its end. */
int64_t qe_depthwise_image_bytes(const qe_depthwise_layout *layout, int channels);

/*
 * A depthwise kernel's working memory: each tap's offset into a channel's image, a row block of sums,
 * and the same requantized to bytes.
 */
typedef struct {
    int64_t *offsets;
    int32_t *sums;
    int8_t *bytes;
} qe_depthwise_workspace;

/* Sums and bytes have a vector more than a row block, for the last vector's overhang. */
static inline int64_t qe_depthwise_block_values(const qe_depthwise_layout *layout) {
    return (int64_t) layout->row_block * layout->columns + 16;
}

static inline int64_t qe_depthwise_offsets_bytes(int taps) {
    return ((int64_t) taps * (int64_t) sizeof(int64_t) + 63) / 64 * 64;
}

static inline int64_t qe_depthwise_sums_bytes(const qe_depthwise_layout *layout) {
    return (qe_depthwise_block_values(layout) * (int64_t) sizeof(int32_t) + 63) / 64 * 64;
}

/* Bytes of a depthwise kernel's workspace for this layout and kernel size. */
static inline int64_t qe_depthwise_workspace_bytes(const qe_depthwise_layout *layout, int taps) {
    return qe_depthwise_offsets_bytes(taps) + qe_depthwise_sums_bytes(layout) + qe_depthwise_block_values(layout);
}

/* The parts of a workspace at `memory` (64-byte aligned). */
static inline qe_depthwise_workspace qe_depthwise_workspace_in(const qe_depthwise_layout *layout, int taps,
                                                               void *memory) {
    char *sums = (char *) memory + qe_depthwise_offsets_bytes(taps);
    qe_depthwise_workspace parts = {memory, (int32_t *) sums, (int8_t *) (sums + qe_depthwise_sums_bytes(layout))};
    return parts;
}

/* Quantizes m rows of a (k floats each, lda apart) per block as BlockwiseInt4Int8Kernel defines (int4q8.c). */
void qe_int4q8_prepare_rows(const qe_int4q8_matrix *w, const float *a, long lda, int m, qe_int4q8_rows *rows);

/* The int8 product around a variant's dot kernel (int8_gemm.c). */
long qe_int8_a_stride(const qe_int8_matrix *b);
/* A' = A - 128 for uint8 A (a byte flip), A for int8; rows zero-padded to the stride; row_sums of A'. */
void qe_int8_prepare_a(const qe_int8_matrix *b, const int8_t *a, long lda, int m, int a_signed, int8_t *a_prime,
                       int32_t *row_sums);
/* c[i][j] for j in [j0, j1) from the dot products of A' and B' and the zero-point corrections. */
void qe_int8_finish(const qe_int8_matrix *b, const int32_t *dot, long ld_dot, const int32_t *row_sums, int m,
                    int j0, int j1, int a_signed, int32_t a_zero_point, int32_t *c, long ldc);

#endif
