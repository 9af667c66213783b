/* lib/arena.c - the bump allocator declared in arena.h. Chunks are linked in a list; requests
 * larger than a quarter chunk get a chunk of their own so little space is wasted. Big chunks
 * are mapped directly (fresh pages are already zero). They are not marked for transparent
 * huge pages: that was faster on average but stalled for hundreds of ms in page compaction
 * when memory was fragmented. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "lib/arena.h"

struct chunk {
	struct chunk *next;
	size_t size, used;
	size_t mapped;      /* > 0: the chunk is an mmap of this many bytes */
	/* data follows, 16-byte aligned */
	unsigned char data[] __attribute__((aligned(16)));
};

struct tdm_arena {
	struct chunk *head;
	size_t chunk;
	size_t total;
};

static void free_chunk(struct chunk *c);

#define ALIGN16(n) (((n) + 15u) & ~(size_t)15u)
/* chunk->used is always a multiple of 8 */

struct tdm_arena *tdm_arena_new(size_t chunk)
{
	struct tdm_arena *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->chunk = chunk ? chunk : (1u << 20);
	return a;
}

void tdm_arena_free(struct tdm_arena *a)
{
	struct chunk *c, *n;

	if (!a)
		return;
	for (c = a->head; c; c = n) {
		n = c->next;
		free_chunk(c);
	}
	free(a);
}

#define HUGE_MIN (4u << 20)

static struct chunk *new_chunk(size_t size)
{
	struct chunk *c = NULL;
	size_t mapped = 0;

	if (size >= HUGE_MIN) {
		mapped = (sizeof(*c) + size + (2u << 20) - 1) & ~(size_t)((2u << 20) - 1);
		/* MAP_POPULATE: the chunk is filled soon anyway; faulting it in with one call is
		 * much cheaper than a page fault per 4 KiB page on first touch */
		c = mmap(NULL, mapped, PROT_READ | PROT_WRITE,
		         MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (c == MAP_FAILED) {
			c = NULL;
			mapped = 0;
		}
	}
	if (!c)
		c = calloc(1, sizeof(*c) + size);   /* every chunk starts zeroed (see alloc) */
	if (!c) {
		fputs("tandem: out of memory in config arena\n", stderr);
		abort();
	}
	c->size = size;
	c->used = 0;
	c->next = NULL;
	c->mapped = mapped;
	return c;
}

static void free_chunk(struct chunk *c)
{
	if (c->mapped)
		munmap(c, c->mapped);
	else
		free(c);
}

void *tdm_arena_alloc_raw(struct tdm_arena *a, size_t size)
{
	return tdm_arena_alloc_aligned(a, size, 16);
}

void *tdm_arena_alloc_aligned(struct tdm_arena *a, size_t size, size_t align)
{
	struct chunk *c = a->head;
	size_t off;

	size = size ? (size + 7u) & ~(size_t)7u : 8;
	if (c) {
		off = align > 8 ? ALIGN16(c->used) : c->used;
		if (off <= c->size && c->size - off >= size) {
			c->used = off + size;
			a->total += size;
			return c->data + off;
		}
	}
	if (size > a->chunk / 4) {
		/* big request: own chunk, linked behind the current one */
		c = new_chunk(size);
		c->used = size;
		if (a->head) {
			c->next = a->head->next;
			a->head->next = c;
		} else {
			a->head = c;
		}
		a->total += size;
		return c->data;
	}
	c = new_chunk(a->chunk);
	c->next = a->head;
	a->head = c;
	c->used = size;
	a->total += size;
	return c->data;
}

/* Chunks start zeroed (fresh mappings, or calloc) and memory is never handed out twice, so
 * a zeroed allocation needs no memset. */
void *tdm_arena_alloc(struct tdm_arena *a, size_t size)
{
	return tdm_arena_alloc_raw(a, size);
}

char *tdm_arena_strndup(struct tdm_arena *a, const char *s, size_t n)
{
	char *p = tdm_arena_alloc_raw(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *tdm_arena_strdup(struct tdm_arena *a, const char *s)
{
	return tdm_arena_strndup(a, s, strlen(s));
}

size_t tdm_arena_used(const struct tdm_arena *a)
{
	return a->total;
}
