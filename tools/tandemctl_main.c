/* tools/tandemctl_main.c - tandemctl, the control-socket client (docs/control.md):
 * status | reload | events [--since N] [--count N] [--type PREFIX] | ping. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "tools/ctl_client.h"

#define DEFAULT_CONTROL "/run/tandem/tandemd.sock"

enum { OPT_CONTROL = 256, OPT_JSON, OPT_TIMEOUT, OPT_SINCE, OPT_COUNT, OPT_TYPE };

static const struct option long_opts[] = {
	{ "control", required_argument, NULL, OPT_CONTROL },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "since", required_argument, NULL, OPT_SINCE },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "type", required_argument, NULL, OPT_TYPE },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct ctl_args {
	const char *control;
	int json;
	int timeout_ms;             /* -1 = default */
	long long since;            /* -1 = none */
	long long count;            /* -1 = unlimited */
	const char *type;
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: tandemctl [--control PATH] [--json] [--timeout SEC] COMMAND\n"
		"Commands:\n"
		"  status                       daemon, config generation, last reload, children\n"
		"  reload                       reload the config (exit 1 if it is refused)\n"
		"  events [--since N] [--count N] [--type PREFIX]\n"
		"                               follow the event stream\n"
		"  ping                         check that the daemon answers\n"
		"Exit codes: 0 ok, 1 daemon error, 2 usage, 3 cannot connect or timeout,\n"
		"4 permission denied. Socket: --control, $TANDEM_CONTROL, or " DEFAULT_CONTROL ".\n");
}

static long long parse_num(const char *s, const char *what, int *bad)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < 0) {
		fprintf(stderr, "tandemctl: bad %s: %s\n", what, s);
		*bad = 1;
	}
	return v;
}

static json_object *parse_reply(const char *line)
{
	json_object *o = json_tokener_parse(line);

	if (!o || !json_object_is_type(o, json_type_object)) {
		fprintf(stderr, "tandemctl: malformed reply from the daemon\n");
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* reads the reply to a request; returns an exit code, *out = the reply object when 0/1 */
static int read_reply(struct ctl_conn *c, int timeout_ms, json_object **out)
{
	json_object *r, *ok, *err;
	char *line;
	int rc = ctl_read_line(c, timeout_ms, &line);

	*out = NULL;
	if (rc == 0) {
		fprintf(stderr, "tandemctl: the daemon closed the connection\n");
		return CTL_EXIT_CONNECT;
	}
	if (rc < 0) {
		fprintf(stderr, "tandemctl: %s\n", errno == ETIMEDOUT ? "timed out waiting for "
		        "the daemon" : strerror(errno));
		return CTL_EXIT_CONNECT;
	}
	r = parse_reply(line);
	if (!r)
		return CTL_EXIT_CONNECT;
	*out = r;
	if (json_object_object_get_ex(r, "ok", &ok) && json_object_get_boolean(ok))
		return CTL_EXIT_OK;
	if (json_object_object_get_ex(r, "error", &err) &&
	    !strcmp(json_object_get_string(err), "permission denied"))
		return CTL_EXIT_PERM;
	return CTL_EXIT_ERROR;
}

static void print_error(json_object *r)
{
	json_object *err = NULL;

	json_object_object_get_ex(r, "error", &err);
	fprintf(stderr, "tandemctl: %s\n", err ? json_object_get_string(err) : "error");
}

static int run_events(struct ctl_conn *c, const struct ctl_args *a, json_object *first)
{
	long long seen = 0;
	long long deadline_ms = -1;
	struct timespec ts;

	if (a->json)
		printf("%s\n", json_object_to_json_string_ext(first, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	if (a->count == 0)
		return CTL_EXIT_OK;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (a->timeout_ms >= 0)
		deadline_ms = ts.tv_sec * 1000LL + ts.tv_nsec / 1000000 + a->timeout_ms;
	for (;;) {
		json_object *ev, *type;
		int wait = -1, rc;
		char *line;

		if (deadline_ms >= 0) {
			clock_gettime(CLOCK_MONOTONIC, &ts);
			wait = (int)(deadline_ms - (ts.tv_sec * 1000LL + ts.tv_nsec / 1000000));
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
		ev = parse_reply(line);
		if (!ev)
			return CTL_EXIT_CONNECT;
		if (a->type && (!json_object_object_get_ex(ev, "type", &type) ||
		                strncmp(json_object_get_string(type), a->type, strlen(a->type)))) {
			json_object_put(ev);
			continue;
		}
		if (a->json)
			printf("%s\n", line);
		else
			ctl_print_event(ev);
		fflush(stdout);
		json_object_put(ev);
		if (a->count >= 0 && ++seen >= a->count)
			return CTL_EXIT_OK;
	}
}

int main(int argc, char **argv)
{
	struct ctl_args a = { .timeout_ms = -1, .since = -1, .count = -1 };
	struct ctl_conn conn;
	json_object *req = NULL, *reply = NULL, *v;
	const char *cmd;
	int bad = 0, rc, c, wait_ms;

	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	a.control = getenv("TANDEM_CONTROL");
	if (!a.control || !*a.control)
		a.control = DEFAULT_CONTROL;
	while ((c = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
		switch (c) {
		case OPT_CONTROL: a.control = optarg; break;
		case OPT_JSON: a.json = 1; break;
		case OPT_TIMEOUT: {
			char *end;
			double s = strtod(optarg, &end);

			if (*end || s < 0 || s > 86400) {
				fprintf(stderr, "tandemctl: bad timeout: %s\n", optarg);
				bad = 1;
			}
			a.timeout_ms = (int)(s * 1000);
			break;
		}
		case OPT_SINCE: a.since = parse_num(optarg, "--since", &bad); break;
		case OPT_COUNT: a.count = parse_num(optarg, "--count", &bad); break;
		case OPT_TYPE: a.type = optarg; break;
		case 'h': usage(stdout); return CTL_EXIT_OK;
		default: bad = 1; break;
		}
	}
	if (bad || optind != argc - 1) {
		if (!bad)
			fprintf(stderr, "tandemctl: %s\n", optind >= argc ? "missing command" :
			        "too many arguments");
		usage(stderr);
		return CTL_EXIT_USAGE;
	}
	cmd = argv[optind];
	if (strcmp(cmd, "status") && strcmp(cmd, "reload") && strcmp(cmd, "events") &&
	    strcmp(cmd, "ping")) {
		fprintf(stderr, "tandemctl: unknown command: %s\n", cmd);
		usage(stderr);
		return CTL_EXIT_USAGE;
	}
	if (strcmp(cmd, "events") && (a.since >= 0 || a.count >= 0 || a.type)) {
		fprintf(stderr, "tandemctl: --since, --count and --type go with events\n");
		return CTL_EXIT_USAGE;
	}

	rc = ctl_connect(&conn, a.control, a.timeout_ms);
	if (rc)
		return rc;
	req = json_object_new_object();
	json_object_object_add(req, "cmd", json_object_new_string(cmd));
	if (a.since >= 0)
		json_object_object_add(req, "since", json_object_new_int64(a.since));
	if (a.type)
		json_object_object_add(req, "type", json_object_new_string(a.type));
	/* a reload of a very large config may take a while: wait longer by default */
	wait_ms = a.timeout_ms >= 0 ? a.timeout_ms : !strcmp(cmd, "reload") ? 300000 : 10000;
	if (ctl_send(&conn, req) < 0) {
		int err = errno;

		/* the daemon may have refused us before reading: its reply can still be queued */
		rc = read_reply(&conn, 1000, &reply);
		if (!reply) {
			fprintf(stderr, "tandemctl: send: %s\n", strerror(err));
			rc = CTL_EXIT_CONNECT;
			goto out;
		}
	} else {
		rc = read_reply(&conn, wait_ms, &reply);
	}
	if (rc == CTL_EXIT_CONNECT)
		goto out;
	if (rc != CTL_EXIT_OK) {
		if (a.json)
			printf("%s\n", json_object_to_json_string_ext(reply, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		print_error(reply);
		if (json_object_object_get_ex(reply, "diagnostics", &v))
			ctl_print_diagnostics(v);
		goto out;
	}
	if (!strcmp(cmd, "events")) {
		rc = run_events(&conn, &a, reply);
		goto out;
	}
	if (a.json) {
		printf("%s\n", json_object_to_json_string_ext(reply, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	} else if (!strcmp(cmd, "status")) {
		ctl_print_status(reply);
	} else if (!strcmp(cmd, "reload")) {
		json_object_object_get_ex(reply, "generation", &v);
		printf("reloaded: config generation %s\n", v ? json_object_get_string(v) : "?");
	} else {
		printf("pong\n");
	}
out:
	json_object_put(req);
	json_object_put(reply);
	ctl_close(&conn);
	return rc;
}
