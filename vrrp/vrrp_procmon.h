/* vrrp/vrrp_procmon.h - the process monitor behind track_process: the kernel proc connector
 * (netlink NETLINK_CONNECTOR, CN_IDX_PROC: fork, exec, exit and comm events) keeps a table of
 * the processes matching each vrrp_track_process, so nothing is polled. /proc is scanned once
 * at start and again after the connector overran. The connector only delivers in the initial
 * network namespace, so the socket is opened there (setns to /proc/1/ns/net and back). The
 * OS access is an ops table (the real one, or a fake in the unit tests). */
#ifndef VRRP_PROCMON_H
#define VRRP_PROCMON_H

#include <ev.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "vrrp/vrrp_proc.h"

struct vrrp_procmon_ops {
	/* the connector socket, subscribed; -1 when unavailable (logged) */
	int (*open)(void *arg);
	ssize_t (*recv)(void *arg, int fd, void *buf, size_t len);
	/* /proc/PID/FILE into buf: bytes read, -1 if gone */
	ssize_t (*read)(void *arg, int pid, const char *file, char *buf, size_t len);
	/* the pids of all processes: how many written (at most max), -1 on error */
	int (*pids)(void *arg, int *out, int max);
	void *arg;
};

extern const struct vrrp_procmon_ops vrrp_procmon_real_ops;

struct vrrp_procmon;
/* called when some tracker's verdict changed */
typedef void (*vrrp_procmon_fn)(void *arg);

/* loop may be NULL (no socket, no timers: the unit tests drive it by hand) */
struct vrrp_procmon *vrrp_procmon_new(struct ev_loop *loop, const struct vrrp_procmon_ops *ops,
                                      vrrp_procmon_fn changed, void *arg);
void vrrp_procmon_free(struct vrrp_procmon *pm);
/* the trackers to follow (specs copied, the strings they point to must outlive them); opens
 * the connector when needed, rescans /proc and sets every verdict at once. 0 ok, -1 memory. */
int vrrp_procmon_set(struct vrrp_procmon *pm, const struct vrrp_proc_spec *specs, size_t n,
                     uint64_t now);
/* a tracker by name: its spec and state, NULL if unknown */
const struct vrrp_proc_spec *vrrp_procmon_get(const struct vrrp_procmon *pm, const char *name,
                                              struct vrrp_proc_state *st);
/* the connector is open (else the verdicts only come from the scans) */
int vrrp_procmon_live(const struct vrrp_procmon *pm);

/* the pieces the socket and timer callbacks use (exposed for the unit tests) */
void vrrp_procmon_event(struct vrrp_procmon *pm, const struct vrrp_proc_event *e, uint64_t now);
void vrrp_procmon_rescan(struct vrrp_procmon *pm, uint64_t now);
/* apply delays that have run out; returns the next deadline (0 none) */
uint64_t vrrp_procmon_tick(struct vrrp_procmon *pm, uint64_t now);

#endif
