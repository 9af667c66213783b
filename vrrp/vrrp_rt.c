/* vrrp/vrrp_rt.c - real-time scheduling, locked memory and the stall rule of the VRRP child
 * (see vrrp_rt.h). */
#include "vrrp/vrrp_rt.h"

#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include "director/child_parts.h"
#include "director/global_conf.h"
#include "lib/log.h"

#if defined(__SANITIZE_ADDRESS__)
#define RT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RT_ASAN 1
#endif
#endif
#ifndef RT_ASAN
#define RT_ASAN 0
#endif

#define STACK_PREFAULT (128 * 1024)
#define RTTIME_SOFT_US 2000000ULL   /* 2 s of CPU without blocking: SIGXCPU */
#define RTTIME_HARD_US 3000000ULL   /* then SIGKILL: a runaway RT loop must not own a core */

static void prefault_stack(void)
{
	volatile unsigned char buf[STACK_PREFAULT];

	for (size_t i = 0; i < sizeof(buf); i += 4096)
		buf[i] = 0;
}

void vrrp_rt_setup(const struct tdm_global_conf *g, struct vrrp_rt_info *info)
{
	const char *off = getenv("TANDEM_VRRP_NO_RT");
	int prio = g && g->vrrp_rt_priority > 0 ? g->vrrp_rt_priority : VRRP_RT_DEFAULT_PRIO;
	struct sched_param sp = { .sched_priority = prio };
	struct rlimit rl = { .rlim_cur = RTTIME_SOFT_US, .rlim_max = RTTIME_HARD_US };
	struct rlimit cur;

	memset(info, 0, sizeof(*info));
	if (off && *off && strcmp(off, "0")) {
		tdm_log_info("vrrp child: real-time scheduling and memory locking off "
		             "(TANDEM_VRRP_NO_RT)");
		return;
	}
	/* vrrp_rlimit_rttime: the supervisor set the limit at fork (director/globals.c) */
	if (getrlimit(RLIMIT_RTTIME, &cur) == 0 && cur.rlim_cur != RLIM_INFINITY)
		tdm_log_info("vrrp child: RLIMIT_RTTIME %llu us (vrrp_rlimit_rttime)",
		             (unsigned long long)cur.rlim_cur);
	else if (setrlimit(RLIMIT_RTTIME, &rl) < 0)
		tdm_log_warn("vrrp child: RLIMIT_RTTIME: %s", strerror(errno));
	if (sched_setscheduler(0, SCHED_RR | SCHED_RESET_ON_FORK, &sp) < 0)
		tdm_log_warn("vrrp child: SCHED_RR priority %d: %s (running unprioritised)", prio,
		             strerror(errno));
	else
		info->rt_prio = prio;
	if (RT_ASAN) {
		tdm_log_info("vrrp child: memory not locked (AddressSanitizer build)");
	} else if (mlockall(MCL_CURRENT | MCL_FUTURE) < 0) {
		tdm_log_warn("vrrp child: mlockall: %s (memory may be swapped)", strerror(errno));
	} else {
		info->locked = 1;
		prefault_stack();
	}
	tdm_log_info("vrrp child: SCHED_RR priority %d, memory %s", info->rt_prio,
	             info->locked ? "locked" : "not locked");
}

uint64_t vrrp_rt_stall_limit(const struct vrrp_inst *vi)
{
	uint16_t cs = vi->st.state == VRRP_FSM_BACKUP && vi->st.master_adver_int_cs
	              ? vi->st.master_adver_int_cs : vi->p.advert_int_cs;
	uint64_t ns = (uint64_t)cs * 10000000ULL;

	return ns < 1000000ULL ? 1000000ULL : ns;
}

int vrrp_rt_check(struct vrrp_rt_stalls *s, uint64_t deadline, uint64_t now, uint64_t limit,
                  uint64_t *late_ns)
{
	uint64_t late = deadline != VRRP_FSM_NEVER && now > deadline ? now - deadline : 0;

	if (late_ns)
		*late_ns = late;
	if (late <= limit || deadline == s->deadline)
		return 0;
	s->deadline = deadline;
	s->count++;
	s->last_ns = late;
	s->last_at = now;
	if (late > s->worst_ns)
		s->worst_ns = late;
	return 1;
}

int vrrp_rt_wakeup(struct vrrp_inst *vi, struct vrrp_rt_stalls *s, uint64_t now,
                   uint64_t *late_ns)
{
	uint64_t deadline = vrrp_fsm_next_deadline(&vi->st);
	uint64_t late = 0;
	int stalled = vrrp_rt_check(s, deadline, now, vrrp_rt_stall_limit(vi), &late);

	if (stalled)
		tdm_log_warn("vrrp_instance %s: stall: woke %.3f ms after its deadline (%s)",
		             vi->conf->name, (double)late / 1e6,
		             vrrp_fsm_state_name(vi->st.state));
	if (late_ns)
		*late_ns = late;
	return stalled;
}

int vrrp_rt_timer(struct vrrp_inst *vi, struct vrrp_rt_stalls *s, const struct vrrp_rt_io *io,
                  uint64_t now, uint64_t *late_ns)
{
	uint64_t deadline = vrrp_fsm_next_deadline(&vi->st);
	int stalled = vrrp_rt_wakeup(vi, s, now, late_ns);

	/* adverts the kernel queued while we did not run go first: their receive times, not
	 * our late wake-up, decide whether the master went silent */
	if (deadline != VRRP_FSM_NEVER && now >= deadline && io && io->pending &&
	    io->pending(io->arg, vi) > 0)
		io->drain(io->arg, vi);
	/* a backup that did not run on time cannot tell a silent master from a master that
	 * did not run either: one more interval from now (see the header) */
	if (vi->st.state == VRRP_FSM_BACKUP && vi->st.master_down_at != VRRP_FSM_NEVER &&
	    vi->st.master_down_at <= now && now - vi->st.master_down_at > VRRP_RT_PUNCTUAL_NS) {
		uint64_t grace = vrrp_rt_stall_limit(vi);

		tdm_log_warn("vrrp_instance %s: Master_Down expired %.3f ms before this late "
		             "wake-up: waiting %.1f ms more for the master", vi->conf->name,
		             (double)(now - vi->st.master_down_at) / 1e6, (double)grace / 1e6);
		vi->st.master_down_at = now + grace;
		s->deferred++;
		vi->os->arm(vi->os->arg, vi, vrrp_fsm_next_deadline(&vi->st));
		return stalled;
	}
	vrrp_inst_timer(vi, now);
	return stalled;
}

int vrrp_rt_sock_pending(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (fd < 0)
		return 0;
	if (poll(&p, 1, 0) < 0)
		return -1;
	return (p.revents & POLLIN) ? 1 : 0;
}

void vrrp_rt_emit_stall(struct dir_part_ctx *ctx, const struct vrrp_inst *vi,
                        const struct vrrp_rt_stalls *s, enum vrrp_fsm_state state,
                        uint64_t late_ns)
{
	json_object *ev = json_object_new_object();

	json_object_object_add(ev, "type", json_object_new_string("vrrp.stall"));
	json_object_object_add(ev, "instance", json_object_new_string(vi->conf->name));
	json_object_object_add(ev, "vrid", json_object_new_int(vi->conf->vrid));
	json_object_object_add(ev, "state", json_object_new_string(vrrp_fsm_state_name(state)));
	json_object_object_add(ev, "late_ms", json_object_new_double((double)late_ns / 1e6));
	json_object_object_add(ev, "limit_ms",
	                       json_object_new_double((double)vrrp_rt_stall_limit(vi) / 1e6));
	json_object_object_add(ev, "stalls", json_object_new_uint64(s->count));
	dir_part_emit(ctx, ev);
}
