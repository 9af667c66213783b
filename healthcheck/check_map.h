/* healthcheck/check_map.h - a small open-addressing map from strings to pointers (the engine's
 * checks by identity, real and virtual servers by id). Keys are not copied. */
#ifndef CHECK_MAP_H
#define CHECK_MAP_H

#include <stddef.h>
#include <stdint.h>

struct check_map {
	const char **k;
	void **v;
	uint32_t *h;
	size_t n, cap;
};

void check_map_init(struct check_map *m);
void check_map_free(struct check_map *m);
void *check_map_get(const struct check_map *m, const char *key);
/* insert or replace; 0 / -1 (memory) */
int check_map_put(struct check_map *m, const char *key, void *val);
uint32_t check_map_hash(const char *key);

#endif
