/* tools/ctl_sync.c - `tandemctl sync [--json]`: the kernel sync daemon of lvs_sync_daemon as
 * the sync part drives it: what is configured, the followed VRRP role, the threads wanted and
 * those the kernel runs, the last switch and its reason, and why nothing is applied when it
 * is not (no IPVS, a failed start). The relay is reported as not implemented yet. */
#include "tools/ctl_cmds_table.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static int build_sync(struct ctl_call *call, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			call->json = 1;
		} else {
			fprintf(stderr, "tandemctl: sync: unexpected argument: %s\n", argv[i]);
			return CTL_EXIT_USAGE;
		}
	}
	call->req = ctl_req_new("sync");
	return CTL_EXIT_OK;
}

static long long num(json_object *o, const char *key)
{
	json_object *v = ctl_get(o, key);

	return v ? json_object_get_int64(v) : 0;
}

static int print_sync(struct ctl_call *call, json_object *reply)
{
	json_object *d = ctl_get(reply, "daemon"), *ls = ctl_get(reply, "last_switch");
	json_object *m = ctl_get(reply, "members"), *ok = ctl_get(reply, "applied");
	const char *err = ctl_get_str(reply, "error", NULL);
	const char *kerr = ctl_get_str(reply, "kernel_error", NULL);

	(void)call;
	if (!json_object_get_boolean(ctl_get(reply, "configured"))) {
		printf("lvs_sync_daemon: not configured\n");
		printf("relay:           %s\n", ctl_get_str(reply, "relay", "?"));
		return CTL_EXIT_OK;
	}
	printf("lvs_sync_daemon: interface %s, %s %s, sync id %lld", ctl_get_str(d, "interface", "?"),
	       json_object_get_boolean(ctl_get(d, "sync_group")) ? "sync group" : "instance",
	       *ctl_get_str(d, "instance", "") ? ctl_get_str(d, "instance", "") : "(none)",
	       num(d, "syncid"));
	if (num(d, "maxlen"))
		printf(", maxlen %lld", num(d, "maxlen"));
	if (num(d, "port"))
		printf(", port %lld", num(d, "port"));
	if (num(d, "ttl"))
		printf(", ttl %lld", num(d, "ttl"));
	if (*ctl_get_str(d, "group", ""))
		printf(", group %s", ctl_get_str(d, "group", ""));
	printf("\n");
	printf("role:            %s\n", ctl_get_str(reply, "role", "?"));
	for (size_t i = 0; m && i < json_object_array_length(m); i++) {
		json_object *e = json_object_array_get_idx(m, i);

		printf("  member %-16s %s\n", ctl_get_str(e, "instance", "?"),
		       ctl_get_str(e, "role", "?"));
	}
	printf("wanted:          %s\n", ctl_get_str(reply, "want", "?"));
	if (ctl_get_str(reply, "kernel", NULL))
		printf("kernel:          %s\n", ctl_get_str(reply, "kernel", "?"));
	else
		printf("kernel:          unknown (%s)\n", kerr ? kerr : "?");
	printf("applied:         %s%s%s\n", ok && json_object_get_boolean(ok) ? "yes" : "no",
	       err ? ": " : "", err ? err : "");
	if (ls) {
		time_t t = (time_t)json_object_get_double(ctl_get(ls, "at"));
		char when[32];

		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", localtime(&t));
		printf("last switch:     %s to %s (%s), %lld switch(es)\n", when,
		       ctl_get_str(ls, "state", "?"), ctl_get_str(ls, "reason", "?"),
		       num(reply, "switches"));
	}
	printf("relay:           %s\n", ctl_get_str(reply, "relay", "?"));
	return CTL_EXIT_OK;
}

const struct ctl_cmd ctl_cmd_sync = {
	.name = "sync", .args = "[--json]",
	.help = "the kernel sync daemon: configured, VRRP role, kernel threads, last switch",
	.build = build_sync, .print = print_sync,
};
