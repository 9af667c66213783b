/* tools/ctl_ipvs.c - tandemctl's IPVS subcommands, served by the check part:
 *   ipvs [--limit N]                 the kernel's table with stats, like ipvsadm -Ln --stats,
 *                                    plus tandem's view (config object, overrides, draining,
 *                                    foreign entries) and the last apply errors
 *   rs drain|enable|weight VS RS [N] runtime override of one real server
 *   doctor                           the director's sysctls for the configured methods and
 *                                    what each DR/TUN/NAT real server needs (exit 1 when a
 *                                    director check fails) */
#include "lib/json_get.h"
#include "tools/ctl_cmds_table.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static int build_ipvs(struct ctl_call *call, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "limit", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	long long limit = -1;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'l' || ctl_parse_count(optarg, "--limit", &limit) < 0)
			return CTL_EXIT_USAGE;
	}
	if (optind < argc) {
		fprintf(stderr, "tandemctl: ipvs takes no arguments: %s\n", argv[optind]);
		return CTL_EXIT_USAGE;
	}
	call->req = ctl_req_new("ipvs");
	if (limit > 0)
		json_object_object_add(call->req, "limit", json_object_new_int64(limit));
	return CTL_EXIT_OK;
}

static unsigned long long num(json_object *o, const char *key)
{
	return tdm_json_u64(o, key);
}

/* ipvsadm's short numbers: 1234, 12345K, 123M */
static const char *kfmt(char *buf, size_t len, unsigned long long v)
{
	if (v < 100000ull)
		snprintf(buf, len, "%llu", v);
	else if (v < 100000000ull)
		snprintf(buf, len, "%lluK", v / 1000);
	else if (v < 100000000000ull)
		snprintf(buf, len, "%lluM", v / 1000000);
	else
		snprintf(buf, len, "%lluG", v / 1000000000);
	return buf;
}

static void stats_cols(json_object *o)
{
	char a[16], b[16], c[16], d[16], e[16];

	printf(" %8s %8s %8s %8s %8s", kfmt(a, sizeof(a), num(o, "conns")),
	       kfmt(b, sizeof(b), num(o, "inpkts")), kfmt(c, sizeof(c), num(o, "outpkts")),
	       kfmt(d, sizeof(d), num(o, "inbytes")), kfmt(e, sizeof(e), num(o, "outbytes")));
}

static void print_svc(json_object *s)
{
	const char *key = ctl_get_str(s, "service", "?"), *fl = ctl_get_str(s, "sched_flags", "");
	char line[256];
	int n;

	/* "TCP 10.0.0.1:80" -> "TCP  10.0.0.1:80" as ipvsadm aligns it */
	n = snprintf(line, sizeof(line), "%s", key);
	if (strchr(key, ' ') && n > 0) {
		const char *sp = strchr(key, ' ');

		snprintf(line, sizeof(line), "%-4.*s %s", (int)(sp - key), key, sp + 1);
	}
	printf("%s %s", line, ctl_get_str(s, "sched", "?"));
	if (*fl)
		printf(" (%s)", fl);
	if (ctl_get(s, "persistent")) {
		printf(" persistent %s", ctl_get_str(s, "persistent", "?"));
		if (ctl_get(s, "netmask"))
			printf(" mask %s", ctl_get_str(s, "netmask", "?"));
	}
	if (ctl_get(s, "ops"))
		printf(" ops");
	if (ctl_get(s, "pe"))
		printf(" pe %s", ctl_get_str(s, "pe", "?"));
	printf("\n      %-38s", json_object_get_boolean(ctl_get(s, "owned")) ?
	       ctl_get_str(s, "config", "tandem") : "(not tandem's)");
	stats_cols(s);
	printf("\n");
}

static void print_dest(json_object *d)
{
	char tags[160] = "";
	size_t off = 0;
	json_object *v;

	if (!json_object_get_boolean(ctl_get(d, "owned")))
		off += (size_t)snprintf(tags + off, sizeof(tags) - off, " foreign");
	if ((v = ctl_get(d, "override")) && off < sizeof(tags))
		off += (size_t)snprintf(tags + off, sizeof(tags) - off, " override=%s",
					json_object_get_string(v));
	if ((v = ctl_get(d, "draining_s")) && off < sizeof(tags))
		off += (size_t)snprintf(tags + off, sizeof(tags) - off, " draining(%.0fs left)",
					json_object_get_double(v));
	if ((v = ctl_get(d, "up")) && !json_object_get_boolean(v) && off < sizeof(tags))
		off += (size_t)snprintf(tags + off, sizeof(tags) - off, " down");
	if (ctl_get(d, "sorry") && off < sizeof(tags))
		snprintf(tags + off, sizeof(tags) - off, " sorry_server");
	printf("  -> %-24s %-7s %6s %10s %9s", ctl_get_str(d, "dest", "?"),
	       ctl_get(d, "fnat") ? "FNAT" : ctl_get_str(d, "fwd", "?"),
	       ctl_get_str(d, "weight", "?"),
	       ctl_get_str(d, "active", "0"), ctl_get_str(d, "inactive", "0"));
	stats_cols(d);
	printf("%s\n", tags);
}

static int print_ipvs(struct ctl_call *call, json_object *reply)
{
	json_object *svcs = ctl_get(reply, "services"), *errs = ctl_get(reply, "errors"), *fn;
	size_t n = svcs ? json_object_array_length(svcs) : 0;

	printf("IP Virtual Server: %zu service(s), %s destination(s)", n,
	       ctl_get_str(reply, "ndests", "0"));
	if (num(reply, "draining"))
		printf(", %s draining", ctl_get_str(reply, "draining", "0"));
	printf("\nProt LocalAddress:Port Scheduler Flags\n");
	printf("  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn"
	       "    Conns   InPkts  OutPkts  InBytes OutBytes\n");
	for (size_t i = 0; i < n; i++) {
		json_object *s = json_object_array_get_idx(svcs, i), *ds = ctl_get(s, "dests");

		print_svc(s);
		for (size_t j = 0; ds && j < json_object_array_length(ds); j++)
			print_dest(json_object_array_get_idx(ds, j));
	}
	if ((fn = ctl_get(reply, "fnat")))
		printf("FNAT: %s rule(s) in nftables table %s, net.ipv4.vs.conntrack=%s\n",
		       ctl_get_str(fn, "rules", "0"), ctl_get_str(fn, "table", "?"),
		       ctl_get_str(fn, "conntrack", "?"));
	if (json_object_get_boolean(ctl_get(reply, "truncated")))
		printf("(destinations cut to fit one reply: use --limit or --json)\n");
	for (size_t i = 0; errs && i < json_object_array_length(errs); i++)
		printf("error: %s\n", json_object_get_string(json_object_array_get_idx(errs, i)));
	return CTL_EXIT_OK;
}

const struct ctl_cmd ctl_cmd_ipvs = {
	.name = "ipvs", .args = "[--limit N]",
	.help = "IPVS services and real servers with stats (as ipvsadm -Ln --stats)",
	.build = build_ipvs, .print = print_ipvs,
};

static int build_rs(struct ctl_call *call, int argc, char **argv)
{
	const char *action;
	long long w = 0;

	if (argc < 4) {
		fprintf(stderr, "tandemctl: rs: expected drain|enable|weight VS RS [N]\n");
		return CTL_EXIT_USAGE;
	}
	action = argv[1];
	if (strcmp(action, "drain") && strcmp(action, "enable") && strcmp(action, "weight")) {
		fprintf(stderr, "tandemctl: rs: unknown action %s (drain, enable, weight)\n", action);
		return CTL_EXIT_USAGE;
	}
	if (!strcmp(action, "weight") ? argc != 5 : argc != 4) {
		fprintf(stderr, "tandemctl: rs %s: expected VS RS%s\n", action,
			!strcmp(action, "weight") ? " N" : "");
		return CTL_EXIT_USAGE;
	}
	if (!strcmp(action, "weight") && (ctl_parse_count(argv[4], "weight", &w) < 0 ||
					  w > 65535)) {
		if (w > 65535)
			fprintf(stderr, "tandemctl: weight %lld out of range 0..65535\n", w);
		return CTL_EXIT_USAGE;
	}
	call->req = ctl_req_new("rs");
	json_object_object_add(call->req, "action", json_object_new_string(action));
	json_object_object_add(call->req, "vs", json_object_new_string(argv[2]));
	json_object_object_add(call->req, "rs", json_object_new_string(argv[3]));
	if (!strcmp(action, "weight"))
		json_object_object_add(call->req, "weight", json_object_new_int((int)w));
	return CTL_EXIT_OK;
}

static int print_rs(struct ctl_call *call, json_object *reply)
{
	const char *action = ctl_get_str(reply, "action", "?");

	if (!strcmp(action, "weight"))
		printf("%s: weight %s\n", ctl_get_str(reply, "rs", "?"),
		       ctl_get_str(reply, "weight", "?"));
	else
		printf("%s: %s\n", ctl_get_str(reply, "rs", "?"),
		       !strcmp(action, "drain") ? "drained (weight 0)" : "enabled");
	return CTL_EXIT_OK;
}

const struct ctl_cmd ctl_cmd_rs = {
	.name = "rs", .args = "drain|enable|weight VS RS [N]",
	.help = "drain, re-enable or re-weight one real server at runtime",
	.build = build_rs, .print = print_rs,
};

static int build_doctor(struct ctl_call *call, int argc, char **argv)
{
	int rc = ctl_args_none(argc, argv);

	if (rc == CTL_EXIT_OK)
		call->req = ctl_req_new("doctor");
	return rc;
}

static int print_doctor(struct ctl_call *call, json_object *reply)
{
	json_object *checks = ctl_get(reply, "checks"), *rs = ctl_get(reply, "real_servers");

	printf("director:\n");
	for (size_t i = 0; checks && i < json_object_array_length(checks); i++) {
		json_object *c = json_object_array_get_idx(checks, i);
		int ok = json_object_get_boolean(ctl_get(c, "ok"));

		printf("  [%s] %s: %s%s%s\n", ok ? " ok " : "FAIL", ctl_get_str(c, "check", "?"),
		       ctl_get_str(c, "value", "(missing)"), ctl_get(c, "want") ? ", want " : "",
		       ctl_get(c, "want") ? ctl_get_str(c, "want", "") : "");
		if (!ok)
			printf("         %s\n         fix: %s\n", ctl_get_str(c, "why", ""),
			       ctl_get_str(c, "fix", ""));
	}
	for (size_t i = 0; rs && i < json_object_array_length(rs); i++) {
		json_object *o = json_object_array_get_idx(rs, i), *v;

		printf("\nreal servers of %s (%s):", ctl_get_str(o, "service", "?"),
		       ctl_get_str(o, "method", "?"));
		v = ctl_get(o, "servers");
		for (size_t j = 0; v && j < json_object_array_length(v); j++)
			printf(" %s", json_object_get_string(json_object_array_get_idx(v, j)));
		printf("\n  VIP:");
		v = ctl_get(o, "vips");
		for (size_t j = 0; v && j < json_object_array_length(v); j++)
			printf(" %s", json_object_get_string(json_object_array_get_idx(v, j)));
		printf("\n");
		v = ctl_get(o, "steps");
		for (size_t j = 0; v && j < json_object_array_length(v); j++)
			printf("  - %s\n", json_object_get_string(json_object_array_get_idx(v, j)));
	}
	return json_object_get_int(ctl_get(reply, "problems")) ? CTL_EXIT_ERROR : CTL_EXIT_OK;
}

const struct ctl_cmd ctl_cmd_doctor = {
	.name = "doctor", .args = "",
	.help = "director sysctls for the configured IPVS methods, real-server setup",
	.build = build_doctor, .print = print_doctor,
};
