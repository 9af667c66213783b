/* director/auto_prio.c - automatic real-time priority increase of the vrrp child on
 * scheduling delays (see auto_prio.h). */
#include "director/auto_prio.h"

#include <errno.h>
#include <sched.h>
#include <string.h>
#include "director/child_parts.h"
#include "director/daemon.h"
#include "director/globals.h"
#include "lib/log.h"

#define DEF_MIN_DELAY_US 1000000LL  /* keepalived's default: 1 s late */

void dir_auto_prio_hook(void *arg, uint64_t seq, const char *line, size_t len, json_object *ev)
{
	struct dir_daemon *d = arg;
	const struct tdm_cnode *maxn, *mind;
	json_object *t, *late;
	long long max, min_us = DEF_MIN_DELAY_US;
	struct sched_param sp;
	pid_t pid = 0;
	int pol, prio;

	if (!json_object_object_get_ex(ev, "type", &t) ||
	    strcmp(json_object_get_string(t), "vrrp.stall") ||
	    !json_object_object_get_ex(ev, "late_ms", &late))
		return;
	maxn = dir_gdef(d->cfg, "max_auto_priority");
	if (!maxn)
		return;
	max = maxn->argc ? maxn->vals[0].i : sched_get_priority_max(SCHED_RR);
	if (max <= 0)
		return;         /* 0 (default) and -1: no automatic increase */
	mind = dir_gdef(d->cfg, "min_auto_priority_delay");
	if (mind)
		min_us = mind->vals[0].i;
	if (json_object_get_double(late) * 1000.0 < (double)min_us)
		return;
	for (int i = 0; i < DIR_NPARTS; i++)
		if (d->children[i].ops && d->children[i].ops->part == TDM_PART_VRRP)
			pid = d->children[i].pid;
	if (pid <= 0 || (pol = sched_getscheduler(pid)) < 0 || sched_getparam(pid, &sp) < 0)
		return;
	pol &= ~SCHED_RESET_ON_FORK;
	prio = (pol == SCHED_RR || pol == SCHED_FIFO) ? sp.sched_priority + 1 : 1;
	if (prio > max)
		return;         /* at the ceiling already */
	sp.sched_priority = prio;
	if (sched_setscheduler(pid, SCHED_RR | SCHED_RESET_ON_FORK, &sp) < 0) {
		tdm_log_warn("vrrp child: raising its real-time priority to %d: %s", prio,
		             strerror(errno));
		return;
	}
	tdm_log_notice("vrrp child woke %.1f ms late: real-time priority raised to %d "
	               "(max_auto_priority %lld)", json_object_get_double(late), prio, max);
}
