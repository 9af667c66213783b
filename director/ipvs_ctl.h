/* director/ipvs_ctl.h - the IPVS reconcile engine of the check part. It keeps the kernel's
 * table equal to the desired table (config + health-check results + runtime overrides) and
 * touches only tandem's entries:
 *   start    dump the kernel, adopt matching entries as they are (no flush), apply the diff;
 *   reload   apply only the difference (one weight changed: one SET_DEST);
 *   rs state a checker's verdict changes one real server's weight or presence;
 *   override tandemctl rs drain|enable|weight: kept across reloads unless the real server's
 *            config entry itself changed;
 *   drain    a destination leaving the table first goes to weight 0, and is deleted once it
 *            has no active connection or after the drain time;
 *   stop     removes tandem's entries (unless told to keep them).
 * All kernel access goes through struct dir_ipvs_io (ipvs_nl.h), so the engine is tested
 * with a recording fake. Time is passed in (monotonic ns). */
#ifndef TANDEM_DIRECTOR_IPVS_CTL_H
#define TANDEM_DIRECTOR_IPVS_CTL_H

#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>
#include "director/ipvs_desired.h"
#include "director/ipvs_nl.h"
#include "lib/conf.h"

struct dir_ipvs_ctl_opts {
	uint64_t drain_ns;          /* drain time; 0: delete at once */
	int keep_on_stop;           /* leave tandem's entries in the kernel at stop */
	int flush_on_start;         /* lvs_flush: empty the whole table before starting */
	int flush_on_stop;          /* lvs_flush_on_stop: 1 the whole table, 2 tandem's */
	int has_timeouts;           /* lvs_timeouts */
	struct dir_ipvs_timeouts timeouts;
	int cmd_rcvbuf;             /* lvs_netlink_cmd_rcv_bufs (0: the socket layer's own) */
	int cmd_rcvbuf_force;       /* lvs_netlink_cmd_rcv_bufs_force */
};

/* the settings in cfg (global_defs ipvs_drain_time, ipvs_keep_on_stop, lvs_flush,
 * lvs_flush_on_stop, lvs_timeouts, lvs_netlink_cmd_rcv_bufs[_force]); defaults: drain 30 s,
 * remove at stop */
void dir_ipvs_ctl_opts_from_config(const struct tdm_config *cfg, struct dir_ipvs_ctl_opts *o);
#define DIR_IPVS_DRAIN_DEFAULT_NS (30ull * 1000000000ull)

enum dir_ipvs_override { DIR_IPVS_OV_NONE = 0, DIR_IPVS_OV_DRAIN, DIR_IPVS_OV_WEIGHT };

struct dir_ipvs_ctl;

struct dir_ipvs_ctl *dir_ipvs_ctl_new(const struct dir_ipvs_io *io,
				      const struct dir_ipvs_ctl_opts *opts);
void dir_ipvs_ctl_free(struct dir_ipvs_ctl *c);
/* how a canonical line is named in messages ("file:line"); default "config line N" */
void dir_ipvs_ctl_set_where(struct dir_ipvs_ctl *c,
			    void (*where)(void *arg, uint32_t line, char *buf, size_t len),
			    void *arg);
/* events ("ipvs.apply", "ipvs.error", "rs.drain"); emit takes ownership */
void dir_ipvs_ctl_set_emit(struct dir_ipvs_ctl *c, void (*emit)(void *arg, json_object *ev),
			   void *arg);

/* cfg must stay valid until the next reload (the engine keeps pointers into it).
 * Each returns 0 when every operation was applied, -1 otherwise (errors logged, kept for
 * status and emitted). */
int dir_ipvs_ctl_start(struct dir_ipvs_ctl *c, const struct tdm_config *cfg, uint64_t now);
int dir_ipvs_ctl_reload(struct dir_ipvs_ctl *c, const struct tdm_config *new_cfg,
			uint64_t now);
/* a checker's verdict: weight >= 0 in with that weight, -1 out; up 0/1 */
int dir_ipvs_ctl_rs_state(struct dir_ipvs_ctl *c, const char *rs_id, int up, int weight,
			  uint64_t now);
/* the same without applying (many verdicts at once: call dir_ipvs_ctl_sync after) */
void dir_ipvs_ctl_rs_state_set(struct dir_ipvs_ctl *c, const char *rs_id, int up, int weight);
/* a virtual server's sorry server in (1) or out (0) */
void dir_ipvs_ctl_sorry_set(struct dir_ipvs_ctl *c, const char *vs_id, int in);
int dir_ipvs_ctl_sync(struct dir_ipvs_ctl *c, const char *reason, uint64_t now);
/* tandemctl rs drain|enable|weight: vs and rs as given by the operator ("tcp 10.0.0.1:80"
 * or "10.0.0.1:80", "10.0.0.2:80" or "10.0.0.2"). 0, or -1 with err set. */
int dir_ipvs_ctl_override(struct dir_ipvs_ctl *c, const char *vs, const char *rs,
			  enum dir_ipvs_override kind, int weight, uint64_t now, char *err,
			  size_t errlen);
/* drain progress; *next_ns: when to call again (0: nothing pending) */
int dir_ipvs_ctl_tick(struct dir_ipvs_ctl *c, uint64_t now, uint64_t *next_ns);
/* remove tandem's entries (or flush, or keep, per opts) */
int dir_ipvs_ctl_stop(struct dir_ipvs_ctl *c);

/* for `tandemctl ipvs`: a fresh dump with tandem's view of each entry;
 * max_dests bounds the destinations listed (0: all). */
json_object *dir_ipvs_ctl_status(struct dir_ipvs_ctl *c, size_t max_dests, uint64_t now);

/* introspection for tests */
const struct dir_ipvs_table *dir_ipvs_ctl_kernel(const struct dir_ipvs_ctl *c);
size_t dir_ipvs_ctl_draining(const struct dir_ipvs_ctl *c);
size_t dir_ipvs_ctl_nerrors(const struct dir_ipvs_ctl *c);
/* the i-th error of the last apply ("file:line: object: op: reason") */
const char *dir_ipvs_ctl_error(const struct dir_ipvs_ctl *c, size_t i);

#endif
