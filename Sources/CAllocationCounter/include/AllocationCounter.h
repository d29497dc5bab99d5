#ifndef CONSENTKIT_ALLOCATION_COUNTER_H
#define CONSENTKIT_ALLOCATION_COUNTER_H

#include <stdint.h>

/// Calls to malloc, calloc and realloc made by this process so far, or -1 where they cannot be counted (only
/// glibc's allocator can be wrapped safely from inside the program).
int64_t consentkit_allocation_count(void);

#endif
