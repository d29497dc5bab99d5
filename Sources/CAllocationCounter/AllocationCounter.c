// Counts heap allocations for `consent bench`, by defining malloc, calloc and realloc in the executable: on glibc
// a program's own definitions take precedence, and glibc's real allocator stays reachable as __libc_malloc & co.,
// so nothing else changes. The library never links this; only the `consent` command does.
#include "AllocationCounter.h"

#if defined(__linux__) && defined(__GLIBC__)
#include <stddef.h>
#include <stdatomic.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *pointer, size_t size);

static _Atomic int64_t allocations = 0;

void *malloc(size_t size) {
    atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
    return __libc_malloc(size);
}

void *calloc(size_t count, size_t size) {
    atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
    return __libc_calloc(count, size);
}

void *realloc(void *pointer, size_t size) {
    atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
    return __libc_realloc(pointer, size);
}

int64_t consentkit_allocation_count(void) {
    return atomic_load_explicit(&allocations, memory_order_relaxed);
}
#else
int64_t consentkit_allocation_count(void) { return -1; }
#endif
