/* sync/relay_mirror.h - the relay's copy of the connection table, the source of bulk resync
 * answers: every entry the local kernel master thread sent and every entry received from a
 * peer, keyed by connection (protocol, addresses, ports, fwmark, template or not), the latest
 * state kept, dropped when its timeout passes (as the kernel backup thread would drop it).
 * Reading /proc/net/ip_vs_conn_sync for each resync costs O(n^2) in the kernel (every 4 KiB
 * read() walks the hash table again from the start), so the file is read once, at start, to
 * fill the mirror (relay_run.c), and resyncs are served from here in O(n).
 * Pure: entries are stored as their encoded v1 bytes; time is passed in. Bounded: at most
 * `max` entries (more are refused and counted). */
#ifndef SYNC_RELAY_MIRROR_H
#define SYNC_RELAY_MIRROR_H

#include <stddef.h>
#include <stdint.h>
#include "sync/sync_msg.h"

#define RELAY_MIRROR_DEFAULT_TIMEOUT_S 900   /* an entry without a timeout (v0) */
#define RELAY_MIRROR_ITER_BUF          64    /* entries of one bucket copied at a time */

struct relay_mirror_ent;

struct relay_mirror {
	struct relay_mirror_ent **b;
	size_t nb;                  /* buckets, a power of two */
	size_t n, max;
	size_t sweep_pos;
	uint64_t inserted, updated, expired, refused;
};

int relay_mirror_init(struct relay_mirror *m, size_t max);
void relay_mirror_free(struct relay_mirror *m);
/* Record an encoded v1 entry that parsed already (from a kernel message or a DATA body, or
 * our own encoding) seen at `now` (us); its size, type and version bits are checked again.
 * only_new: keep an existing entry as it is. 1 added, 0 updated (or kept), -1 refused (bad
 * size/type/version, or the mirror is full). */
int relay_mirror_put(struct relay_mirror *m, const uint8_t *raw, size_t len, uint64_t now,
                     int only_new);
/* Free expired entries in up to `buckets` buckets (round robin). */
void relay_mirror_sweep(struct relay_mirror *m, uint64_t now, size_t buckets);

/* Walk for a resync: templates first (pass 0), then connections (pass 1); live entries only.
 * The table may change between calls: an entry added behind the cursor is not returned (the
 * peer gets it as a live update anyway), none is returned twice within a pass. */
struct relay_mirror_iter {
	int pass;
	size_t bucket;
	size_t i, n;
	uint8_t buf[RELAY_MIRROR_ITER_BUF][SYNC_V1_ENTRY_MAX];
	uint16_t len[RELAY_MIRROR_ITER_BUF];
	uint32_t left[RELAY_MIRROR_ITER_BUF];    /* seconds left: the timeout sent */
};
void relay_mirror_iter_init(struct relay_mirror_iter *it);
/* 1: *e filled (valid until the next call), 0: the end (and stays there) */
int relay_mirror_next(struct relay_mirror *m, struct relay_mirror_iter *it, uint64_t now,
                      struct sync_entry *e);

#endif
