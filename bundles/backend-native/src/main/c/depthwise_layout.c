/*
 * The sizes of the depthwise kernels' view of the input (see qe_depthwise_layout in kernels.h):
 * each channel padded with the input zero point and split by stride phase, once per call.
 */
#include "kernels.h"

/* Sums of a row block: at most this many int32 values (16 KiB), so they stay in the L1 cache. */
#define SUMS_PER_BLOCK 4096

int qe_depthwise_layout_of(const qe_conv_window *w, qe_depthwise_layout *layout) {
    /* ConvWindow has checked that every index of the padded window fits an int. */
    int64_t rows = (int64_t) w->out_h + (int64_t) (w->k_h - 1) * w->dilation_h / w->stride_h;
    int64_t columns = (int64_t) w->out_w + (int64_t) (w->k_w - 1) * w->dilation_w / w->stride_w;
    int64_t plane, channel;
    if (__builtin_mul_overflow(rows, columns, &plane)
            || __builtin_mul_overflow(plane, (int64_t) w->stride_h * w->stride_w, &channel)
            || channel > ((int64_t) 1 << 32)) { /* so that channels (an int) x channel fits too */
        return -1;
    }
    layout->rows = (int32_t) rows;
    layout->columns = (int32_t) columns;
    layout->plane = plane;
    layout->channel = channel;
    int64_t block = columns == 0 ? 1 : SUMS_PER_BLOCK / columns;
    layout->row_block = (int32_t) (block < 1 ? 1 : block > w->out_h ? (w->out_h < 1 ? 1 : w->out_h) : block);
    return 0;
}

int64_t qe_depthwise_image_bytes(const qe_depthwise_layout *layout, int channels) {
    /* The last 16-lane vector of a plane reads up to a row plus 15 bytes past the image's end. */
    return layout->channel * channels + layout->columns + 64;
}
