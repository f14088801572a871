/*
 * The JNI entry points of NativeKernels.java. The Java side has already checked every shape, offset
 * and length, so these only copy: Java arrays are read or written inside short
 * GetPrimitiveArrayCritical sections (a copy of A in, a copy of C out), and the product itself runs
 * on native buffers outside them, so the garbage collector is never held up for a whole product.
 */
#include <jni.h>
#include <stdlib.h>
#include <string.h>
#include "kernels.h"
#include "scratch.h"

#define JNI_NAME(method) Java_io_quantedge_backend_nativecode_NativeKernels_##method

static void throw_named(JNIEnv *env, const char *class_name, const char *message) {
    jclass type = (*env)->FindClass(env, class_name);
    if (type != NULL) {
        (*env)->ThrowNew(env, type, message);
    }
}

static void throw_out_of_memory(JNIEnv *env) {
    throw_named(env, "java/lang/OutOfMemoryError", "native memory for a QuantEdge kernel");
}

static const qe_kernel_set *kernels_or_throw(JNIEnv *env, jint variant) {
    const qe_kernel_set *kernels = qe_kernel_set_for(variant);
    if (kernels == NULL) {
        throw_named(env, "java/lang/IllegalStateException", "kernel variant not supported on this CPU");
    }
    return kernels;
}

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved) {
    (void) vm;
    (void) reserved;
    qe_supported_variants(); /* detect once, before any thread asks */
    return JNI_VERSION_1_8;
}

JNIEXPORT void JNICALL JNI_OnUnload(JavaVM *vm, void *reserved) {
    (void) vm;
    (void) reserved;
    qe_scratch_unload();
}

JNIEXPORT jint JNICALL JNI_NAME(supportedVariants)(JNIEnv *env, jclass type) {
    (void) env;
    (void) type;
    return (jint) qe_supported_variants();
}

JNIEXPORT jlong JNICALL JNI_NAME(packedBytes)(JNIEnv *env, jclass type, jlong matrix) {
    (void) env;
    (void) type;
    return *(const int64_t *) (intptr_t) matrix;
}

JNIEXPORT void JNICALL JNI_NAME(release)(JNIEnv *env, jclass type, jlong matrix) {
    (void) env;
    (void) type;
    free((void *) (intptr_t) matrix);
}

JNIEXPORT jlong JNICALL JNI_NAME(packInt8)(JNIEnv *env, jclass type, jbyteArray b, jint offset, jint ldb, jint k,
                                           jint n, jboolean is_signed, jintArray zero_points) {
    (void) type;
    jsize zero_point_count = (*env)->GetArrayLength(env, zero_points);
    int32_t *zeros = malloc(sizeof(int32_t) * ((size_t) zero_point_count + 1)); /* + 1: never malloc(0) */
    if (zeros == NULL) {
        throw_out_of_memory(env);
        return 0;
    }
    (*env)->GetIntArrayRegion(env, zero_points, 0, zero_point_count, (jint *) zeros);
    jbyte *values = (*env)->GetPrimitiveArrayCritical(env, b, NULL);
    if (values == NULL) {
        free(zeros);
        return 0;
    }
    qe_int8_matrix *matrix = qe_pack_int8((const int8_t *) values + offset, ldb, k, n, is_signed, zeros,
                                          zero_point_count);
    (*env)->ReleasePrimitiveArrayCritical(env, b, values, JNI_ABORT);
    free(zeros);
    if (matrix == NULL) {
        throw_out_of_memory(env);
    }
    return (jlong) (intptr_t) matrix;
}

JNIEXPORT void JNICALL JNI_NAME(int8Gemm)(JNIEnv *env, jclass type, jint variant, jlong packed, jint m,
                                          jint first_panel, jint panel_count, jbyteArray a, jint a_offset, jint lda,
                                          jboolean a_signed, jint a_zero_point, jintArray c, jint c_offset,
                                          jint ldc) {
    (void) type;
    const qe_kernel_set *kernels = kernels_or_throw(env, variant);
    const qe_int8_matrix *b = (const qe_int8_matrix *) (intptr_t) packed;
    if (kernels == NULL || m == 0 || panel_count == 0) {
        return;
    }
    long stride = qe_int8_a_stride(b);
    long ld_dot = (long) panel_count * QE_PANEL;
    int8_t *a_prime = qe_scratch(0, (size_t) m * stride);
    int32_t *row_sums = qe_scratch(1, sizeof(int32_t) * (size_t) m);
    int32_t *dot = qe_scratch(2, sizeof(int32_t) * (size_t) m * ld_dot);
    if (a_prime == NULL || row_sums == NULL || dot == NULL) {
        throw_out_of_memory(env);
        return;
    }
    jbyte *a_values = (*env)->GetPrimitiveArrayCritical(env, a, NULL);
    if (a_values != NULL) {
        qe_int8_prepare_a(b, (const int8_t *) a_values + a_offset, lda, m, a_signed, a_prime, row_sums);
        (*env)->ReleasePrimitiveArrayCritical(env, a, a_values, JNI_ABORT);
        kernels->int8_dot(b, a_prime, m, first_panel, panel_count, dot);
        int j0 = first_panel * QE_PANEL;
        int j1 = j0 + panel_count * QE_PANEL < b->n ? j0 + panel_count * QE_PANEL : b->n;
        jint *c_values = (*env)->GetPrimitiveArrayCritical(env, c, NULL);
        if (c_values != NULL) {
            qe_int8_finish(b, dot, ld_dot, row_sums, m, j0, j1, a_signed, a_zero_point,
                           (int32_t *) c_values + c_offset + j0, ldc);
            (*env)->ReleasePrimitiveArrayCritical(env, c, c_values, 0);
        }
    }
}

JNIEXPORT void JNICALL JNI_NAME(requantize)(JNIEnv *env, jclass type, jint m, jint n, jintArray acc,
                                            jint acc_offset, jint ld_acc, jintArray bias, jfloatArray multiplier,
                                            jint out_zero_point, jboolean out_signed, jboolean half_to_even,
                                            jbyteArray out, jint out_offset, jint ld_out) {
    (void) type;
    if (m == 0 || n == 0) {
        return;
    }
    jsize multiplier_count = (*env)->GetArrayLength(env, multiplier);
    int32_t *biases = bias == NULL ? NULL : malloc(sizeof(int32_t) * (size_t) n);
    float *multipliers = malloc(sizeof(float) * (size_t) multiplier_count);
    if ((bias != NULL && biases == NULL) || multipliers == NULL) {
        free(biases);
        free(multipliers);
        throw_out_of_memory(env);
        return;
    }
    if (bias != NULL) {
        (*env)->GetIntArrayRegion(env, bias, 0, n, (jint *) biases);
    }
    (*env)->GetFloatArrayRegion(env, multiplier, 0, multiplier_count, multipliers);
    /* Both arrays are critical at once (allowed: no other JNI call in between); the loop is O(m n). */
    jint *acc_values = (*env)->GetPrimitiveArrayCritical(env, acc, NULL);
    if (acc_values != NULL) {
        jbyte *out_values = (*env)->GetPrimitiveArrayCritical(env, out, NULL);
        if (out_values != NULL) {
            qe_requantize(m, n, (const int32_t *) acc_values + acc_offset, ld_acc, biases, multipliers,
                          multiplier_count != 1, out_zero_point, out_signed, half_to_even,
                          (int8_t *) out_values + out_offset, ld_out);
            (*env)->ReleasePrimitiveArrayCritical(env, out, out_values, 0);
        }
        (*env)->ReleasePrimitiveArrayCritical(env, acc, acc_values, JNI_ABORT);
    }
    free(biases);
    free(multipliers);
}

JNIEXPORT jlong JNICALL JNI_NAME(packFloat)(JNIEnv *env, jclass type, jfloatArray b, jint offset, jint ldb, jint k,
                                            jint n) {
    (void) type;
    jfloat *values = (*env)->GetPrimitiveArrayCritical(env, b, NULL);
    if (values == NULL) {
        return 0;
    }
    qe_float_matrix *matrix = qe_pack_float(values + offset, ldb, k, n);
    (*env)->ReleasePrimitiveArrayCritical(env, b, values, JNI_ABORT);
    if (matrix == NULL) {
        throw_out_of_memory(env);
    }
    return (jlong) (intptr_t) matrix;
}

/* Copies m rows of `columns` floats (leading dimension lda) into a dense buffer of `stride` floats a row,
   zero-padded: this thread's scratch slot 0. */
static float *copy_rows(JNIEnv *env, jfloatArray a, jint a_offset, jint lda, int m, int columns, long stride) {
    float *copy = qe_scratch(0, sizeof(float) * (size_t) m * stride);
    if (copy == NULL) {
        throw_out_of_memory(env);
        return NULL;
    }
    jfloat *values = (*env)->GetPrimitiveArrayCritical(env, a, NULL);
    if (values == NULL) {
        return NULL;
    }
    for (int i = 0; i < m; i++) {
        memcpy(copy + i * stride, values + a_offset + (long) i * lda, sizeof(float) * (size_t) columns);
        memset(copy + i * stride + columns, 0, sizeof(float) * (size_t) (stride - columns));
    }
    (*env)->ReleasePrimitiveArrayCritical(env, a, values, JNI_ABORT);
    return copy;
}

/* Writes (or adds) m x (j1 - j0) results from a dense buffer into C's columns [j0, j1). */
static void store_rows(JNIEnv *env, jfloatArray c, jint c_offset, jint ldc, int m, int j0, int j1,
                       const float *result, long ld_result, int accumulate) {
    jfloat *values = (*env)->GetPrimitiveArrayCritical(env, c, NULL);
    if (values == NULL) {
        return;
    }
    for (int i = 0; i < m; i++) {
        float *row = values + c_offset + (long) i * ldc + j0;
        const float *from = result + i * ld_result;
        for (int j = 0; j < j1 - j0; j++) {
            row[j] = accumulate ? row[j] + from[j] : from[j];
        }
    }
    (*env)->ReleasePrimitiveArrayCritical(env, c, values, 0);
}

JNIEXPORT void JNICALL JNI_NAME(floatGemm)(JNIEnv *env, jclass type, jint variant, jlong packed, jint m,
                                           jint first_panel, jint panel_count, jfloatArray a, jint a_offset,
                                           jint lda, jfloatArray c, jint c_offset, jint ldc, jboolean accumulate) {
    (void) type;
    const qe_kernel_set *kernels = kernels_or_throw(env, variant);
    const qe_float_matrix *b = (const qe_float_matrix *) (intptr_t) packed;
    if (kernels == NULL || m == 0 || panel_count == 0) {
        return;
    }
    long ld_result = (long) panel_count * QE_PANEL;
    float *result = qe_scratch(1, sizeof(float) * (size_t) m * ld_result);
    if (result == NULL) {
        throw_out_of_memory(env);
        return;
    }
    float *a_copy = copy_rows(env, a, a_offset, lda, m, b->k, b->k);
    if (a_copy != NULL) {
        kernels->float_gemm(b, a_copy, m, first_panel, panel_count, result);
        int j0 = first_panel * QE_PANEL;
        int j1 = j0 + panel_count * QE_PANEL < b->n ? j0 + panel_count * QE_PANEL : b->n;
        store_rows(env, c, c_offset, ldc, m, j0, j1, result, ld_result, accumulate);
    }
}

/* Packs MatMulNBits weights for the float (int8_activations = 0) or the int8-activation kernels. */
static jlong pack_blockwise(JNIEnv *env, jbyteArray quantized, jfloatArray scales, jbyteArray zero_points, jint k,
                            jint n, jint block_size, int int8_activations) {
    jbyte *nibbles = (*env)->GetPrimitiveArrayCritical(env, quantized, NULL);
    if (nibbles == NULL) {
        return 0;
    }
    jfloat *scale_values = (*env)->GetPrimitiveArrayCritical(env, scales, NULL);
    jbyte *zero_values = zero_points == NULL || scale_values == NULL
            ? NULL : (*env)->GetPrimitiveArrayCritical(env, zero_points, NULL);
    void *matrix = NULL;
    int copied = scale_values != NULL && (zero_points == NULL || zero_values != NULL);
    if (copied) {
        matrix = int8_activations
                ? (void *) qe_pack_int4q8((const uint8_t *) nibbles, scale_values, (const uint8_t *) zero_values, k,
                                          n, block_size)
                : (void *) qe_pack_int4((const uint8_t *) nibbles, scale_values, (const uint8_t *) zero_values, k, n,
                                        block_size);
    }
    if (zero_values != NULL) {
        (*env)->ReleasePrimitiveArrayCritical(env, zero_points, zero_values, JNI_ABORT);
    }
    if (scale_values != NULL) {
        (*env)->ReleasePrimitiveArrayCritical(env, scales, scale_values, JNI_ABORT);
    }
    (*env)->ReleasePrimitiveArrayCritical(env, quantized, nibbles, JNI_ABORT);
    if (copied && matrix == NULL) {
        throw_out_of_memory(env);
    }
    return (jlong) (intptr_t) matrix;
}

JNIEXPORT jlong JNICALL JNI_NAME(packInt4)(JNIEnv *env, jclass type, jbyteArray quantized, jfloatArray scales,
                                           jbyteArray zero_points, jint k, jint n, jint block_size) {
    (void) type;
    return pack_blockwise(env, quantized, scales, zero_points, k, n, block_size, 0);
}

JNIEXPORT jlong JNICALL JNI_NAME(packInt4Int8)(JNIEnv *env, jclass type, jbyteArray quantized, jfloatArray scales,
                                               jbyteArray zero_points, jint k, jint n, jint block_size) {
    (void) type;
    return pack_blockwise(env, quantized, scales, zero_points, k, n, block_size, 1);
}

JNIEXPORT void JNICALL JNI_NAME(int4Matmul)(JNIEnv *env, jclass type, jint variant, jlong packed, jint m, jint j0,
                                            jint j1, jfloatArray a, jint a_offset, jint lda, jfloatArray c,
                                            jint c_offset, jint ldc) {
    (void) type;
    const qe_kernel_set *kernels = kernels_or_throw(env, variant);
    const qe_int4_matrix *w = (const qe_int4_matrix *) (intptr_t) packed;
    if (kernels == NULL || m == 0 || j1 <= j0) {
        return;
    }
    long ld_result = j1 - j0;
    float *result = qe_scratch(1, sizeof(float) * (size_t) m * ld_result);
    if (result == NULL) {
        throw_out_of_memory(env);
        return;
    }
    float *a_copy = copy_rows(env, a, a_offset, lda, m, w->k, (long) w->blocks * w->block_size);
    if (a_copy != NULL) {
        if (kernels->int4_matmul(w, a_copy, m, j0, j1, result) == 0) {
            store_rows(env, c, c_offset, ldc, m, j0, j1, result, ld_result, 0);
        } else {
            throw_out_of_memory(env);
        }
    }
}

JNIEXPORT void JNICALL JNI_NAME(int4Int8Matmul)(JNIEnv *env, jclass type, jint variant, jlong packed, jint m,
                                                jint j0, jint j1, jfloatArray a, jint a_offset, jint lda,
                                                jfloatArray c, jint c_offset, jint ldc) {
    (void) type;
    const qe_kernel_set *kernels = kernels_or_throw(env, variant);
    const qe_int4q8_matrix *w = (const qe_int4q8_matrix *) (intptr_t) packed;
    if (kernels == NULL || m == 0 || j1 <= j0) {
        return;
    }
    long ld_result = j1 - j0;
    long lanes = (long) m * w->chunks * 16;
    float *result = qe_scratch(1, sizeof(float) * (size_t) m * ld_result);
    qe_int4q8_rows rows = {qe_scratch(2, (size_t) lanes * 8), qe_scratch(3, sizeof(float) * (size_t) lanes),
                           qe_scratch(4, sizeof(int32_t) * (size_t) lanes)};
    float *a_copy = NULL;
    if (result == NULL || rows.values == NULL || rows.lane_scales == NULL || rows.lane_sums == NULL) {
        throw_out_of_memory(env);
    } else if ((a_copy = copy_rows(env, a, a_offset, lda, m, w->k, w->k)) != NULL) {
        qe_int4q8_prepare_rows(w, a_copy, w->k, m, &rows);
        kernels->int4q8_matmul(w, &rows, m, j0, j1, result);
        store_rows(env, c, c_offset, ldc, m, j0, j1, result, ld_result, 0);
    }
}

JNIEXPORT jlong JNICALL JNI_NAME(packDepthwise)(JNIEnv *env, jclass type, jbyteArray filters, jint offset,
                                                jint channels, jint taps, jboolean is_signed, jintArray zero_points) {
    (void) type;
    jsize zero_point_count = (*env)->GetArrayLength(env, zero_points);
    int32_t *zeros = malloc(sizeof(int32_t) * (size_t) zero_point_count);
    if (zeros == NULL) {
        throw_out_of_memory(env);
        return 0;
    }
    (*env)->GetIntArrayRegion(env, zero_points, 0, zero_point_count, (jint *) zeros);
    jbyte *values = (*env)->GetPrimitiveArrayCritical(env, filters, NULL);
    if (values == NULL) {
        free(zeros);
        return 0;
    }
    qe_depthwise_filters *packed = qe_pack_depthwise((const int8_t *) values + offset, channels, taps, is_signed,
                                                     zeros, zero_point_count);
    (*env)->ReleasePrimitiveArrayCritical(env, filters, values, JNI_ABORT);
    free(zeros);
    if (packed == NULL) {
        throw_out_of_memory(env);
    }
    return (jlong) (intptr_t) packed;
}

/*
 * Scratch slots of a depthwise call: the prepared image, the output planes, the kernel's workspace,
 * and the bias and multipliers.
 */
enum { SLOT_IMAGE, SLOT_OUT, SLOT_WORKSPACE, SLOT_REQUANTIZATION };

/*
 * Channels [first, first + count) of one depthwise call: the image is padded and split inside a
 * short critical section on x, the kernel runs on native buffers, and the planes are copied into y
 * in another (out_size bytes per value: 4 for int32 sums, 1 when requantized).
 */
static void depthwise(JNIEnv *env, jint variant, jlong packed, jint first, jint count, const qe_conv_window *window,
                      jbyteArray x, jint x_offset, jboolean x_signed, jint x_zero_point, qe_requantization *rq,
                      jarray y, jint y_offset) {
    const qe_kernel_set *kernels = kernels_or_throw(env, variant);
    const qe_depthwise_filters *filters = (const qe_depthwise_filters *) (intptr_t) packed;
    int64_t out_plane = (int64_t) window->out_h * window->out_w;
    if (kernels == NULL || count == 0 || out_plane == 0) {
        return;
    }
    qe_depthwise_layout layout;
    size_t out_size = rq == NULL ? sizeof(int32_t) : 1;
    if (qe_depthwise_layout_of(window, &layout) != 0) {
        throw_out_of_memory(env);
        return;
    }
    uint8_t *image = qe_scratch(SLOT_IMAGE, (size_t) qe_depthwise_image_bytes(&layout, count));
    void *out = qe_scratch(SLOT_OUT, (size_t) (out_plane * count) * out_size);
    void *workspace = qe_scratch(SLOT_WORKSPACE, (size_t) qe_depthwise_workspace_bytes(&layout, filters->taps));
    if (image == NULL || out == NULL || workspace == NULL) {
        throw_out_of_memory(env);
        return;
    }
    int64_t in_plane = (int64_t) window->in_h * window->in_w;
    jbyte *x_values = (*env)->GetPrimitiveArrayCritical(env, x, NULL);
    if (x_values == NULL) {
        return;
    }
    kernels->depthwise_prepare(window, &layout, (const uint8_t *) x_values + x_offset + first * in_plane, count,
                               (uint8_t) x_zero_point, image);
    (*env)->ReleasePrimitiveArrayCritical(env, x, x_values, JNI_ABORT);
    kernels->depthwise(filters, window, &layout, image, first, count, x_signed, x_zero_point, rq, out, workspace);
    char *y_values = (*env)->GetPrimitiveArrayCritical(env, y, NULL);
    if (y_values != NULL) {
        memcpy(y_values + ((size_t) y_offset + (size_t) first * out_plane) * out_size, out,
               (size_t) (out_plane * count) * out_size);
        (*env)->ReleasePrimitiveArrayCritical(env, y, y_values, 0);
    }
}

JNIEXPORT void JNICALL JNI_NAME(depthwiseConv)(JNIEnv *env, jclass type, jint variant, jlong packed, jint first,
                                               jint count, jint in_h, jint in_w, jint k_h, jint k_w, jint stride_h,
                                               jint stride_w, jint dilation_h, jint dilation_w, jint pad_top,
                                               jint pad_left, jint out_h, jint out_w, jbyteArray x, jint x_offset,
                                               jboolean x_signed, jint x_zero_point, jintArray y, jint y_offset) {
    (void) type;
    qe_conv_window window = {in_h, in_w, k_h, k_w, stride_h, stride_w, dilation_h, dilation_w, pad_top, pad_left,
                             out_h, out_w};
    depthwise(env, variant, packed, first, count, &window, x, x_offset, x_signed, x_zero_point, NULL, y, y_offset);
}

JNIEXPORT void JNICALL JNI_NAME(depthwiseConvRequantized)(
        JNIEnv *env, jclass type, jint variant, jlong packed, jint first, jint count, jint in_h, jint in_w, jint k_h,
        jint k_w, jint stride_h, jint stride_w, jint dilation_h, jint dilation_w, jint pad_top, jint pad_left,
        jint out_h, jint out_w, jbyteArray x, jint x_offset, jboolean x_signed, jint x_zero_point, jintArray bias,
        jfloatArray multiplier, jint y_zero_point, jboolean y_signed, jboolean half_to_even, jbyteArray y,
        jint y_offset) {
    (void) type;
    qe_conv_window window = {in_h, in_w, k_h, k_w, stride_h, stride_w, dilation_h, dilation_w, pad_top, pad_left,
                             out_h, out_w};
    jsize multiplier_count = (*env)->GetArrayLength(env, multiplier);
    jsize biases = bias == NULL ? 0 : (*env)->GetArrayLength(env, bias);
    /* Bias and multipliers of every channel, as the kernel indexes them by channel number. */
    char *copy = qe_scratch(SLOT_REQUANTIZATION, sizeof(int32_t) * (size_t) biases
                            + sizeof(float) * (size_t) multiplier_count + 1);
    if (copy == NULL) {
        throw_out_of_memory(env);
        return;
    }
    int32_t *bias_values = bias == NULL ? NULL : (int32_t *) copy;
    float *multipliers = (float *) (copy + sizeof(int32_t) * (size_t) biases);
    if (bias != NULL) {
        (*env)->GetIntArrayRegion(env, bias, 0, biases, (jint *) bias_values);
    }
    (*env)->GetFloatArrayRegion(env, multiplier, 0, multiplier_count, multipliers);
    qe_requantization rq = {bias_values, multipliers, multiplier_count != 1, y_zero_point, y_signed, half_to_even};
    depthwise(env, variant, packed, first, count, &window, x, x_offset, x_signed, x_zero_point, &rq, y, y_offset);
}
