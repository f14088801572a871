/*
 * Per-thread scratch buffers for the JNI calls. A product's temporaries (A repacked, the int32 dot
 * products, a copy of C) run to megabytes; fresh ones each call come from mmap, and touching their
 * pages costs about as much as an AMX product of the same size. A thread keeps its buffers (as
 * large as its largest call so far) until it ends, when the key's destructor frees them.
 */
#include <pthread.h>
#include <stdlib.h>
#include "kernels.h"

typedef struct {
    void *memory[QE_SCRATCH_SLOTS];
    size_t bytes[QE_SCRATCH_SLOTS];
} thread_scratch;

static pthread_key_t key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

static void release(void *value) {
    thread_scratch *scratch = value;
    for (int slot = 0; slot < QE_SCRATCH_SLOTS; slot++) {
        free(scratch->memory[slot]);
    }
    free(scratch);
}

static void create_key(void) {
    pthread_key_create(&key, release);
}

void *qe_scratch(int slot, size_t bytes) {
    pthread_once(&key_once, create_key);
    thread_scratch *scratch = pthread_getspecific(key);
    if (scratch == NULL) {
        scratch = calloc(1, sizeof(thread_scratch));
        if (scratch == NULL || pthread_setspecific(key, scratch) != 0) {
            free(scratch);
            return NULL;
        }
    }
    if (scratch->bytes[slot] < bytes) {
        void *memory = NULL;
        /* Rounded up to 64 bytes (posix_memalign's size need not be, aligned_alloc's must be). */
        size_t rounded = (bytes + 63) / 64 * 64;
        if (posix_memalign(&memory, 64, rounded == 0 ? 64 : rounded) != 0) {
            return NULL;
        }
        free(scratch->memory[slot]);
        scratch->memory[slot] = memory;
        scratch->bytes[slot] = rounded;
    }
    return scratch->memory[slot];
}
