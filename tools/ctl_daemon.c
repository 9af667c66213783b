/* tools/ctl_daemon.c - tandemctl subcommands answered by the daemon (parent) itself: status,
 * reload, events (a stream) and ping. */
#include "tools/ctl_cmds_table.h"

#include <errno.h>
#include <getopt.h>
#include <string.h>
#include <time.h>

static int build_plain(struct ctl_call *call, int argc, char **argv)
{
	int rc = ctl_args_none(argc, argv);

	if (rc == CTL_EXIT_OK)
		call->req = ctl_req_new(argv[0]);
	return rc;
}

static int print_status(struct ctl_call *call, json_object *reply)
{
	ctl_print_status(reply);
	return CTL_EXIT_OK;
}

const struct ctl_cmd ctl_cmd_status = {
	.name = "status", .args = "",
	.help = "daemon, config generation, last reload, children",
	.build = build_plain, .print = print_status,
};

static int build_reload(struct ctl_call *call, int argc, char **argv)
{
	int rc = build_plain(call, argc, argv);

	/* a reload of a very large config may take a while: wait longer by default */
	if (call->timeout_ms < 0)
		call->wait_ms = 300000;
	return rc;
}

static int print_reload(struct ctl_call *call, json_object *reply)
{
	printf("reloaded: config generation %s\n", ctl_get_str(reply, "generation", "?"));
	return CTL_EXIT_OK;
}

const struct ctl_cmd ctl_cmd_reload = {
	.name = "reload", .args = "",
	.help = "reload the config (exit 1 if it is refused)",
	.build = build_reload, .print = print_reload,
};

static int print_ping(struct ctl_call *call, json_object *reply)
{
	printf("pong\n");
	return CTL_EXIT_OK;
}

const struct ctl_cmd ctl_cmd_ping = {
	.name = "ping", .args = "",
	.help = "check that the daemon answers",
	.build = build_plain, .print = print_ping,
};

/* events */

struct events_args {
	long long since;            /* -1 = none */
	long long count;            /* -1 = unlimited */
	const char *type;
};

static struct events_args ev_args;

static int build_events(struct ctl_call *call, int argc, char **argv)
{
	enum { OPT_SINCE = 256, OPT_COUNT, OPT_TYPE };
	static const struct option opts[] = {
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "count", required_argument, NULL, OPT_COUNT },
		{ "type", required_argument, NULL, OPT_TYPE },
		{ NULL, 0, NULL, 0 },
	};
	int c, bad = 0;

	ev_args = (struct events_args){ .since = -1, .count = -1 };
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case OPT_SINCE: bad |= ctl_parse_count(optarg, "--since", &ev_args.since); break;
		case OPT_COUNT: bad |= ctl_parse_count(optarg, "--count", &ev_args.count); break;
		case OPT_TYPE: ev_args.type = optarg; break;
		default: bad = 1; break;
		}
	}
	if (!bad && optind < argc) {
		fprintf(stderr, "tandemctl: events takes no arguments: %s\n", argv[optind]);
		bad = 1;
	}
	if (bad)
		return CTL_EXIT_USAGE;
	call->req = ctl_req_new("events");
	if (ev_args.since >= 0)
		json_object_object_add(call->req, "since", json_object_new_int64(ev_args.since));
	if (ev_args.type)
		json_object_object_add(call->req, "type", json_object_new_string(ev_args.type));
	call->priv = &ev_args;
	return CTL_EXIT_OK;
}

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static int stream_events(struct ctl_call *call, struct ctl_conn *c, json_object *first)
{
	const struct events_args *a = call->priv;
	long long seen = 0, deadline_ms = -1;

	if (a->count == 0)
		return CTL_EXIT_OK;
	if (call->timeout_ms >= 0)
		deadline_ms = mono_ms() + call->timeout_ms;
	for (;;) {
		json_object *ev, *type;
		int wait = -1, rc;
		char *line;

		if (deadline_ms >= 0) {
			wait = (int)(deadline_ms - mono_ms());
			if (wait < 0)
				wait = 0;
		}
		rc = ctl_read_line(c, wait, &line);
		if (rc == 0) {
			fprintf(stderr, "tandemctl: the daemon closed the event stream\n");
			return CTL_EXIT_CONNECT;
		}
		if (rc < 0) {
			if (errno == ETIMEDOUT && a->count < 0)
				return CTL_EXIT_OK;
			fprintf(stderr, "tandemctl: %s\n", errno == ETIMEDOUT ?
			        "timed out waiting for events" : strerror(errno));
			return CTL_EXIT_CONNECT;
		}
		ev = json_tokener_parse(line);
		if (!ev || !json_object_is_type(ev, json_type_object)) {
			fprintf(stderr, "tandemctl: malformed event from the daemon\n");
			json_object_put(ev);
			return CTL_EXIT_CONNECT;
		}
		if (a->type && (!json_object_object_get_ex(ev, "type", &type) ||
		                strncmp(json_object_get_string(type), a->type, strlen(a->type)))) {
			json_object_put(ev);
			continue;
		}
		if (call->json)
			printf("%s\n", line);
		else
			ctl_print_event(ev);
		fflush(stdout);
		json_object_put(ev);
		if (a->count >= 0 && ++seen >= a->count)
			return CTL_EXIT_OK;
	}
}

const struct ctl_cmd ctl_cmd_events = {
	.name = "events", .args = "[--since N] [--count N] [--type PREFIX]",
	.help = "follow the event stream",
	.build = build_events, .stream = stream_events,
};
