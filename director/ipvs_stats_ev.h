/* director/ipvs_stats_ev.h - periodic "ipvs.stats" events (connections and traffic of the
 * owned IPVS services and destinations whose figures changed); see ipvs_stats_ev.c. The
 * check child, which owns IPVS, publishes them every DIR_IPVS_STATS_EV_S seconds. */
#ifndef DIR_IPVS_STATS_EV_H
#define DIR_IPVS_STATS_EV_H

#include <json-c/json.h>

#define DIR_IPVS_STATS_EV_S 5.0

struct dir_ipvs_ctl;
struct dir_ipvs_stats_ev;

struct dir_ipvs_stats_ev *dir_ipvs_stats_ev_new(void);
void dir_ipvs_stats_ev_free(struct dir_ipvs_stats_ev *s);
/* dump the kernel's table and emit the changed entries; the number of events emitted, or
 * -1 when the table could not be read */
int dir_ipvs_stats_ev_publish(struct dir_ipvs_stats_ev *s, struct dir_ipvs_ctl *c,
                              void (*emit)(void *arg, json_object *ev), void *arg);

#endif
