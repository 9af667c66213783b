/* snmp/snmp_view.h - the monitoring view: plain data describing the daemon as the monitoring
 * outputs (TANDEM-MIB, Prometheus text) show it, built only from the parent's status object
 * and its events. Pure (json-c in, structs out); the snmp child and the parent's metrics
 * command each keep one. See docs/monitoring.md. */
#ifndef TDM_SNMP_VIEW_H
#define TDM_SNMP_VIEW_H

#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>

#define SNMP_VIEW_CHILDREN  8
#define SNMP_VIEW_EVTYPES   64      /* distinct event types counted; more go to "other" */
#define SNMP_VIEW_VRRP_MAX  4096    /* VRRP instances tracked */
#define SNMP_VIEW_NAME      64

/* child states as TANDEM-MIB numbers them */
enum snmp_child_state {
	SNMP_CHILD_STOPPED = 1,
	SNMP_CHILD_STARTING = 2,
	SNMP_CHILD_RUNNING = 3,
	SNMP_CHILD_RESTARTING = 4,
};

/* VRRP states as TANDEM-MIB numbers them */
enum snmp_vrrp_state {
	SNMP_VRRP_INIT = 1,
	SNMP_VRRP_BACKUP = 2,
	SNMP_VRRP_MASTER = 3,
	SNMP_VRRP_FAULT = 4,
	SNMP_VRRP_STOP = 5,
};

struct snmp_view_child {
	char name[16];
	int pid;                    /* 0 when not running */
	int state;                  /* enum snmp_child_state */
	unsigned restarts;
	uint64_t generation;
	double uptime_s;
};

struct snmp_view_vrrp {
	char name[SNMP_VIEW_NAME];
	int state;                  /* enum snmp_vrrp_state */
	int priority;               /* -1 unknown */
	int vrid;                   /* -1 unknown */
	char iface[32];
	char reason[32];            /* why the last transition happened ("startup", ...) */
	char group[SNMP_VIEW_NAME]; /* sync group, "" none */
	uint64_t transitions;       /* state changes seen */
	double last_change;         /* unix time of the last state event, 0 none */
};

#define SNMP_VIEW_SRV_MAX   65536   /* real and virtual servers tracked, each */
#define SNMP_VIEW_SRV_NAME  112     /* "tcp 192.0.2.10:80/198.51.100.11:80" */

/* a real server, from "rs.state" events of the check part */
struct snmp_view_rs {
	char name[SNMP_VIEW_SRV_NAME];      /* first member: the sorted-table key */
	char vs[SNMP_VIEW_SRV_NAME];
	int up;
	int weight;                 /* effective weight as reported (-1: none) */
	char reason[128];
	uint64_t transitions;       /* up/down changes seen */
	double last_change;         /* unix time of the last event, 0 none */
};

/* a virtual server's quorum, from "vs.quorum" events */
struct snmp_view_vs {
	char name[SNMP_VIEW_SRV_NAME];      /* first member: the sorted-table key */
	int quorum_up;
	int64_t live_weight;
	int sorry;                  /* sorry server in use */
	uint64_t transitions;
	double last_change;
};

struct snmp_view_evtype {
	char type[48];
	uint64_t count;
};

struct snmp_view {
	/* from the status object */
	int have_status;
	char version[32];
	int pid;
	uint64_t generation;
	double started;             /* unix time */
	double uptime_s;            /* as of the status */
	int reload_ok;
	uint64_t reload_generation;
	double reload_time;         /* unix time */
	char reload_error[256];
	uint64_t event_seq;         /* newest event seq known */
	struct snmp_view_child children[SNMP_VIEW_CHILDREN];
	unsigned nchildren;
	/* counted from live events (snmp_view_event with live = 1) */
	uint64_t reloads_ok, reloads_failed;
	struct snmp_view_evtype evtypes[SNMP_VIEW_EVTYPES];
	unsigned nevtypes;
	uint64_t events_other;
	/* state from events (live or replayed), sorted by name */
	struct snmp_view_vrrp *vrrp;
	size_t nvrrp, vrrp_cap;
	struct snmp_view_rs *rs;    /* sorted by name (snmp_view_lvs.c) */
	size_t nrs, rs_cap;
	struct snmp_view_vs *vs;
	size_t nvs, vs_cap;
	uint64_t changes;           /* bumped whenever anything above changes */
};

void snmp_view_init(struct snmp_view *v);
void snmp_view_free(struct snmp_view *v);
/* forget what events taught (VRRP table, counters): before a replay rebuilds it */
void snmp_view_reset_events(struct snmp_view *v);
/* load the parent's status object ({"ok":true,"daemon":{...},"children":[...]}); 0 / -1 */
int snmp_view_set_status(struct snmp_view *v, json_object *status);
/* apply one event; live = 0 for a replayed one (state only, no counting). Returns 1 when
 * the view changed, 0 when the event means nothing to it. */
int snmp_view_event(struct snmp_view *v, json_object *ev, int live);
/* the state learnt from events (VRRP instances) as JSON, and back: the parent sends its
 * view's part with each replaying feed.state, so a restarted child does not depend on the
 * ring still holding the last transition of every instance */
json_object *snmp_view_events_json(const struct snmp_view *v);
int snmp_view_load_events(struct snmp_view *v, json_object *o);
/* the real / virtual server with this name, or NULL */
const struct snmp_view_rs *snmp_view_rs_find(const struct snmp_view *v, const char *name);
const struct snmp_view_vs *snmp_view_vs_find(const struct snmp_view *v, const char *name);
/* the VRRP instance with this name, or NULL */
const struct snmp_view_vrrp *snmp_view_vrrp_find(const struct snmp_view *v, const char *name);

/* names for the enums ("running", "MASTER"); "unknown" out of range */
const char *snmp_child_state_name(int state);
const char *snmp_vrrp_state_name(int state);
/* "running" -> SNMP_CHILD_RUNNING, 0 if unknown */
int snmp_child_state_parse(const char *s);
/* "MASTER"/"master"/3 style -> enum snmp_vrrp_state, 0 if unknown */
int snmp_vrrp_state_parse(const char *s);
/* "2026-11-28T07:00:00.123456Z" -> unix time; -1 if malformed */
double snmp_iso_to_unix(const char *s);

#endif
