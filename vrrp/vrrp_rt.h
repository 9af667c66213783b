/* vrrp/vrrp_rt.h - timing hardening of the VRRP child: real-time scheduling (SCHED_RR) and
 * locked memory at start, and the stall rule applied when an instance's FSM timer fires.
 *
 * Stall rule: a timer that fires more than one advert interval after its deadline means the
 * child did not run for that long (CPU starvation, SIGSTOP, swap). Such a wake-up is counted
 * and reported, and before any expired deadline is acted upon the adverts already queued in the
 * instance's socket are read (their kernel receive times say whether the master really went
 * silent): a late wake-up alone never makes a backup take over.
 *
 * Deferral: a backup whose Master_Down expired while it woke more than VRRP_RT_PUNCTUAL_NS
 * late, with nothing queued, does not take over yet: whatever kept it from running (a frozen
 * or starved machine) may have kept the master from sending too, so the master gets one more
 * interval from now. A master that is really gone is replaced at most one interval later; a
 * punctual wake-up (the normal case, with real-time scheduling) is never put off. */
#ifndef VRRP_RT_H
#define VRRP_RT_H

#include <stdint.h>
#include "vrrp/vrrp_inst.h"

struct tdm_global_conf;

#define VRRP_RT_DEFAULT_PRIO 10    /* SCHED_RR priority when vrrp_rt_priority is not set */
#define VRRP_RT_PUNCTUAL_NS 1000000ULL  /* a wake-up later than this is not punctual */

struct vrrp_rt_stalls {
	uint64_t count;             /* late wake-ups */
	uint64_t worst_ns;          /* largest lateness seen */
	uint64_t last_ns;           /* lateness of the last stall */
	uint64_t last_at;           /* when the last stall was seen (CLOCK_MONOTONIC ns) */
	uint64_t deadline;          /* the deadline of the last stall (one count per deadline) */
	uint64_t deferred;          /* Master_Down expiries put off after a late wake-up */
};

/* what vrrp_rt_setup did, for the log and the status */
struct vrrp_rt_info {
	int rt_prio;                /* 0 = not real-time */
	int locked;                 /* mlockall succeeded */
};

/* Apply real-time scheduling and memory locking for the calling process (the vrrp child):
 * SCHED_RR at g->vrrp_rt_priority (default VRRP_RT_DEFAULT_PRIO) with an RLIMIT_RTTIME safety
 * net, mlockall(MCL_CURRENT|MCL_FUTURE) and a pre-faulted stack (skipped under
 * AddressSanitizer, whose shadow memory cannot be locked). Failures are logged, never fatal.
 * The environment variable TANDEM_VRRP_NO_RT=1 turns both off. */
void vrrp_rt_setup(const struct tdm_global_conf *g, struct vrrp_rt_info *info);

/* the lateness above which a wake-up is a stall: the interval the instance runs on (its own
 * advert interval as master, the master's as backup), at least 1 ms */
uint64_t vrrp_rt_stall_limit(const struct vrrp_inst *vi);

/* How late a wake-up at now is for the deadline it was armed for (0 if not late); a stall
 * (lateness > limit) is counted in *s and 1 returned, once per deadline. */
int vrrp_rt_check(struct vrrp_rt_stalls *s, uint64_t deadline, uint64_t now, uint64_t limit,
                  uint64_t *late_ns);

/* Any wake-up of the instance (its timer, a packet): the stall rule against its earliest FSM
 * deadline, logged when it is a stall; returns 1 then (*late_ns: the lateness). */
int vrrp_rt_wakeup(struct vrrp_inst *vi, struct vrrp_rt_stalls *s, uint64_t now,
                   uint64_t *late_ns);

/* callbacks of vrrp_rt_timer: is a packet waiting on the instance's socket (poll with a zero
 * timeout), and read what is queued (feeding vrrp_inst_rx with kernel receive times) */
struct vrrp_rt_io {
	int (*pending)(void *arg, struct vrrp_inst *vi);
	void (*drain)(void *arg, struct vrrp_inst *vi);
	void *arg;
};

/* The instance's timer fired at now: apply the stall rule, read the adverts already queued
 * before acting on an expired deadline, then run the due timers (vrrp_inst_timer). Returns 1
 * when this wake-up was a stall (*late_ns says by how much), else 0. */
int vrrp_rt_timer(struct vrrp_inst *vi, struct vrrp_rt_stalls *s, const struct vrrp_rt_io *io,
                  uint64_t now, uint64_t *late_ns);

/* a packet is waiting on fd (poll with a zero timeout): 1, 0, -1 on error */
int vrrp_rt_sock_pending(int fd);

/* emit a "vrrp.stall" event on the bus: instance, state (before the wake-up), late_ms,
 * limit_ms, stalls (the instance's count so far) */
struct dir_part_ctx;
void vrrp_rt_emit_stall(struct dir_part_ctx *ctx, const struct vrrp_inst *vi,
                        const struct vrrp_rt_stalls *s, enum vrrp_fsm_state state,
                        uint64_t late_ns);

#endif
