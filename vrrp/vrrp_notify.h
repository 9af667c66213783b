/* vrrp/vrrp_notify.h - VRRP notify scripts and the vrrp_notify_fifo, strictly in event order:
 * one queue per instance (and per sync group); the next script of a queue starts only after
 * the previous one ended (exit or killed at its timeout), so a slow script never reorders the
 * ones behind it. Scripts run unprivileged (vrrp_exec.h). */
#ifndef VRRP_NOTIFY_H
#define VRRP_NOTIFY_H

#include <ev.h>
#include <stddef.h>
#include <stdint.h>
#include "director/global_conf.h"
#include "vrrp/vrrp_conf.h"
#include "vrrp/vrrp_exec.h"

#define VRRP_NOTIFY_QMAX 64
#define VRRP_NOTIFY_TIMEOUT_US 10000000ull      /* default notify_timeout: 10 s */

/* the child's notify settings (one per child) */
struct vrrp_notify_env {
	struct ev_loop *loop;
	const struct tdm_global_conf *g;        /* script_user, vrrp_notify_fifo; may be NULL */
	int fifo_fd;                            /* -1: not open (retried at each line) */
	uint64_t fifo_dropped;
};

struct vrrp_notify_item;

struct vrrp_notify_q {
	struct vrrp_notify_env *env;
	const char *what;           /* "vrrp_instance VI_1" style, for logs (not owned) */
	uint64_t timeout_us;
	struct vrrp_notify_item *head, *tail;
	size_t n;
	struct vrrp_exec x;         /* the running script (x.pid != 0) */
	struct vrrp_notify_item *running;
	ev_timer kick;              /* starts the queue from the loop, after the transition's
	                             * time-critical work (and a sync group's moves) are done */
	uint64_t runs, failures, timeouts, dropped;
};

void vrrp_notify_env_init(struct vrrp_notify_env *env, struct ev_loop *loop,
                          const struct tdm_global_conf *g);
void vrrp_notify_env_close(struct vrrp_notify_env *env);

void vrrp_notify_q_init(struct vrrp_notify_q *q, struct vrrp_notify_env *env, const char *what,
                        uint64_t timeout_us);
/* Freed with its owner: the running script is left to finish, pending ones start now. */
void vrrp_notify_q_free(struct vrrp_notify_q *q);

/* One state change of an instance (kind "INSTANCE", prio >= 0) or a sync group (kind "GROUP",
 * prio < 0: not passed). Queues the state's own script (specific, may be NULL / unset), then
 * the generic `notify` one with the arguments KIND NAME STATE [PRIORITY], and writes the FIFO
 * line (KIND "NAME" STATE [PRIORITY]). state: MASTER, BACKUP, FAULT, STOP. */
void vrrp_notify_state(struct vrrp_notify_q *q, const char *kind, const char *name,
                       const char *state, int prio, const struct vrrp_notify *specific,
                       const struct vrrp_notify *generic);

/* the line written to vrrp_notify_fifo (exposed for the unit test); returns its length */
size_t vrrp_notify_fifo_line(char *buf, size_t len, const char *kind, const char *name,
                             const char *state, int prio);

/* the instance's notify_timeout (tandem keyword; default VRRP_NOTIFY_TIMEOUT_US) */
uint64_t vrrp_notify_timeout(const struct tdm_cnode *block);

#endif
