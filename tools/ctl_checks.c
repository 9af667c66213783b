/* tools/ctl_checks.c - `tandemctl checks [--json] [--limit N] [FILTER]`: every running health
 * check of the check part (one line per distinct check: target, state, last result, latency,
 * counters, how many real servers share it; "(susp)" after the state of a check suspended by
 * ha_suspend), then the real servers with their state and
 * weight. FILTER (applied by the check child) keeps the checks and real servers whose id or
 * target contains it; a reply shows at most N (default 1000, fewer when they do not fit one
 * reply) and says how many matched. */
#include "lib/json_get.h"
#include "tools/ctl_cmds_table.h"

#include <stdlib.h>
#include <string.h>

struct checks_priv {
	const char *filter;
	long long limit;
};

static int build_checks(struct ctl_call *call, int argc, char **argv)
{
	static struct checks_priv p;

	p.filter = NULL;
	p.limit = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			call->json = 1;
		} else if (!strcmp(argv[i], "--limit") && i + 1 < argc && atoll(argv[i + 1]) > 0) {
			p.limit = atoll(argv[++i]);
		} else if (argv[i][0] == '-' || p.filter) {
			fprintf(stderr, "tandemctl: checks: unexpected argument: %s\n", argv[i]);
			return CTL_EXIT_USAGE;
		} else {
			p.filter = argv[i];
		}
	}
	call->priv = &p;
	call->req = ctl_req_new("checks");
	if (p.filter)
		json_object_object_add(call->req, "filter", json_object_new_string(p.filter));
	if (p.limit > 0)
		json_object_object_add(call->req, "limit", json_object_new_int64(p.limit));
	return CTL_EXIT_OK;
}

static long long num(json_object *o, const char *key)
{
	return tdm_json_int(o, key, 0);
}

static int keep(const struct checks_priv *p, const char *a, const char *b)
{
	return !p || !p->filter || (a && strstr(a, p->filter)) || (b && strstr(b, p->filter));
}

static int print_checks(struct ctl_call *call, json_object *reply)
{
	const struct checks_priv *p = call->priv;
	json_object *a = ctl_get(reply, "checks"), *r = ctl_get(reply, "rs");
	size_t n = a && json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;
	size_t nr = r && json_object_is_type(r, json_type_array) ? json_object_array_length(r) : 0;
	size_t shown = 0, up = 0, susp = 0;

	printf("%-10s %-22s %-11s %9s %8s %8s %6s  %s\n", "KIND", "TARGET", "STATE", "LAT(ms)",
	       "OK", "FAIL", "SHARED", "LAST RESULT");
	for (size_t i = 0; i < n; i++) {
		json_object *c = json_object_array_get_idx(a, i), *lat = ctl_get(c, "latency_ms");
		const char *id = ctl_get_str(c, "id", ""), *tg = ctl_get_str(c, "target", "");
		const char *state = ctl_get_str(c, "state", "?");
		json_object *sp = ctl_get(c, "suspended");
		char st[24];
		if (!keep(p, id, tg))
			continue;
		shown++;
		up += !strcmp(state, "up");
		if (sp && json_object_get_boolean(sp)) {
			/* ha_suspend: not running here, the state is the last one known */
			susp++;
			snprintf(st, sizeof(st), "%s(susp)", state);
		} else if (!strcmp(state, "up") && num(c, "fail_run") > 0)
			snprintf(st, sizeof(st), "up(fail %lld)", num(c, "fail_run"));
		else
			snprintf(st, sizeof(st), "%s", state);
		printf("%-10s %-22s %-11s %9.1f %8lld %8lld %6lld  %s\n", ctl_get_str(c, "kind", "?"),
		       tg, st, lat ? json_object_get_double(lat) : 0., num(c, "ok"), num(c, "fail"),
		       num(c, "merged"), ctl_get_str(c, "last", ""));
	}
	if (ctl_get(reply, "checks_total") && (size_t)num(reply, "checks_total") > shown)
		printf("%lld check(s), %lld up; showing %zu (narrow with FILTER or --limit)\n",
		       num(reply, "checks_total"), num(reply, "checks_up"), shown);
	else
		printf("%zu check(s), %zu up\n", shown, up);
	if (susp)
		printf("%zu check(s) suspended (susp) by ha_suspend: their virtual server's address is "
		       "not on this director\n", susp);
	{
		json_object *role = ctl_get(reply, "role"), *pz = ctl_get(reply, "paused");
		int paused = pz && json_object_get_boolean(pz);
		if (role)
			printf("checks %s: following vrrp_instance %s (%s)\n", paused ? "paused" : "running",
			       ctl_get_str(role, "follow", "?"), ctl_get_str(role, "vrrp_state", "?"));
		else if (paused)
			printf("checks paused\n");
	}
	if (nr)
		printf("\n%-44s %-5s %7s  %s\n", "REAL SERVER", "STATE", "WEIGHT", "REASON");
	for (size_t i = 0; i < nr; i++) {
		json_object *s = json_object_array_get_idx(r, i);
		const char *id = ctl_get_str(s, "rs", "");
		json_object *u = ctl_get(s, "up");
		if (!keep(p, id, NULL))
			continue;
		printf("%-44s %-5s %7lld  %s\n", id, u && json_object_get_boolean(u) ? "up" : "down",
		       num(s, "weight"), ctl_get_str(s, "reason", ""));
	}
	return CTL_EXIT_OK;
}

const struct ctl_cmd ctl_cmd_checks = {
	.name = "checks", .args = "[--limit N] [FILTER]",
	.help = "health checks: target, state, last result, latency, counters, sharing",
	.build = build_checks, .print = print_checks,
};
