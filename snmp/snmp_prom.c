/* snmp/snmp_prom.c - the monitoring view as Prometheus text exposition (format 0.0.4):
 * tandem_* metric families with HELP and TYPE lines, labels escaped. Served by the parent
 * (`tandemctl metrics`); the names are listed in docs/monitoring.md. */
#include "snmp/snmp_prom.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double when(double t);

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

static void sample1(FILE *f, const char *name, const char *lname, const char *lval,
                    double value)
{
	fputs(name, f);
	if (lname) {
		fprintf(f, "{%s=", lname);
		label(f, lval);
		fputc('}', f);
	}
	fprintf(f, " %.17g\n", value);
}

static void sample2(FILE *f, const char *name, const char *l1, const char *v1, const char *l2,
                    const char *v2, double value)
{
	fprintf(f, "%s{%s=", name, l1);
	label(f, v1);
	fprintf(f, ",%s=", l2);
	label(f, v2);
	fprintf(f, "} %.17g\n", value);
}

static void sample3(FILE *f, const char *name, const char *l1, const char *v1, const char *l2,
                    const char *v2, const char *l3, const char *v3, double value)
{
	fprintf(f, "%s{%s=", name, l1);
	label(f, v1);
	fprintf(f, ",%s=", l2);
	label(f, v2);
	fprintf(f, ",%s=", l3);
	label(f, v3);
	fprintf(f, "} %.17g\n", value);
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

static void child_metrics(FILE *f, const struct snmp_view *v)
{
	family(f, "tandem_child_up", "gauge", "1 if the part's child process is running.");
	for (unsigned i = 0; i < v->nchildren; i++)
		sample1(f, "tandem_child_up", "child", v->children[i].name,
		        v->children[i].state == SNMP_CHILD_RUNNING);
	family(f, "tandem_child_state", "gauge",
	       "State of each part's child process (1 for the current state).");
	for (unsigned i = 0; i < v->nchildren; i++)
		for (int s = SNMP_CHILD_STOPPED; s <= SNMP_CHILD_RESTARTING; s++)
			sample2(f, "tandem_child_state", "child", v->children[i].name, "state",
			        snmp_child_state_name(s), v->children[i].state == s);
	family(f, "tandem_child_restarts_total", "counter",
	       "Restarts of each part's child process by the supervisor.");
	for (unsigned i = 0; i < v->nchildren; i++)
		sample1(f, "tandem_child_restarts_total", "child", v->children[i].name,
		        v->children[i].restarts);
	family(f, "tandem_child_uptime_seconds", "gauge",
	       "Seconds since each running child process was started.");
	for (unsigned i = 0; i < v->nchildren; i++)
		sample1(f, "tandem_child_uptime_seconds", "child", v->children[i].name,
		        v->children[i].uptime_s);
	family(f, "tandem_child_config_generation", "gauge",
	       "Configuration generation each child reported holding (0 until it has one).");
	for (unsigned i = 0; i < v->nchildren; i++)
		sample1(f, "tandem_child_config_generation", "child", v->children[i].name,
		        (double)v->children[i].generation);
}

static void vrrp_stats_metrics(FILE *f, const struct snmp_view *v)
{
	size_t n = 0;

	for (size_t i = 0; i < v->nvrrp; i++)
		n += v->vrrp[i].have_stats;
	if (!n)
		return;
	family(f, "tandem_vrrp_instance_peers", "gauge",
	       "Other routers heard on the VRRP instance, from vrrp.stats events.");
	for (size_t i = 0; i < v->nvrrp; i++)
		if (v->vrrp[i].have_stats)
			sample1(f, "tandem_vrrp_instance_peers", "vrrp_instance", v->vrrp[i].name,
			        v->vrrp[i].peers);
	family(f, "tandem_vrrp_adverts_received_total", "counter",
	       "VRRP advertisements received and accepted by the instance.");
	for (size_t i = 0; i < v->nvrrp; i++)
		if (v->vrrp[i].have_stats)
			sample1(f, "tandem_vrrp_adverts_received_total", "vrrp_instance",
			        v->vrrp[i].name, (double)v->vrrp[i].rx);
	family(f, "tandem_vrrp_adverts_sent_total", "counter",
	       "VRRP advertisements sent by the instance.");
	for (size_t i = 0; i < v->nvrrp; i++)
		if (v->vrrp[i].have_stats)
			sample1(f, "tandem_vrrp_adverts_sent_total", "vrrp_instance", v->vrrp[i].name,
			        (double)v->vrrp[i].tx);
	if (!v->ndrop_names)
		return;
	family(f, "tandem_vrrp_drops_total", "counter",
	       "Packets the VRRP instance dropped, by reason.");
	for (size_t i = 0; i < v->nvrrp; i++)
		for (unsigned k = 0; v->vrrp[i].have_stats && k < v->ndrop_names; k++)
			sample2(f, "tandem_vrrp_drops_total", "vrrp_instance", v->vrrp[i].name,
			        "reason", v->drop_names[k], (double)v->vrrp[i].drops[k]);
}

/* one sample per VRRP state, 1 for the object's current state and 0 for the others */
static void vrrp_one_hot(FILE *f, const char *metric, const char *lname, const char *name,
                         int state)
{
	for (int s = SNMP_VRRP_INIT; s <= SNMP_VRRP_STOP; s++)
		sample2(f, metric, lname, name, "state", snmp_vrrp_state_name(s), state == s);
}

static void group_metrics(FILE *f, const struct snmp_view *v)
{
	if (!v->ngrp)
		return;
	family(f, "tandem_vrrp_sync_group_state", "gauge",
	       "VRRP sync group state (1 for the current state), from vrrp.group events.");
	for (size_t i = 0; i < v->ngrp; i++)
		vrrp_one_hot(f, "tandem_vrrp_sync_group_state", "group", v->grp[i].name,
		             v->grp[i].state);
	family(f, "tandem_vrrp_sync_group_transitions_total", "counter",
	       "State changes of the VRRP sync group seen since the daemon started.");
	for (size_t i = 0; i < v->ngrp; i++)
		sample1(f, "tandem_vrrp_sync_group_transitions_total", "group", v->grp[i].name,
		        (double)v->grp[i].transitions);
}

static void vrrp_metrics(FILE *f, const struct snmp_view *v)
{
	if (!v->nvrrp)
		return;
	family(f, "tandem_vrrp_instance_state", "gauge",
	       "VRRP instance state (1 for the current state), from vrrp.state events.");
	for (size_t i = 0; i < v->nvrrp; i++)
		vrrp_one_hot(f, "tandem_vrrp_instance_state", "vrrp_instance", v->vrrp[i].name,
		             v->vrrp[i].state);
	family(f, "tandem_vrrp_instance_priority", "gauge",
	       "Effective VRRP priority of the instance as last reported.");
	for (size_t i = 0; i < v->nvrrp; i++)
		if (v->vrrp[i].priority >= 0)
			sample1(f, "tandem_vrrp_instance_priority", "vrrp_instance", v->vrrp[i].name,
			        v->vrrp[i].priority);
	family(f, "tandem_vrrp_instance_transitions_total", "counter",
	       "VRRP state changes of the instance seen since the daemon started.");
	for (size_t i = 0; i < v->nvrrp; i++)
		sample1(f, "tandem_vrrp_instance_transitions_total", "vrrp_instance", v->vrrp[i].name,
		        (double)v->vrrp[i].transitions);
	family(f, "tandem_vrrp_instance_last_change_timestamp_seconds", "gauge",
	       "Time of the instance's last state event since the Unix epoch.");
	for (size_t i = 0; i < v->nvrrp; i++)
		sample1(f, "tandem_vrrp_instance_last_change_timestamp_seconds", "vrrp_instance",
		        v->vrrp[i].name, when(v->vrrp[i].last_change));
	vrrp_stats_metrics(f, v);
}

static double when(double t)
{
	return t > 0 ? t : 0;
}

static void lvs_metrics(FILE *f, const struct snmp_view *v)
{
	if (v->nrs) {
		family(f, "tandem_real_server_up", "gauge",
		       "1 if the real server passes its checks, from rs.state events.");
		for (size_t i = 0; i < v->nrs; i++)
			sample2(f, "tandem_real_server_up", "vs", v->rs[i].vs, "rs", v->rs[i].name,
			        v->rs[i].up);
		family(f, "tandem_real_server_weight", "gauge",
		       "Effective weight of the real server as last reported (-1: none).");
		for (size_t i = 0; i < v->nrs; i++)
			sample2(f, "tandem_real_server_weight", "vs", v->rs[i].vs, "rs", v->rs[i].name,
			        v->rs[i].weight);
		family(f, "tandem_real_server_transitions_total", "counter",
		       "Up/down changes of the real server seen since the daemon started.");
		for (size_t i = 0; i < v->nrs; i++)
			sample2(f, "tandem_real_server_transitions_total", "vs", v->rs[i].vs, "rs",
			        v->rs[i].name, (double)v->rs[i].transitions);
		family(f, "tandem_real_server_last_change_timestamp_seconds", "gauge",
		       "Time of the real server's last state event since the Unix epoch.");
		for (size_t i = 0; i < v->nrs; i++)
			sample2(f, "tandem_real_server_last_change_timestamp_seconds", "vs",
			        v->rs[i].vs, "rs", v->rs[i].name, when(v->rs[i].last_change));
	}
	if (v->nvs) {
		family(f, "tandem_virtual_server_quorum_up", "gauge",
		       "1 if the virtual server has quorum, from vs.quorum events.");
		for (size_t i = 0; i < v->nvs; i++) {
			int64_t live;
			int up;

			snmp_view_vs_quorum(v, &v->vs[i], &live, &up);
			sample1(f, "tandem_virtual_server_quorum_up", "vs", v->vs[i].name, up);
		}
		family(f, "tandem_virtual_server_live_weight", "gauge",
		       "Sum of the weights of the live real servers of the virtual server.");
		for (size_t i = 0; i < v->nvs; i++) {
			int64_t live;
			int up;

			snmp_view_vs_quorum(v, &v->vs[i], &live, &up);
			sample1(f, "tandem_virtual_server_live_weight", "vs", v->vs[i].name,
			        (double)live);
		}
		family(f, "tandem_virtual_server_sorry_active", "gauge",
		       "1 while the virtual server's sorry server is in use.");
		for (size_t i = 0; i < v->nvs; i++)
			sample1(f, "tandem_virtual_server_sorry_active", "vs", v->vs[i].name,
			        v->vs[i].sorry);
		family(f, "tandem_virtual_server_quorum_transitions_total", "counter",
		       "Quorum gained/lost changes of the virtual server seen since start.");
		for (size_t i = 0; i < v->nvs; i++)
			sample1(f, "tandem_virtual_server_quorum_transitions_total", "vs",
			        v->vs[i].name, (double)v->vs[i].transitions);
	}
}

/* connections and traffic from ipvs.stats; RS rows: have_ipvs, VS rows: have_ipvs */
static void ipvs_metrics(FILE *f, const struct snmp_view *v)
{
	size_t nr = 0, nv = 0;

	for (size_t i = 0; i < v->nrs; i++)
		nr += v->rs[i].have_ipvs;
	for (size_t i = 0; i < v->nvs; i++)
		nv += v->vs[i].have_ipvs;
	if (nr) {
		family(f, "tandem_real_server_kernel_weight", "gauge",
		       "Weight of the real server in the kernel's IPVS table.");
		for (size_t i = 0; i < v->nrs; i++)
			if (v->rs[i].have_ipvs)
				sample2(f, "tandem_real_server_kernel_weight", "vs", v->rs[i].vs, "rs",
				        v->rs[i].name, v->rs[i].ipvs_weight);
		family(f, "tandem_real_server_connections", "gauge",
		       "Connections to the real server now (IPVS), by state.");
		for (size_t i = 0; i < v->nrs; i++)
			if (v->rs[i].have_ipvs) {
				sample3(f, "tandem_real_server_connections", "vs", v->rs[i].vs, "rs",
				        v->rs[i].name, "state", "active", (double)v->rs[i].active);
				sample3(f, "tandem_real_server_connections", "vs", v->rs[i].vs, "rs",
				        v->rs[i].name, "state", "inactive", (double)v->rs[i].inactive);
			}
		family(f, "tandem_real_server_connections_total", "counter",
		       "Connections scheduled to the real server (IPVS).");
		for (size_t i = 0; i < v->nrs; i++)
			if (v->rs[i].have_ipvs)
				sample2(f, "tandem_real_server_connections_total", "vs", v->rs[i].vs, "rs",
				        v->rs[i].name, (double)v->rs[i].conns);
		family(f, "tandem_real_server_packets_total", "counter",
		       "Packets through the real server (IPVS), in = from clients.");
		for (size_t i = 0; i < v->nrs; i++)
			if (v->rs[i].have_ipvs) {
				sample3(f, "tandem_real_server_packets_total", "vs", v->rs[i].vs, "rs",
				        v->rs[i].name, "direction", "in", (double)v->rs[i].inpkts);
				sample3(f, "tandem_real_server_packets_total", "vs", v->rs[i].vs, "rs",
				        v->rs[i].name, "direction", "out", (double)v->rs[i].outpkts);
			}
		family(f, "tandem_real_server_bytes_total", "counter",
		       "Bytes through the real server (IPVS), in = from clients.");
		for (size_t i = 0; i < v->nrs; i++)
			if (v->rs[i].have_ipvs) {
				sample3(f, "tandem_real_server_bytes_total", "vs", v->rs[i].vs, "rs",
				        v->rs[i].name, "direction", "in", (double)v->rs[i].inbytes);
				sample3(f, "tandem_real_server_bytes_total", "vs", v->rs[i].vs, "rs",
				        v->rs[i].name, "direction", "out", (double)v->rs[i].outbytes);
			}
	}
	if (nv) {
		family(f, "tandem_virtual_server_connections_total", "counter",
		       "Connections scheduled by the virtual server (IPVS).");
		for (size_t i = 0; i < v->nvs; i++)
			if (v->vs[i].have_ipvs)
				sample1(f, "tandem_virtual_server_connections_total", "vs", v->vs[i].name,
				        (double)v->vs[i].conns);
		family(f, "tandem_virtual_server_packets_total", "counter",
		       "Packets through the virtual server (IPVS), in = from clients.");
		for (size_t i = 0; i < v->nvs; i++)
			if (v->vs[i].have_ipvs) {
				sample2(f, "tandem_virtual_server_packets_total", "vs", v->vs[i].name,
				        "direction", "in", (double)v->vs[i].inpkts);
				sample2(f, "tandem_virtual_server_packets_total", "vs", v->vs[i].name,
				        "direction", "out", (double)v->vs[i].outpkts);
			}
		family(f, "tandem_virtual_server_bytes_total", "counter",
		       "Bytes through the virtual server (IPVS), in = from clients.");
		for (size_t i = 0; i < v->nvs; i++)
			if (v->vs[i].have_ipvs) {
				sample2(f, "tandem_virtual_server_bytes_total", "vs", v->vs[i].name,
				        "direction", "in", (double)v->vs[i].inbytes);
				sample2(f, "tandem_virtual_server_bytes_total", "vs", v->vs[i].name,
				        "direction", "out", (double)v->vs[i].outbytes);
			}
	}
}

static void rs_extra_metrics(FILE *f, const struct snmp_view *v)
{
	uint64_t *n;

	if (!v->nrs)
		return;
	family(f, "tandem_real_server_configured_weight", "gauge",
	       "Weight the configuration gives the real server (-1: not reported).");
	for (size_t i = 0; i < v->nrs; i++)
		sample2(f, "tandem_real_server_configured_weight", "vs", v->rs[i].vs, "rs",
		        v->rs[i].name, v->rs[i].cfg_weight);
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
	for (size_t i = 0; i < v->nchk; i++)
		sample3(f, "tandem_checker_info", "checker", v->chk[i].name, "type", v->chk[i].kind,
		        "target", v->chk[i].target, 1);
	family(f, "tandem_checker_ok", "gauge", "1 if the checker's last result was a success.");
	for (size_t i = 0; i < v->nchk; i++)
		sample1(f, "tandem_checker_ok", "checker", v->chk[i].name, v->chk[i].ok);
	family(f, "tandem_checker_latency_seconds", "gauge",
	       "Duration of the attempt that last changed the checker's result.");
	for (size_t i = 0; i < v->nchk; i++)
		sample1(f, "tandem_checker_latency_seconds", "checker", v->chk[i].name,
		        v->chk[i].latency_ms / 1000.0);
	family(f, "tandem_checker_references", "gauge",
	       "Real servers using the checker (more than 1: identical checkers merged).");
	for (size_t i = 0; i < v->nchk; i++)
		sample1(f, "tandem_checker_references", "checker", v->chk[i].name, v->chk[i].refs);
	family(f, "tandem_checker_transitions_total", "counter",
	       "Result changes of the checker seen since the daemon started.");
	for (size_t i = 0; i < v->nchk; i++)
		sample1(f, "tandem_checker_transitions_total", "checker", v->chk[i].name,
		        (double)v->chk[i].transitions);
	family(f, "tandem_checker_last_change_timestamp_seconds", "gauge",
	       "Time of the checker's last result change since the Unix epoch.");
	for (size_t i = 0; i < v->nchk; i++)
		sample1(f, "tandem_checker_last_change_timestamp_seconds", "checker",
		        v->chk[i].name, when(v->chk[i].last_change));
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
	if (!v->npeer)
		return;
	family(f, "tandem_sync_peer_up", "gauge", "1 if the sync relay peer is heard.");
	for (size_t i = 0; i < v->npeer; i++)
		sample1(f, "tandem_sync_peer_up", "peer", v->peer[i].name, v->peer[i].up);
	family(f, "tandem_sync_peer_transitions_total", "counter",
	       "Up/down changes of the sync relay peer seen since the daemon started.");
	for (size_t i = 0; i < v->npeer; i++)
		sample1(f, "tandem_sync_peer_transitions_total", "peer", v->peer[i].name,
		        (double)v->peer[i].transitions);
}

char *snmp_prom_render(const struct snmp_view *v, size_t *len)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);

	if (!f)
		return NULL;
	daemon_metrics(f, v);
	child_metrics(f, v);
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
