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

static void vrrp_metrics(FILE *f, const struct snmp_view *v)
{
	if (!v->nvrrp)
		return;
	family(f, "tandem_vrrp_instance_state", "gauge",
	       "VRRP instance state (1 for the current state), from vrrp.state events.");
	for (size_t i = 0; i < v->nvrrp; i++)
		for (int s = SNMP_VRRP_INIT; s <= SNMP_VRRP_STOP; s++)
			sample2(f, "tandem_vrrp_instance_state", "vrrp_instance", v->vrrp[i].name, "state",
			        snmp_vrrp_state_name(s), v->vrrp[i].state == s);
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
		for (size_t i = 0; i < v->nvs; i++)
			sample1(f, "tandem_virtual_server_quorum_up", "vs", v->vs[i].name,
			        v->vs[i].quorum_up);
		family(f, "tandem_virtual_server_live_weight", "gauge",
		       "Sum of the weights of the live real servers of the virtual server.");
		for (size_t i = 0; i < v->nvs; i++)
			sample1(f, "tandem_virtual_server_live_weight", "vs", v->vs[i].name,
			        (double)v->vs[i].live_weight);
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
	lvs_metrics(f, v);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	if (len)
		*len = n;
	return buf;
}
