/*
 * Working memory for the JNI bridge that outlives a call: per thread, grown to the largest size
 * asked for and reused, so a kernel called once per layer per inference does not go to malloc (and,
 * for large blocks, to mmap and fresh zeroed pages) every time.
 */
#ifndef QUANTEDGE_SCRATCH_H
#define QUANTEDGE_SCRATCH_H

#include <stddef.h>

/* Buffers per thread; a call uses each slot for one purpose. */
#define QE_SCRATCH_SLOTS 5

/* This thread's buffer `slot`, at least `bytes` long and 64-byte aligned; NULL when out of memory. */
void *qe_scratch(int slot, size_t bytes);

/* Forgets every thread's buffers (the library is being unloaded); a thread's own are freed. */
void qe_scratch_unload(void);

#endif
