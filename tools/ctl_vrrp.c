/* tools/ctl_vrrp.c - tandemctl vrrp [--json] [NAME] (status of the VRRP instances) and
 * tandemctl vrrp demote|promote|garp NAME (drills), answered by the VRRP child
 * ({"cmd":"vrrp","op":...,"instance":...}; reply format in docs/vrrp.md). */
#include "lib/json_get.h"
#include "tools/ctl_cmds_table.h"

#include <string.h>

static int build_vrrp(struct ctl_call *call, int argc, char **argv)
{
	const char *op = "status", *name = NULL;
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--json")) {
			call->json = 1;
		} else {
			fprintf(stderr, "tandemctl: vrrp: unknown option %s\n", argv[i]);
			return CTL_EXIT_USAGE;
		}
	}
	if (i < argc && (!strcmp(argv[i], "demote") || !strcmp(argv[i], "promote") ||
	                 !strcmp(argv[i], "garp") || !strcmp(argv[i], "status")))
		op = argv[i++];
	if (i < argc)
		name = argv[i++];
	for (; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			call->json = 1;
			continue;
		}
		fprintf(stderr, "tandemctl: vrrp: unexpected argument %s\n", argv[i]);
		return CTL_EXIT_USAGE;
	}
	if (strcmp(op, "status") && !name) {
		fprintf(stderr, "tandemctl: vrrp %s needs an instance NAME\n", op);
		return CTL_EXIT_USAGE;
	}
	call->req = ctl_req_new("vrrp");
	json_object_object_add(call->req, "op", json_object_new_string(op));
	if (name)
		json_object_object_add(call->req, "instance", json_object_new_string(name));
	return CTL_EXIT_OK;
}

static long long geti(json_object *o, const char *k)
{
	return tdm_json_int(o, k, 0);
}

static double getd(json_object *o, const char *k)
{
	json_object *v = ctl_get(o, k);

	return v ? json_object_get_double(v) : 0;
}

/* one line per tracking reference: "    track process tp: failed, -150" */
static void print_tracking(json_object *trk)
{
	json_object *refs = ctl_get(trk, "refs");

	for (size_t i = 0; refs && i < json_object_array_length(refs); i++) {
		json_object *r = json_object_array_get_idx(refs, i), *ok = ctl_get(r, "ok");

		printf("    track %s %s%s: %s, %+lld\n", ctl_get_str(r, "what", "?"),
		       ctl_get_str(r, "name", "?"), ctl_get(r, "group") ? " (group)" : "",
		       !ok ? "unknown" : json_object_get_boolean(ok) ? "ok" : "failed",
		       geti(r, "delta"));
	}
}

static void print_inst(json_object *in)
{
	json_object *m = ctl_get(in, "master"), *peers = ctl_get(in, "peers");
	json_object *cnt = ctl_get(in, "counters"), *drops = ctl_get(cnt, "drops");
	char master[96], prio[16];
	int any = 0;

	snprintf(prio, sizeof(prio), "%lld/%lld", geti(in, "priority"),
	         geti(in, "priority_configured"));
	if (!m)
		snprintf(master, sizeof(master), "-");
	else if (json_object_get_boolean(ctl_get(m, "self")))
		snprintf(master, sizeof(master), "self (%s)", ctl_get_str(m, "address", "?"));
	else
		snprintf(master, sizeof(master), "%s prio %lld, %.2fs ago",
		         ctl_get_str(m, "address", "?"), geti(m, "priority"),
		         getd(m, "last_heard_s"));
	printf("%-16s %4lld %-10s v%lld %-7s %-9s %-34s %8lld %8lld %6lld\n",
	       ctl_get_str(in, "name", "?"), geti(in, "vrid"), ctl_get_str(in, "interface", "-"),
	       geti(in, "version"), ctl_get_str(in, "state", "?"), prio, master, geti(cnt, "rx"),
	       geti(cnt, "tx"), geti(cnt, "transitions"));
	for (size_t i = 0; peers && i < json_object_array_length(peers); i++) {
		json_object *p = json_object_array_get_idx(peers, i);

		printf("    peer %s prio %lld, heard %.2fs ago, %lld adverts\n",
		       ctl_get_str(p, "address", "?"), geti(p, "priority"), getd(p, "last_heard_s"),
		       geti(p, "adverts"));
	}
	print_tracking(ctl_get(in, "tracking"));
	if (drops) {
		json_object_object_foreach(drops, k, v) {
			if (!json_object_get_int64(v))
				continue;
			printf("%s%s=%lld", any ? " " : "    drops: ", k,
			       (long long)json_object_get_int64(v));
			any = 1;
		}
		if (any)
			printf("\n");
	}
}

static int print_vrrp(struct ctl_call *call, json_object *reply)
{
	json_object *list = ctl_get(reply, "instances"), *one = ctl_get(reply, "instance");

	printf("%-16s %4s %-10s %-2s %-7s %-9s %-34s %8s %8s %6s\n", "INSTANCE", "VRID",
	       "INTERFACE", "V", "STATE", "PRIO/CONF", "MASTER", "RX", "TX", "TRANS");
	if (one)
		print_inst(one);
	for (size_t i = 0; list && i < json_object_array_length(list); i++)
		print_inst(json_object_array_get_idx(list, i));
	return CTL_EXIT_OK;
}

const struct ctl_cmd ctl_cmd_vrrp = {
	.name = "vrrp", .args = "[--json] [demote|promote|garp] [NAME]",
	.help = "VRRP instances: state, priorities, master, peers, drops; drills",
	.build = build_vrrp, .print = print_vrrp,
};
