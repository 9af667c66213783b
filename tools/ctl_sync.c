/* tools/ctl_sync.c - `tandemctl sync [resync] [--json]`: the kernel sync daemon as the sync
 * part drives it (what is configured, the followed VRRP role, the threads wanted and those
 * the kernel runs, the last switch and why nothing is applied when it is not) and the sync
 * relay (peers, epochs, frames, rejections by reason, entries in flight, back-pressure, the
 * last bulk resync). `resync` asks the relay for a bulk resync first. */
#include "lib/json_get.h"
#include "tools/ctl_cmds_table.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static int build_sync(struct ctl_call *call, int argc, char **argv)
{
	int resync = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			call->json = 1;
		} else if (!strcmp(argv[i], "resync")) {
			resync = 1;
		} else {
			fprintf(stderr, "tandemctl: sync: unexpected argument: %s\n", argv[i]);
			return CTL_EXIT_USAGE;
		}
	}
	call->req = ctl_req_new("sync");
	if (resync)
		json_object_object_add(call->req, "resync", json_object_new_boolean(1));
	return CTL_EXIT_OK;
}

static long long num(json_object *o, const char *key)
{
	return tdm_json_int(o, key, 0);
}

static void print_when(const char *label, double at)
{
	time_t t = (time_t)at;
	char when[32];

	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", localtime(&t));
	printf("%s%s", label, when);
}

static void print_relay(json_object *r)
{
	json_object *l = ctl_get(r, "local"), *ps = ctl_get(r, "peers"), *f = ctl_get(r, "frames");
	json_object *rej = ctl_get(r, "rejected"), *e = ctl_get(r, "entries");
	json_object *k = ctl_get(r, "kernel"), *in = ctl_get(r, "in_flight");
	json_object *bp = ctl_get(r, "backpressure"), *rs = ctl_get(r, "resync");
	json_object *last = ctl_get(rs, "last");

	printf("relay:           %s on %s port %lld%s%s, sender id %lld, epoch %lld\n",
	       ctl_get_str(r, "mode", "?"), ctl_get_str(r, "interface", "?"), num(r, "port"),
	       *ctl_get_str(r, "group", "") ? " group " : "", ctl_get_str(r, "group", ""),
	       num(r, "sender_id"), num(r, "epoch"));
	printf("  following:     %s (%s)\n", ctl_get_str(r, "instance", "?"), ctl_get_str(r, "role", "?"));
	if (ctl_get_str(r, "error", NULL))
		printf("  error:         %s\n", ctl_get_str(r, "error", ""));
	printf("  kernel side:   %s group %s port %lld sync id %lld, tap %s, inject %s%s%s\n",
	       ctl_get_str(l, "interface", "?"), ctl_get_str(l, "group", "?"), num(l, "port"),
	       num(l, "syncid"), json_object_get_boolean(ctl_get(l, "tap")) ? "open" : "closed",
	       json_object_get_boolean(ctl_get(l, "inject")) ? "open" : "closed",
	       ctl_get_str(l, "error", NULL) ? ": " : "", ctl_get_str(l, "error", ""));
	for (size_t i = 0; ps && i < json_object_array_length(ps); i++) {
		json_object *p = json_object_array_get_idx(ps, i);

		printf("  peer %-15s %-4s id %lld epoch %lld role %s, %lld frames, owes %lld, %lld epoch change(s)",
		       ctl_get_str(p, "address", "?"), ctl_get_str(p, "state", "?"), num(p, "sender_id"),
		       num(p, "epoch"), ctl_get_str(p, "role", "?"), num(p, "frames"), num(p, "owed"),
		       num(p, "epochs"));
		if (json_object_get_double(ctl_get(p, "last_heard")) > 0)
			print_when(", last heard ", json_object_get_double(ctl_get(p, "last_heard")));
		printf("\n");
		json_object *tx = ctl_get(p, "tx");
		if (tx) {
			printf("    sending:     rtt %.1f ms (%lld sample(s)), resend after %.1f ms, "
			       "%lld entries in flight, window ",
			       json_object_get_double(ctl_get(tx, "srtt_ms")), num(tx, "samples"),
			       json_object_get_double(ctl_get(tx, "rto_ms")), num(tx, "in_flight_entries"));
			if (ctl_get(tx, "window"))
				printf("%lld\n", num(tx, "window"));
			else
				printf("not told yet\n");
		}
	}
	printf("  frames:        sent %lld, received %lld, resent %lld, acks sent %lld, acks received %lld\n",
	       num(f, "sent"), num(f, "received"), num(f, "resent"), num(f, "acks_sent"),
	       num(f, "acks_received"));
	printf("  rejected:      %lld", num(rej, "total"));
	json_object_object_foreach(rej, key, val) {
		if (strcmp(key, "total") && json_object_get_int64(val))
			printf(", %s %lld", key, (long long)json_object_get_int64(val));
	}
	printf("\n");
	printf("  entries:       from kernel %lld, sent %lld, received %lld, to kernel %lld\n",
	       num(e, "from_kernel"), num(e, "sent"), num(e, "received"), num(e, "to_kernel"));
	printf("  kernel msgs:   in %lld, out %lld, malformed %lld, entries dropped %lld\n",
	       num(k, "messages_in"), num(k, "messages_out"), num(k, "malformed"), num(k, "dropped"));
	printf("  to kernel:     %lld entries queued (at most %lld), receive window %lld\n",
	       num(k, "queued_entries"), num(k, "queued_max"), num(k, "receive_window"));
	printf("  in flight:     %lld frame(s) of %lld, %lld entries; back-pressure %s (%lld time(s))\n",
	       num(in, "frames"), num(in, "cap"), num(in, "entries"),
	       json_object_get_boolean(ctl_get(bp, "active")) ? "ON" : "off", num(bp, "events"));
	printf("  resync:        %lld request(s) sent, %lld served%s\n", num(rs, "requests_sent"),
	       num(rs, "requests_served"), json_object_get_boolean(ctl_get(rs, "running")) ? ", one running" : "");
	if (ctl_get(rs, "mirror")) {
		json_object *mi = ctl_get(rs, "mirror");

		printf("  mirror:        %lld connection(s) of %lld, %lld read from the kernel at start%s, "
		       "%lld refused\n", num(mi, "entries"), num(mi, "max"), num(mi, "read_from_kernel"),
		       json_object_get_boolean(ctl_get(mi, "reading")) ? " (still reading)" : "",
		       num(mi, "refused"));
	}
	if (last) {
		print_when("  last resync:   ", json_object_get_double(ctl_get(last, "started")));
		printf(" as %s with peer %lld: %s, %lld entries", ctl_get_str(last, "side", "?"),
		       num(last, "peer"), ctl_get_str(last, "status", "?"), num(last, "entries"));
		if (ctl_get(last, "duration"))
			printf(" in %.3f s", json_object_get_double(ctl_get(last, "duration")));
		printf("\n");
	}
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
		printf("relay:           not configured\n");
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
	if (ctl_get(reply, "relay"))
		print_relay(ctl_get(reply, "relay"));
	else if (ctl_get_str(reply, "relay_error", NULL))
		printf("relay:           not running: %s\n", ctl_get_str(reply, "relay_error", ""));
	else
		printf("relay:           not configured\n");
	return CTL_EXIT_OK;
}

const struct ctl_cmd ctl_cmd_sync = {
	.name = "sync", .args = "[resync] [--json]",
	.help = "connection sync: kernel threads by VRRP role, the relay's peers, counters, resync",
	.build = build_sync, .print = print_sync,
};
