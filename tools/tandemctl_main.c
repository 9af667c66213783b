/* tools/tandemctl_main.c - tandemctl, the control-socket client (docs/control.md): global
 * options, then one subcommand from the table (tools/ctl_cmds_table.c) that builds the
 * request, and the reply printed verbatim (--json) or by the subcommand's printer. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tools/ctl_client.h"
#include "tools/ctl_cmds_table.h"

#define DEFAULT_CONTROL "/run/tandem/tandemd.sock"
#define DEFAULT_WAIT_MS 10000

static void usage(FILE *out)
{
	fprintf(out, "Usage: tandemctl [--control PATH] [--json] [--timeout SEC] COMMAND [ARGS]\n");
	ctl_cmds_usage(out);
	fprintf(out,
		"Exit codes: 0 ok, 1 daemon error, 2 usage, 3 cannot connect or timeout,\n"
		"4 permission denied. Socket: --control, $TANDEM_CONTROL, or " DEFAULT_CONTROL ".\n");
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

/* reads the reply to a request; returns an exit code, *out = the reply object when 0/1/4 */
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

static void print_json(json_object *o)
{
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	                                               JSON_C_TO_STRING_NOSLASHESCAPE));
}

/* a global option at argv[*i] (consuming its value); 1 = it was one, 0 = not, -1 = bad */
static int global_opt(int argc, char **argv, int *i, struct ctl_call *call,
                      const char **control, int *help)
{
	static const char *const with_value[] = { "--control", "--timeout", NULL };
	const char *a = argv[*i], *val = NULL;
	size_t n;

	if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
		*help = 1;
		return 1;
	}
	if (!strcmp(a, "--json")) {
		call->json = 1;
		return 1;
	}
	for (int k = 0; with_value[k]; k++) {
		n = strlen(with_value[k]);
		if (strncmp(a, with_value[k], n) || (a[n] && a[n] != '='))
			continue;
		if (a[n] == '=') {
			val = a + n + 1;
		} else if (*i + 1 < argc) {
			val = argv[++*i];
		} else {
			fprintf(stderr, "tandemctl: %s needs a value\n", a);
			return -1;
		}
		if (k == 0) {
			*control = val;
		} else {
			char *end;
			double s = strtod(val, &end);

			if (end == val || *end || s < 0 || s > 86400) {
				fprintf(stderr, "tandemctl: bad timeout: %s\n", val);
				return -1;
			}
			call->timeout_ms = (int)(s * 1000);
		}
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct ctl_call call = { .timeout_ms = -1 };
	const struct ctl_cmd *cmd = NULL;
	const char *control, *name = NULL;
	struct ctl_conn conn;
	json_object *reply = NULL, *v;
	char **sub;
	int nsub = 1, bad = 0, help = 0, rc;

	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	control = getenv("TANDEM_CONTROL");
	if (!control || !*control)
		control = DEFAULT_CONTROL;
	/* global options anywhere before "--"; the first other word is the subcommand;
	 * everything else goes to the subcommand's builder, in order */
	sub = calloc((size_t)argc + 1, sizeof(*sub));
	if (!sub)
		return CTL_EXIT_ERROR;
	for (int i = 1; i < argc; i++) {
		int g;

		if (!strcmp(argv[i], "--")) {
			/* no more global options; the subcommand's getopt sees the "--" too */
			if (!name && ++i < argc)
				name = argv[i];
			if (i + 1 < argc) {
				sub[nsub++] = (char *)"--";
				while (++i < argc)
					sub[nsub++] = argv[i];
			}
			break;
		}
		g = global_opt(argc, argv, &i, &call, &control, &help);
		if (g < 0)
			bad = 1;
		else if (g == 0 && !name && argv[i][0] != '-')
			name = argv[i];
		else if (g == 0)
			sub[nsub++] = argv[i];
	}
	if (help) {
		usage(stdout);
		free(sub);
		return CTL_EXIT_OK;
	}
	if (!bad && !name) {
		fprintf(stderr, "tandemctl: missing command\n");
		bad = 1;
	} else if (!bad && !(cmd = ctl_cmd_find(name))) {
		fprintf(stderr, "tandemctl: unknown command: %s\n", name);
		bad = 1;
	}
	if (!bad) {
		sub[0] = (char *)name;
		call.name = name;
		call.wait_ms = call.timeout_ms >= 0 ? call.timeout_ms : DEFAULT_WAIT_MS;
		optind = 1;
		if (cmd->build(&call, nsub, sub) != CTL_EXIT_OK || !call.req) {
			fprintf(stderr, "Usage: tandemctl [--control PATH] [--json] [--timeout SEC] "
			        "%s%s%s\n", cmd->name, *cmd->args ? " " : "", cmd->args);
			cmd = NULL;
		}
	}
	free(sub);
	if (bad || !cmd) {
		if (bad)
			usage(stderr);
		json_object_put(call.req);
		return CTL_EXIT_USAGE;
	}

	rc = ctl_connect(&conn, control, call.timeout_ms);
	if (rc) {
		json_object_put(call.req);
		return rc;
	}
	if (ctl_send(&conn, call.req) < 0) {
		int err = errno;

		/* the daemon may have refused us before reading: its reply can still be queued */
		rc = read_reply(&conn, 1000, &reply);
		if (!reply) {
			fprintf(stderr, "tandemctl: send: %s\n", strerror(err));
			rc = CTL_EXIT_CONNECT;
			goto out;
		}
	} else {
		rc = read_reply(&conn, call.wait_ms, &reply);
	}
	if (rc == CTL_EXIT_CONNECT)
		goto out;
	if (call.json)
		print_json(reply);
	if (rc != CTL_EXIT_OK) {
		fprintf(stderr, "tandemctl: %s\n", ctl_get_str(reply, "error", "error"));
		if (json_object_object_get_ex(reply, "diagnostics", &v))
			ctl_print_diagnostics(v);
		goto out;
	}
	if (cmd->stream)
		rc = cmd->stream(&call, &conn, reply);
	else if (!call.json && cmd->print)
		rc = cmd->print(&call, reply);
out:
	json_object_put(call.req);
	json_object_put(reply);
	ctl_close(&conn);
	return rc;
}
