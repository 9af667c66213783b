/* sync/relay_run_int.h - the running relay's state, shared by sync/relay_run.c (sockets,
 * watchers, events) and sync/relay_status.c (the status reply). Not for other callers. */
#ifndef SYNC_RELAY_RUN_INT_H
#define SYNC_RELAY_RUN_INT_H

#include <net/if.h>
#include <sys/socket.h>
#include "director/ipvs_desired.h"
#include "sync/relay_core.h"
#include "sync/relay_os.h"
#include "sync/relay_resync.h"
#include "sync/relay_run.h"

struct relay_run {
	struct ev_loop *loop;
	struct relay_core core;
	struct relay_local local;
	char ifname[IF_NAMESIZE];
	char instance[64];
	int af;                     /* of the peer socket */
	uint16_t port;
	int multicast;
	union sync_addr group;
	struct sockaddr_storage gaddr;
	socklen_t glen;
	int ttl;
	int peer_fd, tap_fd;
	struct relay_inject inj;
	char peer_err[256], tap_err[256], inj_err[256];
	ev_io peer_w, tap_w;
	ev_timer tick, reopen, stats, prime, pace;
	uint64_t pace_mark;         /* core.c.kmsg_out when the kernel's backlog was last read */
	uint64_t inject_paused;     /* times reading frames paused for the kernel to catch up */
	void *prime_h;              /* the kernel table being read into the mirror */
	uint64_t primed;
	int prime_done;
	uint64_t stats_sig;
	uint64_t resyncs_done;
	int tap_paused;
	struct relay_tap_filter filter;
	uint8_t *pkt;
	uint64_t fingerprint;
	struct relay_conn_src conns;
	char conn_path[256];
	struct dir_ipvs_desired svcs;
	int have_svcs;
	enum sync_role role;
	relay_emit_fn emit;
	void *emit_arg;
	uint64_t mono0;             /* monotonic us at start, for unix times of events */
	double unix0;
};

/* Unix time of a monotonic time in us (0 stays 0) */
double relay_run_unix(const struct relay_run *r, uint64_t us);
/* peer slot i's address as text */
void relay_run_peer_addr(const struct relay_run *r, int i, char *buf, size_t n);

#endif
