/* vrrp/vrrp_stats_ev.h - periodic "vrrp.stats" events (counters, peers, drops by reason of
 * the instances whose figures changed) for the monitoring view; see vrrp_stats_ev.c. */
#ifndef VRRP_STATS_EV_H
#define VRRP_STATS_EV_H

#include "vrrp/vrrp_child.h"

#define VRRP_STATS_EV_S 5.0

struct vrrp_stats_ev;

/* start the timer on the child's loop; NULL on allocation failure (no stats then) */
struct vrrp_stats_ev *vrrp_stats_ev_start(struct vrrp_child *vc);
void vrrp_stats_ev_stop(struct vrrp_stats_ev *s);
/* publish now (the timer calls it) */
void vrrp_stats_ev_publish(struct vrrp_stats_ev *s);

#endif
