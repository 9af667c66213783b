/* sync/relay_resync.h - the source of a bulk resync answer: the kernel's connection table as
 * /proc/net/ip_vs_conn_sync lists it (one connection or persistence template per line:
 * protocol, client, virtual and destination address and port, state name, origin, seconds to
 * expiry), turned into sync entries. Read in two passes, templates first, so a backup has a
 * connection's template before the connection. What the file does not say (the forwarding
 * method) comes from the config through a callback. The pacing is relay_core's. */
#ifndef SYNC_RELAY_RESYNC_H
#define SYNC_RELAY_RESYNC_H

#include <stdint.h>
#include <stdio.h>
#include "sync/sync_msg.h"

#define RELAY_CONN_SYNC_PATH "/proc/net/ip_vs_conn_sync"

/* IP_VS_CONN_F_MASQ/LOCALNODE/TUNNEL/DROUTE of the real server daddr:dport in the service
 * vaddr:vport/protocol (ports host order); IP_VS_CONN_F_MASQ (0) when unknown */
typedef uint32_t (*relay_fwd_fn)(void *arg, int af, uint8_t protocol,
                                 const union sync_addr *vaddr, uint16_t vport,
                                 const union sync_addr *daddr, uint16_t dport);

/* One line of the file. 1: *e filled; 0: the header line or a protocol/state we do not
 * know (skipped); -1: malformed. The forwarding method is left 0 (caller adds it). */
int relay_conn_line_parse(const char *line, struct sync_entry *e);

struct relay_conn_src {
	const char *path;           /* RELAY_CONN_SYNC_PATH, or a test file */
	relay_fwd_fn fwd;           /* may be NULL */
	void *arg;
	int one_pass;               /* everything in file order, one read of the file (each
	                             * read of it costs the kernel a walk of its table) */
	uint64_t malformed, skipped;
};

/* the relay_table_src callbacks (ud = struct relay_conn_src *); next keeps answering 0 at
 * the end */
void *relay_conn_open(void *ud);
int relay_conn_next(void *ud, void *h, struct sync_entry *e);
void relay_conn_close(void *ud, void *h);

#endif
