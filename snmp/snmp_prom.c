/* snmp/snmp_prom.c - the monitoring view as Prometheus text exposition (format 0.0.4):
 * tandem_* metric families with HELP and TYPE lines, labels escaped. Served by the parent
 * (`tandemctl metrics`); the names are listed in docs/monitoring.md. */
#include "snmp/snmp_prom.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* a label value: backslash, double quote and newline escaped */
static void label(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		if (*s == '\\')
			fputs("\\\\", f);
		else if (*s == '"')
			fputs("\\\"", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

/* name{l[0]="l[1]",l[2]="l[3]",...} value: nl labels (none: no braces) */
static void sample(FILE *f, const char *name, const char *const *l, size_t nl, double value)
{
	fputs(name, f);
	for (size_t i = 0; i < nl; i++) {
		fprintf(f, "%c%s=", i ? ',' : '{', l[2 * i]);
		label(f, l[2 * i + 1]);
	}
	fprintf(f, "%s %.17g\n", nl ? "}" : "", value);
}

static void sample1(FILE *f, const char *name, const char *lname, const char *lval,
                    double value)
{
	const char *l[] = { lname, lval };

	sample(f, name, l, lname ? 1 : 0, value);
}

static void sample2(FILE *f, const char *name, const char *l1, const char *v1, const char *l2,
                    const char *v2, double value)
{
	const char *l[] = { l1, v1, l2, v2 };

	sample(f, name, l, 2, value);
}

/* the families with a sample per row of a view table come from one table (fams): the row
 * sets they go over, in the order they are written */
enum set {
	S_CHILD, S_VRRP, S_VRRP_STATS, S_GROUP, S_RS, S_VS, S_RS_CFG, S_RS_IPVS,
	S_VS_IPVS, S_CHK, S_PEER,
};

/* how a family reads its value in a row (at its offset) */
enum kind {
	K_INT,                      /* int */
	K_INT_KNOWN,                /* int, negative = unknown: no sample */
	K_UNS,                      /* unsigned */
	K_U64,                      /* uint64_t */
	K_DBL,                      /* double */
	K_WHEN,                     /* double, a unix time (0: none) */
	K_FN,                       /* computed by fn */
	K_CHILD_STATE,              /* int, enum snmp_child_state: a sample per state */
	K_VRRP_STATE,               /* int, enum snmp_vrrp_state: a sample per state */
};

/* a family with one sample per row; with split, two per row: split="sv[0]" from off and
 * split="sv[1]" from off2; with a state kind, one per state labelled state= (1 for the
 * row's state, 0 for the others) */
struct fam {
	enum set set;
	const char *name, *type, *help;
	enum kind kind;
	size_t off;
	double (*fn)(const struct snmp_view *v, const void *row);
	const char *split, *sv[2];
	size_t off2;
};

/* the rows of a set: labels l1 (its value at key1) and, if set, l2 (at key2); rows whose
 * int at have is 0 are left out unless have is ALL */
struct rows {
	const void *row;
	size_t n, esz;
	const char *l1;
	size_t key1;
	const char *l2;
	size_t key2;
	size_t have;
};

#define ALL ((size_t)-1)
#define F(T, m) offsetof(T, m)
/* a fam's value: member m of the row type T; computed by fn; a pair of uint64_t members
 * (lab="a", lab="b"); the pair direction="in", direction="out" */
#define VAL(k, T, m) k, F(T, m), NULL, NULL, { NULL, NULL }, 0
#define CALC(fn) K_FN, 0, fn, NULL, { NULL, NULL }, 0
#define SPLIT(T, lab, a, ma, b, mb) K_U64, F(T, ma), NULL, lab, { a, b }, F(T, mb)
#define INOUT(T, in, out) SPLIT(T, "direction", "in", in, "out", out)
#define CH struct snmp_view_child
#define VI struct snmp_view_vrrp
#define GR struct snmp_view_group
#define RS struct snmp_view_rs
#define VS struct snmp_view_vs
#define CK struct snmp_view_chk
#define PE struct snmp_view_peer

static double child_up(const struct snmp_view *v, const void *row)
{
	return ((const CH *)row)->state == SNMP_CHILD_RUNNING;
}

static double vs_quorum_up(const struct snmp_view *v, const void *row)
{
	int64_t live;
	int up;

	snmp_view_vs_quorum(v, row, &live, &up);
	return up;
}

static double vs_live_weight(const struct snmp_view *v, const void *row)
{
	int64_t live;
	int up;

	snmp_view_vs_quorum(v, row, &live, &up);
	return (double)live;
}

static double chk_latency(const struct snmp_view *v, const void *row)
{
	return ((const CK *)row)->latency_ms / 1000.0;
}

static const struct fam fams[] = {
	{ S_CHILD, "tandem_child_up", "gauge",
	  "1 if the part's child process is running.",
	  CALC(child_up) },
	{ S_CHILD, "tandem_child_state", "gauge",
	  "State of each part's child process (1 for the current state).",
	  VAL(K_CHILD_STATE, CH, state) },
	{ S_CHILD, "tandem_child_restarts_total", "counter",
	  "Restarts of each part's child process by the supervisor.",
	  VAL(K_UNS, CH, restarts) },
	{ S_CHILD, "tandem_child_uptime_seconds", "gauge",
	  "Seconds since each running child process was started.",
	  VAL(K_DBL, CH, uptime_s) },
	{ S_CHILD, "tandem_child_config_generation", "gauge",
	  "Configuration generation each child reported holding (0 until it has one).",
	  VAL(K_U64, CH, generation) },
	{ S_VRRP, "tandem_vrrp_instance_state", "gauge",
	  "VRRP instance state (1 for the current state), from vrrp.state events.",
	  VAL(K_VRRP_STATE, VI, state) },
	{ S_VRRP, "tandem_vrrp_instance_priority", "gauge",
	  "Effective VRRP priority of the instance as last reported.",
	  VAL(K_INT_KNOWN, VI, priority) },
	{ S_VRRP, "tandem_vrrp_instance_transitions_total", "counter",
	  "VRRP state changes of the instance seen since the daemon started.",
	  VAL(K_U64, VI, transitions) },
	{ S_VRRP, "tandem_vrrp_instance_last_change_timestamp_seconds", "gauge",
	  "Time of the instance's last state event since the Unix epoch.",
	  VAL(K_WHEN, VI, last_change) },
	{ S_VRRP_STATS, "tandem_vrrp_instance_peers", "gauge",
	  "Other routers heard on the VRRP instance, from vrrp.stats events.",
	  VAL(K_UNS, VI, peers) },
	{ S_VRRP_STATS, "tandem_vrrp_adverts_received_total", "counter",
	  "VRRP advertisements received and accepted by the instance.",
	  VAL(K_U64, VI, rx) },
	{ S_VRRP_STATS, "tandem_vrrp_adverts_sent_total", "counter",
	  "VRRP advertisements sent by the instance.",
	  VAL(K_U64, VI, tx) },
	{ S_GROUP, "tandem_vrrp_sync_group_state", "gauge",
	  "VRRP sync group state (1 for the current state), from vrrp.group events.",
	  VAL(K_VRRP_STATE, GR, state) },
	{ S_GROUP, "tandem_vrrp_sync_group_transitions_total", "counter",
	  "State changes of the VRRP sync group seen since the daemon started.",
	  VAL(K_U64, GR, transitions) },
	{ S_RS, "tandem_real_server_up", "gauge",
	  "1 if the real server passes its checks, from rs.state events.",
	  VAL(K_INT, RS, up) },
	{ S_RS, "tandem_real_server_weight", "gauge",
	  "Effective weight of the real server as last reported (-1: none).",
	  VAL(K_INT, RS, weight) },
	{ S_RS, "tandem_real_server_transitions_total", "counter",
	  "Up/down changes of the real server seen since the daemon started.",
	  VAL(K_U64, RS, transitions) },
	{ S_RS, "tandem_real_server_last_change_timestamp_seconds", "gauge",
	  "Time of the real server's last state event since the Unix epoch.",
	  VAL(K_WHEN, RS, last_change) },
	{ S_VS, "tandem_virtual_server_quorum_up", "gauge",
	  "1 if the virtual server has quorum, from vs.quorum events.",
	  CALC(vs_quorum_up) },
	{ S_VS, "tandem_virtual_server_live_weight", "gauge",
	  "Sum of the weights of the live real servers of the virtual server.",
	  CALC(vs_live_weight) },
	{ S_VS, "tandem_virtual_server_sorry_active", "gauge",
	  "1 while the virtual server's sorry server is in use.",
	  VAL(K_INT, VS, sorry) },
	{ S_VS, "tandem_virtual_server_quorum_transitions_total", "counter",
	  "Quorum gained/lost changes of the virtual server seen since start.",
	  VAL(K_U64, VS, transitions) },
	{ S_RS_CFG, "tandem_real_server_configured_weight", "gauge",
	  "Weight the configuration gives the real server (-1: not reported).",
	  VAL(K_INT, RS, cfg_weight) },
	{ S_RS_IPVS, "tandem_real_server_kernel_weight", "gauge",
	  "Weight of the real server in the kernel's IPVS table.",
	  VAL(K_INT, RS, ipvs_weight) },
	{ S_RS_IPVS, "tandem_real_server_connections", "gauge",
	  "Connections to the real server now (IPVS), by state.",
	  SPLIT(RS, "state", "active", active, "inactive", inactive) },
	{ S_RS_IPVS, "tandem_real_server_connections_total", "counter",
	  "Connections scheduled to the real server (IPVS).",
	  VAL(K_U64, RS, conns) },
	{ S_RS_IPVS, "tandem_real_server_packets_total", "counter",
	  "Packets through the real server (IPVS), in = from clients.",
	  INOUT(RS, inpkts, outpkts) },
	{ S_RS_IPVS, "tandem_real_server_bytes_total", "counter",
	  "Bytes through the real server (IPVS), in = from clients.",
	  INOUT(RS, inbytes, outbytes) },
	{ S_VS_IPVS, "tandem_virtual_server_connections_total", "counter",
	  "Connections scheduled by the virtual server (IPVS).",
	  VAL(K_U64, VS, conns) },
	{ S_VS_IPVS, "tandem_virtual_server_packets_total", "counter",
	  "Packets through the virtual server (IPVS), in = from clients.",
	  INOUT(VS, inpkts, outpkts) },
	{ S_VS_IPVS, "tandem_virtual_server_bytes_total", "counter",
	  "Bytes through the virtual server (IPVS), in = from clients.",
	  INOUT(VS, inbytes, outbytes) },
	{ S_CHK, "tandem_checker_ok", "gauge",
	  "1 if the checker's last result was a success.",
	  VAL(K_INT, CK, ok) },
	{ S_CHK, "tandem_checker_latency_seconds", "gauge",
	  "Duration of the attempt that last changed the checker's result.",
	  CALC(chk_latency) },
	{ S_CHK, "tandem_checker_references", "gauge",
	  "Real servers using the checker (more than 1: identical checkers merged).",
	  VAL(K_UNS, CK, refs) },
	{ S_CHK, "tandem_checker_transitions_total", "counter",
	  "Result changes of the checker seen since the daemon started.",
	  VAL(K_U64, CK, transitions) },
	{ S_CHK, "tandem_checker_last_change_timestamp_seconds", "gauge",
	  "Time of the checker's last result change since the Unix epoch.",
	  VAL(K_WHEN, CK, last_change) },
	{ S_PEER, "tandem_sync_peer_up", "gauge",
	  "1 if the sync relay peer is heard.",
	  VAL(K_INT, PE, up) },
	{ S_PEER, "tandem_sync_peer_transitions_total", "counter",
	  "Up/down changes of the sync relay peer seen since the daemon started.",
	  VAL(K_U64, PE, transitions) },
};

static struct rows rows_of(const struct snmp_view *v, enum set s)
{
	switch (s) {
	case S_CHILD:
		return (struct rows){ v->children, v->nchildren, sizeof(CH), "child", F(CH, name),
		                      NULL, 0, ALL };
	case S_VRRP:
	case S_VRRP_STATS:
		return (struct rows){ v->vrrp, v->nvrrp, sizeof(VI), "vrrp_instance", F(VI, name),
		                      NULL, 0, s == S_VRRP ? ALL : F(VI, have_stats) };
	case S_GROUP:
		return (struct rows){ v->grp, v->ngrp, sizeof(GR), "group", F(GR, name), NULL, 0,
		                      ALL };
	case S_RS:
	case S_RS_CFG:
	case S_RS_IPVS:
		return (struct rows){ v->rs, v->nrs, sizeof(RS), "vs", F(RS, vs), "rs", F(RS, name),
		                      s == S_RS_IPVS ? F(RS, have_ipvs) : ALL };
	case S_VS:
	case S_VS_IPVS:
		return (struct rows){ v->vs, v->nvs, sizeof(VS), "vs", F(VS, name), NULL, 0,
		                      s == S_VS ? ALL : F(VS, have_ipvs) };
	case S_CHK:
		return (struct rows){ v->chk, v->nchk, sizeof(CK), "checker", F(CK, name), NULL, 0,
		                      ALL };
	case S_PEER:
		break;
	}
	return (struct rows){ v->peer, v->npeer, sizeof(PE), "peer", F(PE, name), NULL, 0, ALL };
}

static double when(double t)
{
	return t > 0 ? t : 0;
}

static double value(const struct snmp_view *v, const void *row, const struct fam *m,
                    size_t off)
{
	const char *p = (const char *)row + off;

	switch (m->kind) {
	case K_INT:
	case K_INT_KNOWN:
		return *(const int *)p;
	case K_UNS:
		return *(const unsigned *)p;
	case K_U64:
		return (double)*(const uint64_t *)p;
	case K_DBL:
		return *(const double *)p;
	case K_WHEN:
		return when(*(const double *)p);
	case K_FN:
	case K_CHILD_STATE:
	case K_VRRP_STATE:
		break;
	}
	return m->fn(v, row);
}

/* a state family's samples for one row (labels l, nl of them, room for one more) */
static void one_hot(FILE *f, const struct fam *m, const char **l, size_t nl, int state)
{
	int vrrp = m->kind == K_VRRP_STATE;
	int hi = vrrp ? SNMP_VRRP_STOP : SNMP_CHILD_RESTARTING;

	for (int s = vrrp ? SNMP_VRRP_INIT : SNMP_CHILD_STOPPED; s <= hi; s++) {
		l[2 * nl] = "state";
		l[2 * nl + 1] = vrrp ? snmp_vrrp_state_name(s) : snmp_child_state_name(s);
		sample(f, m->name, l, nl + 1, state == s);
	}
}

static int row_has(const struct rows *r, const void *row)
{
	return r->have == ALL || *(const int *)((const char *)row + r->have);
}

/* how many rows of set s are written */
static size_t rows_having(const struct snmp_view *v, enum set s)
{
	struct rows r = rows_of(v, s);
	size_t n = 0;

	for (size_t i = 0; i < r.n; i++)
		n += row_has(&r, (const char *)r.row + i * r.esz) != 0;
	return n;
}

/* the families of set s, in table order */
static void families(FILE *f, const struct snmp_view *v, enum set s)
{
	struct rows r = rows_of(v, s);

	for (const struct fam *m = fams; m < fams + sizeof(fams) / sizeof(fams[0]); m++) {
		if (m->set != s)
			continue;
		family(f, m->name, m->type, m->help);
		for (size_t i = 0; i < r.n; i++) {
			const void *row = (const char *)r.row + i * r.esz;
			const char *l[6] = { r.l1, (const char *)row + r.key1, r.l2,
			                     (const char *)row + r.key2 };
			size_t nl = r.l2 ? 2 : 1;

			if (!row_has(&r, row) ||
			    (m->kind == K_INT_KNOWN && *(const int *)((const char *)row + m->off) < 0))
				continue;
			if (m->kind == K_CHILD_STATE || m->kind == K_VRRP_STATE) {
				one_hot(f, m, l, nl, *(const int *)((const char *)row + m->off));
				continue;
			}
			if (!m->split) {
				sample(f, m->name, l, nl, value(v, row, m, m->off));
				continue;
			}
			for (int k = 0; k < 2; k++) {
				l[2 * nl] = m->split;
				l[2 * nl + 1] = m->sv[k];
				sample(f, m->name, l, nl + 1, value(v, row, m, k ? m->off2 : m->off));
			}
		}
	}
}

static void daemon_metrics(FILE *f, const struct snmp_view *v)
{
	family(f, "tandem_info", "gauge", "Version of the running tandemd (always 1).");
	sample1(f, "tandem_info", "version", v->version, 1);
	family(f, "tandem_start_time_seconds", "gauge",
	       "Start time of the tandemd parent since the Unix epoch in seconds.");
	sample1(f, "tandem_start_time_seconds", NULL, NULL, v->started);
	family(f, "tandem_config_generation", "gauge",
	       "Generation of the running configuration (1 at start, +1 per applied reload).");
	sample1(f, "tandem_config_generation", NULL, NULL, (double)v->generation);
	family(f, "tandem_last_reload_success", "gauge",
	       "1 if the last configuration load or reload succeeded, 0 if it was refused.");
	sample1(f, "tandem_last_reload_success", NULL, NULL, v->reload_ok ? 1 : 0);
	family(f, "tandem_last_reload_timestamp_seconds", "gauge",
	       "Time of the last configuration load or reload attempt since the Unix epoch.");
	sample1(f, "tandem_last_reload_timestamp_seconds", NULL, NULL, v->reload_time);
	family(f, "tandem_reloads_total", "counter",
	       "Configuration reloads since the daemon started, by result.");
	sample1(f, "tandem_reloads_total", "result", "ok", (double)v->reloads_ok);
	sample1(f, "tandem_reloads_total", "result", "failed", (double)v->reloads_failed);
	family(f, "tandem_events_total", "counter",
	       "Events fanned out by the event bus since the daemon started, by type.");
	for (unsigned i = 0; i < v->nevtypes; i++)
		sample1(f, "tandem_events_total", "type", v->evtypes[i].type,
		        (double)v->evtypes[i].count);
	if (v->events_other)
		sample1(f, "tandem_events_total", "type", "other", (double)v->events_other);
	family(f, "tandem_event_sequence", "gauge", "Sequence number of the newest event.");
	sample1(f, "tandem_event_sequence", NULL, NULL, (double)v->event_seq);
}

static void vrrp_stats_metrics(FILE *f, const struct snmp_view *v)
{
	if (!rows_having(v, S_VRRP_STATS))
		return;
	families(f, v, S_VRRP_STATS);
	if (!v->ndrop_names)
		return;
	family(f, "tandem_vrrp_drops_total", "counter",
	       "Packets the VRRP instance dropped, by reason.");
	for (size_t i = 0; i < v->nvrrp; i++)
		for (unsigned k = 0; v->vrrp[i].have_stats && k < v->ndrop_names; k++)
			sample2(f, "tandem_vrrp_drops_total", "vrrp_instance", v->vrrp[i].name,
			        "reason", v->drop_names[k], (double)v->vrrp[i].drops[k]);
}

static void group_metrics(FILE *f, const struct snmp_view *v)
{
	if (v->ngrp)
		families(f, v, S_GROUP);
}

static void vrrp_metrics(FILE *f, const struct snmp_view *v)
{
	if (!v->nvrrp)
		return;
	families(f, v, S_VRRP);
	vrrp_stats_metrics(f, v);
}

static void lvs_metrics(FILE *f, const struct snmp_view *v)
{
	if (v->nrs)
		families(f, v, S_RS);
	if (v->nvs)
		families(f, v, S_VS);
}

/* connections and traffic from ipvs.stats; RS rows: have_ipvs, VS rows: have_ipvs */
static void ipvs_metrics(FILE *f, const struct snmp_view *v)
{
	if (rows_having(v, S_RS_IPVS))
		families(f, v, S_RS_IPVS);
	if (rows_having(v, S_VS_IPVS))
		families(f, v, S_VS_IPVS);
}

static void rs_extra_metrics(FILE *f, const struct snmp_view *v)
{
	uint64_t *n;

	if (!v->nrs)
		return;
	families(f, v, S_RS_CFG);
	family(f, "tandem_virtual_server_real_servers", "gauge",
	       "Real servers of the virtual server, by health.");
	if (!(n = calloc(v->nvs ? v->nvs * 2 : 1, sizeof(*n))))
		return;
	for (size_t k = 0; k < v->nrs; k++) {
		const struct snmp_view_vs *q = snmp_view_vs_find(v, v->rs[k].vs);

		if (q)
			n[(size_t)(q - v->vs) * 2 + (v->rs[k].up ? 0 : 1)]++;
	}
	for (size_t i = 0; i < v->nvs; i++) {
		sample2(f, "tandem_virtual_server_real_servers", "vs", v->vs[i].name, "health", "up",
		        (double)n[i * 2]);
		sample2(f, "tandem_virtual_server_real_servers", "vs", v->vs[i].name, "health",
		        "down", (double)n[i * 2 + 1]);
	}
	free(n);
}

static void checker_metrics(FILE *f, const struct snmp_view *v)
{
	if (!v->nchk)
		return;
	family(f, "tandem_checker_info", "gauge",
	       "A health checker instance: its type and target (always 1).");
	for (size_t i = 0; i < v->nchk; i++) {
		const char *l[] = { "checker", v->chk[i].name, "type", v->chk[i].kind,
		                    "target", v->chk[i].target };

		sample(f, "tandem_checker_info", l, 3, 1);
	}
	families(f, v, S_CHK);
}

static void sync_metrics(FILE *f, const struct snmp_view *v)
{
	if (v->have_relay || v->npeer) {
		family(f, "tandem_sync_relay_frames_total", "counter",
		       "Sync relay frames, by direction (received: authenticated ones).");
		sample1(f, "tandem_sync_relay_frames_total", "direction", "sent",
		        (double)v->relay_sent);
		sample1(f, "tandem_sync_relay_frames_total", "direction", "received",
		        (double)v->relay_received);
		family(f, "tandem_sync_relay_resends_total", "counter",
		       "Sync relay frames sent again for want of an acknowledgement.");
		sample1(f, "tandem_sync_relay_resends_total", NULL, NULL, (double)v->relay_resends);
		family(f, "tandem_sync_relay_rejects_total", "counter",
		       "Frames from sync relay peers that were dropped.");
		sample1(f, "tandem_sync_relay_rejects_total", NULL, NULL, (double)v->relay_rejects);
		family(f, "tandem_sync_relay_resyncs_total", "counter",
		       "Bulk resynchronisations completed (requested or served).");
		sample1(f, "tandem_sync_relay_resyncs_total", NULL, NULL, (double)v->relay_resyncs);
	}
	if (v->npeer)
		families(f, v, S_PEER);
}

char *snmp_prom_render(const struct snmp_view *v, size_t *len)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);

	if (!f)
		return NULL;
	daemon_metrics(f, v);
	families(f, v, S_CHILD);
	vrrp_metrics(f, v);
	group_metrics(f, v);
	lvs_metrics(f, v);
	rs_extra_metrics(f, v);
	ipvs_metrics(f, v);
	checker_metrics(f, v);
	sync_metrics(f, v);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	if (len)
		*len = n;
	return buf;
}
