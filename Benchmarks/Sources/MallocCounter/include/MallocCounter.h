#include <stdint.h>
/// Heap allocations (malloc, calloc, realloc, posix_memalign, aligned_alloc) made by the process so far.
uint64_t malloc_counter_total(void);
