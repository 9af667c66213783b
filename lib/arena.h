/* lib/arena.h - a bump allocator: many small allocations, one free. Used by the config front
 * end so a parse of a million lines does no per-token malloc. Memory is returned zeroed. */
#ifndef TDM_ARENA_H
#define TDM_ARENA_H

#include <stddef.h>

struct tdm_arena;

/* chunk: preferred chunk size in bytes (0 = 1 MiB). NULL on allocation failure. */
struct tdm_arena *tdm_arena_new(size_t chunk);
void tdm_arena_free(struct tdm_arena *a);
/* zeroed, aligned to 16 bytes; aborts on out-of-memory (config parsing cannot continue) */
void *tdm_arena_alloc(struct tdm_arena *a, size_t size);
/* not zeroed (the caller fills it), aligned to 16 bytes */
void *tdm_arena_alloc_raw(struct tdm_arena *a, size_t size);
/* not zeroed; align is 8 or 16 */
void *tdm_arena_alloc_aligned(struct tdm_arena *a, size_t size, size_t align);
char *tdm_arena_strdup(struct tdm_arena *a, const char *s);
char *tdm_arena_strndup(struct tdm_arena *a, const char *s, size_t n);
/* bytes handed out (for statistics) */
size_t tdm_arena_used(const struct tdm_arena *a);

#endif
