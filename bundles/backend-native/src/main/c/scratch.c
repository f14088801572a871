/*
 * Per-thread scratch buffers (scratch.h). Each thread's buffers hang off a pthread key whose
 * destructor frees them when the thread ends, so the native kernel threads of a backend that is
 * shut down give their memory back.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include "scratch.h"

typedef struct {
    void *buffer[QE_SCRATCH_SLOTS];
    size_t size[QE_SCRATCH_SLOTS];
} scratch_set;

static pthread_key_t key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static int key_created;

static void release(void *set_pointer) {
    scratch_set *set = set_pointer;
    for (int slot = 0; slot < QE_SCRATCH_SLOTS; slot++) {
        free(set->buffer[slot]);
    }
    free(set);
}

static void create_key(void) {
    key_created = pthread_key_create(&key, release) == 0;
}

void *qe_scratch(int slot, size_t bytes) {
    pthread_once(&key_once, create_key);
    if (!key_created) {
        return NULL;
    }
    scratch_set *set = pthread_getspecific(key);
    if (set == NULL) {
        set = calloc(1, sizeof *set);
        if (set == NULL || pthread_setspecific(key, set) != 0) {
            free(set);
            return NULL;
        }
    }
    if (set->size[slot] < bytes) {
        if (bytes > SIZE_MAX / 2) {
            return NULL;
        }
        /* Grown by half again, so a slowly growing request does not reallocate every call. */
        size_t size = bytes + bytes / 2;
        size = (size + 63) / 64 * 64;
        void *buffer = NULL;
        free(set->buffer[slot]);
        set->buffer[slot] = NULL;
        set->size[slot] = 0;
        if (posix_memalign(&buffer, 64, size) != 0) {
            return NULL;
        }
        set->buffer[slot] = buffer;
        set->size[slot] = size;
    }
    return set->buffer[slot];
}

void qe_scratch_unload(void) {
    if (!key_created) {
        return;
    }
    scratch_set *own = pthread_getspecific(key);
    if (own != NULL) {
        pthread_setspecific(key, NULL);
        release(own);
    }
    /* Other threads' buffers leak rather than have a destructor in unloaded code run at their exit. */
    pthread_key_delete(key);
    key_created = 0;
}
