/*
 * Packing weights once, at model load, into the layouts the kernels stream (see kernels.h). Each
 * packed matrix is one allocation, header first, so freeing it is a single free().
 */
#include <stdlib.h>
#include <string.h>
#include "kernels.h"

#define ALIGNMENT 64

static size_t aligned_size(size_t bytes) {
    return (bytes + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
}

static void *allocate_zeroed(size_t bytes) {
    void *memory = NULL;
    if (posix_memalign(&memory, ALIGNMENT, bytes) != 0) {
        return NULL;
    }
    memset(memory, 0, bytes);
    return memory;
}

qe_int8_matrix *qe_pack_int8(const int8_t *b, long ldb, int k, int n, int is_signed, const int32_t *zero_points,
                             int zero_point_count) {
    int k_groups = (k + QE_KGROUP - 1) / QE_KGROUP;
    int panels = (n + QE_PANEL - 1) / QE_PANEL;
    size_t header = aligned_size(sizeof(qe_int8_matrix));
    size_t sums = aligned_size((size_t) panels * QE_PANEL * sizeof(int32_t));
    size_t zeros = aligned_size((size_t) n * sizeof(int32_t));
    size_t data = (size_t) panels * k_groups * 64;
    uint8_t *memory = allocate_zeroed(header + sums + zeros + data);
    if (memory == NULL) {
        return NULL;
    }
    qe_int8_matrix *matrix = (qe_int8_matrix *) memory;
    matrix->bytes = (int64_t) (header + sums + zeros + data);
    matrix->k = k;
    matrix->n = n;
    matrix->k_groups = k_groups;
    matrix->panels = panels;
    matrix->b_offset = is_signed ? 128 : 0;
    matrix->column_sums = (int32_t *) (memory + header);
    matrix->zero_points = (int32_t *) (memory + header + sums);
    matrix->data = memory + header + sums + zeros;
    for (int j = 0; j < n; j++) {
        matrix->zero_points[j] = zero_points[zero_point_count == 1 ? 0 : j];
    }
    /* int8 x is stored as x + 128, the same byte with its top bit flipped. */
    uint8_t flip = is_signed ? 0x80 : 0x00;
    for (int p = 0; p < k; p++) {
        const uint8_t *row = (const uint8_t *) b + p * ldb;
        uint8_t *group = matrix->data + (long) (p / QE_KGROUP) * 64 + p % QE_KGROUP;
        for (int j = 0; j < n; j++) {
            uint8_t stored = row[j] ^ flip;
            group[(long) (j / QE_PANEL) * k_groups * 64 + (j % QE_PANEL) * QE_KGROUP] = stored;
            matrix->column_sums[j] += stored;
        }
    }
    return matrix;
}

qe_float_matrix *qe_pack_float(const float *b, long ldb, int k, int n) {
    int panels = (n + QE_PANEL - 1) / QE_PANEL;
    size_t header = aligned_size(sizeof(qe_float_matrix));
    size_t data = (size_t) panels * k * QE_PANEL * sizeof(float);
    uint8_t *memory = allocate_zeroed(header + data);
    if (memory == NULL) {
        return NULL;
    }
    qe_float_matrix *matrix = (qe_float_matrix *) memory;
    matrix->bytes = (int64_t) (header + data);
    matrix->k = k;
    matrix->n = n;
    matrix->panels = panels;
    matrix->data = (float *) (memory + header);
    for (int p = 0; p < k; p++) {
        for (int j = 0; j < n; j++) {
            matrix->data[((long) (j / QE_PANEL) * k + p) * QE_PANEL + j % QE_PANEL] = b[p * ldb + j];
        }
    }
    return matrix;
}

/*
 * MatMulNBits zero points arrive two per byte, each column's run padded to a whole byte; they are
 * kept one per byte, column j's at target[j * stride]. Without zero points every block's is 8.
 */
static void unpack_zero_points(const uint8_t *zero_points, int n, int blocks, uint8_t *target, long stride) {
    int zero_bytes_per_column = (blocks + 1) / 2;
    for (int j = 0; j < n; j++) {
        for (int block = 0; block < blocks; block++) {
            uint8_t zero = 8;
            if (zero_points != NULL) {
                uint8_t two = zero_points[(long) j * zero_bytes_per_column + block / 2];
                zero = block % 2 == 0 ? two & 0x0F : two >> 4;
            }
            target[(long) j * stride + block] = zero;
        }
    }
}

qe_int4_matrix *qe_pack_int4(const uint8_t *quantized, const float *scales, const uint8_t *zero_points, int k, int n,
                             int block_size) {
    int blocks = (k + block_size - 1) / block_size;
    size_t block_count = (size_t) n * blocks;
    size_t header = aligned_size(sizeof(qe_int4_matrix));
    size_t nibbles = aligned_size(block_count * block_size / 2);
    size_t scale_bytes = aligned_size(block_count * sizeof(float));
    size_t zero_bytes = aligned_size(block_count);
    uint8_t *memory = allocate_zeroed(header + nibbles + scale_bytes + zero_bytes);
    if (memory == NULL) {
        return NULL;
    }
    qe_int4_matrix *matrix = (qe_int4_matrix *) memory;
    matrix->bytes = (int64_t) (header + nibbles + scale_bytes + zero_bytes);
    matrix->k = k;
    matrix->n = n;
    matrix->block_size = block_size;
    matrix->blocks = blocks;
    matrix->quantized = memory + header;
    matrix->scales = (float *) (memory + header + nibbles);
    matrix->zero_points = memory + header + nibbles + scale_bytes;
    memcpy(matrix->quantized, quantized, block_count * block_size / 2);
    memcpy(matrix->scales, scales, block_count * sizeof(float));
    unpack_zero_points(zero_points, n, blocks, matrix->zero_points, blocks);
    return matrix;
}

qe_int4q8_matrix *qe_pack_int4q8(const uint8_t *quantized, const float *scales, const uint8_t *zero_points, int k,
                                 int n, int block_size) {
    int blocks = (k + block_size - 1) / block_size;
    int shift = __builtin_ctz((unsigned) block_size);
    long column_values = (long) blocks * block_size;
    int chunks = (int) ((column_values + 127) / 128);
    /* Blocks a column's chunks reach: all of them when blocks are up to a chunk long, else as given. */
    int block_stride = block_size <= 128 ? (int) (((long) chunks * 128) >> shift) : blocks;
    size_t header = aligned_size(sizeof(qe_int4q8_matrix));
    size_t nibble_bytes = aligned_size((size_t) n * chunks * 64);
    size_t block_entries = (size_t) n * block_stride + 16;
    size_t scale_bytes = aligned_size(block_entries * sizeof(float));
    size_t zero_bytes = aligned_size(block_entries);
    uint8_t *memory = allocate_zeroed(header + nibble_bytes + scale_bytes + zero_bytes);
    if (memory == NULL) {
        return NULL;
    }
    qe_int4q8_matrix *matrix = (qe_int4q8_matrix *) memory;
    matrix->bytes = (int64_t) (header + nibble_bytes + scale_bytes + zero_bytes);
    matrix->k = k;
    matrix->n = n;
    matrix->block_size = block_size;
    matrix->blocks = blocks;
    matrix->block_shift = shift;
    matrix->chunks = chunks;
    matrix->block_stride = block_stride;
    matrix->default_zero = zero_points == NULL;
    matrix->quantized = memory + header;
    matrix->scales = (float *) (memory + header + nibble_bytes);
    matrix->zero_points = memory + header + nibble_bytes + scale_bytes;
    for (int j = 0; j < n; j++) {
        memcpy(matrix->quantized + (long) j * chunks * 64, quantized + (long) j * column_values / 2,
               (size_t) column_values / 2);
        memcpy(matrix->scales + (long) j * block_stride, scales + (long) j * blocks, sizeof(float) * (size_t) blocks);
    }
    unpack_zero_points(zero_points, n, blocks, matrix->zero_points, block_stride);
    return matrix;
}

qe_depthwise_filters *qe_pack_depthwise(const int8_t *filters, int channels, int taps, int is_signed,
                                        const int32_t *zero_points, int zero_point_count) {
    size_t header = aligned_size(sizeof(qe_depthwise_filters));
    size_t weights = aligned_size((size_t) channels * taps * sizeof(int32_t));
    size_t sums = aligned_size((size_t) channels * sizeof(int32_t));
    uint8_t *memory = allocate_zeroed(header + weights + sums);
    if (memory == NULL) {
        return NULL;
    }
    qe_depthwise_filters *packed = (qe_depthwise_filters *) memory;
    packed->bytes = (int64_t) (header + weights + sums);
    packed->channels = channels;
    packed->taps = taps;
    packed->weights = (int32_t *) (memory + header);
    packed->weight_sums = (int32_t *) (memory + header + weights);
    for (int c = 0; c < channels; c++) {
        int32_t zero = zero_points[zero_point_count == 1 ? 0 : c];
        int32_t sum = 0;
        for (int t = 0; t < taps; t++) {
            long at = (long) c * taps + t;
            int32_t value = (is_signed ? filters[at] : (uint8_t) filters[at]) - zero;
            packed->weights[at] = value;
            sum += value; /* at most 255 * taps: the sums fit int32 for any filter Java can hold */
        }
        packed->weight_sums[c] = sum;
    }
    return packed;
}
