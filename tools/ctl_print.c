/* tools/ctl_print.c - tandemctl's human-readable output: the status table, event lines and
 * config diagnostics. */
#include "tools/ctl_client.h"

#include <stdio.h>
#include <string.h>

static const char *get_str(json_object *o, const char *key, const char *dflt)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) || !v)
		return dflt;
	return json_object_get_string(v);
}

static json_object *get(json_object *o, const char *key)
{
	json_object *v = NULL;

	if (o)
		json_object_object_get_ex(o, key, &v);
	return v;
}

static void fmt_dur(char *buf, size_t len, double s)
{
	if (s < 120)
		snprintf(buf, len, "%.1fs", s);
	else if (s < 7200)
		snprintf(buf, len, "%ldm%02lds", (long)s / 60, (long)s % 60);
	else if (s < 172800)
		snprintf(buf, len, "%ldh%02ldm", (long)(s / 3600), ((long)s % 3600) / 60);
	else
		snprintf(buf, len, "%ldd%02ldh", (long)(s / 86400), ((long)s % 86400) / 3600);
}

void ctl_print_status(json_object *reply)
{
	json_object *dm = get(reply, "daemon"), *lr = get(dm, "last_reload");
	json_object *kids = get(reply, "children");
	char up[32];

	fmt_dur(up, sizeof(up), json_object_get_double(get(dm, "uptime_s")));
	printf("tandemd %s  pid %s  up %s  started %s\n", get_str(dm, "version", "?"),
	       get_str(dm, "pid", "?"), up, get_str(dm, "started", "?"));
	printf("config  %s  generation %s\n", get_str(dm, "config_file", "?"),
	       get_str(dm, "generation", "?"));
	if (lr) {
		int ok = json_object_get_boolean(get(lr, "ok"));

		printf("reload  %s at %s (generation %s)%s%s\n", ok ? "ok" : "FAILED",
		       get_str(lr, "time", "?"), get_str(lr, "generation", "?"),
		       ok ? "" : ": ", ok ? "" : get_str(lr, "error", "?"));
	}
	printf("events  last seq %s\n\n", get_str(dm, "event_seq", "?"));
	printf("%-8s %-8s %-11s %-10s %-9s %-5s %s\n", "CHILD", "PID", "STATE", "UPTIME",
	       "RESTARTS", "GEN", "LAST EXIT");
	for (size_t i = 0; kids && i < json_object_array_length(kids); i++) {
		json_object *c = json_object_array_get_idx(kids, i);

		fmt_dur(up, sizeof(up), json_object_get_double(get(c, "uptime_s")));
		printf("%-8s %-8s %-11s %-10s %-9s %-5s %s\n", get_str(c, "name", "?"),
		       get_str(c, "pid", "-"), get_str(c, "state", "?"), up,
		       get_str(c, "restarts", "0"), get_str(c, "generation", "-"),
		       get_str(c, "last_exit", "-"));
	}
	if (!kids || !json_object_array_length(kids))
		printf("(no children: the config uses no part)\n");
}

void ctl_print_event(json_object *ev)
{
	printf("%6s %s %-24s", get_str(ev, "seq", "?"), get_str(ev, "ts", "?"),
	       get_str(ev, "type", "?"));
	json_object_object_foreach(ev, key, val) {
		if (!strcmp(key, "seq") || !strcmp(key, "ts") || !strcmp(key, "mono_ns") ||
		    !strcmp(key, "type"))
			continue;
		printf(" %s=%s", key, val ? json_object_get_string(val) : "null");
	}
	printf("\n");
}

void ctl_print_diagnostics(json_object *diags)
{
	for (size_t i = 0; diags && i < json_object_array_length(diags); i++) {
		json_object *g = json_object_array_get_idx(diags, i);

		fprintf(stderr, "%s:%s:%s: %s: %s\n", get_str(g, "file", "<config>"),
		        get_str(g, "line", "0"), get_str(g, "col", "0"),
		        get_str(g, "severity", "error"), get_str(g, "message", ""));
	}
}
