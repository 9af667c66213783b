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
#define SNMP_VIEW_DROPS     32      /* VRRP drop reasons */

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
	/* from "vrrp.stats" */
	int have_stats;
	unsigned peers;             /* other routers heard */
	uint64_t rx, tx;            /* adverts received (accepted) and sent */
	uint64_t drops[SNMP_VIEW_DROPS];    /* by reason, index as in snmp_view.drop_names */
};

/* a VRRP sync group, from "vrrp.group" events */
struct snmp_view_group {
	char name[SNMP_VIEW_NAME];  /* first member: the sorted-table key */
	int state;                  /* enum snmp_vrrp_state */
	char trigger[SNMP_VIEW_NAME];   /* the instance whose change settled the group */
	char reason[32];
	uint64_t transitions;
	double last_change;
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
	int cfg_weight;             /* configured weight (-1: not reported) */
	char snmp_name[SNMP_VIEW_NAME];     /* the configured snmp_name, "" none */
	/* from "ipvs.stats" (have_ipvs = 0: none yet, e.g. no IPVS in the kernel) */
	int have_ipvs;
	int ipvs_weight;            /* the weight in the kernel's table */
	uint64_t active, inactive;  /* connections now */
	uint64_t conns, inpkts, outpkts, inbytes, outbytes;    /* since the entry was made */
};

/* a virtual server's quorum, from "vs.quorum" events */
struct snmp_view_vs {
	char name[SNMP_VIEW_SRV_NAME];      /* first member: the sorted-table key */
	int quorum_up;
	int64_t live_weight;
	int sorry;                  /* sorry server in use */
	uint64_t transitions;
	double last_change;
	char snmp_name[SNMP_VIEW_NAME];     /* the configured snmp_name, "" none */
	int reported;               /* a vs.quorum event was seen (else: no quorum settings,
	                             * quorum is one live server, computed from the rs rows) */
	int have_ipvs;
	uint64_t conns, inpkts, outpkts, inbytes, outbytes;
};

/* a checker instance (merged: one per identity), from "check.result" events */
struct snmp_view_chk {
	char name[SNMP_VIEW_SRV_NAME];      /* first member: the sorted-table key */
	char kind[16];              /* "TCP_CHECK", "HTTP_GET", ... */
	char target[SNMP_VIEW_SRV_NAME];
	int ok;
	char reason[128];
	double latency_ms;          /* of the result that changed the state */
	unsigned refs;              /* real servers using this checker (merged references) */
	uint64_t transitions;       /* result changes seen */
	double last_change;
};

/* a sync relay peer, from the sync part's peer events */
struct snmp_view_peer {
	char name[SNMP_VIEW_NAME];  /* first member: the sorted-table key */
	int up;
	char reason[SNMP_VIEW_NAME];
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
	struct snmp_view_group *grp;    /* sorted by name (snmp_view_ext.c) */
	size_t ngrp, grp_cap;
	struct snmp_view_chk *chk;  /* sorted by name */
	size_t nchk, chk_cap;
	char drop_names[SNMP_VIEW_DROPS][24];   /* VRRP drop reasons, in first-seen order */
	unsigned ndrop_names;
	/* the sync relay (snmp_view_sync.c) */
	struct snmp_view_peer *peer;    /* sorted by name */
	size_t npeer, peer_cap;
	int have_relay;             /* relay counters were reported */
	uint64_t relay_sent, relay_received, relay_resends, relay_rejects, relay_resyncs;
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
const struct snmp_view_peer *snmp_view_peer_find(const struct snmp_view *v, const char *name);
const struct snmp_view_chk *snmp_view_chk_find(const struct snmp_view *v, const char *name);
const struct snmp_view_group *snmp_view_group_find(const struct snmp_view *v, const char *name);
/* a virtual server's live weight and quorum (1/0): from its vs.quorum event, or, without
 * one, computed from its real servers (quorum: one live server) */
void snmp_view_vs_quorum(const struct snmp_view *v, const struct snmp_view_vs *q,
                         int64_t *live_weight, int *up);
/* the VRRP instance with this name, or NULL */
const struct snmp_view_vrrp *snmp_view_vrrp_find(const struct snmp_view *v, const char *name);

/* a view snapshot sent in parts (snmp_view_parts.c): begin with the count announced by the
 * feed.state, add each "feed.view" line; add returns 1 when the last part was loaded into v,
 * 0 while more are due, -1 on a part out of order or a snapshot that does not parse */
struct snmp_view_parts {
	char *buf;
	size_t len, cap;
	uint64_t next, expect;
};
void snmp_view_parts_begin(struct snmp_view_parts *p, uint64_t n);
int snmp_view_parts_add(struct snmp_view_parts *p, json_object *ev, struct snmp_view *v);
void snmp_view_parts_free(struct snmp_view_parts *p);

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
