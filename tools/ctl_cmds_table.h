/* tools/ctl_cmds_table.h - tandemctl's subcommands: each maps to a request builder (argv ->
 * JSON request) and a printer of the human output of a successful reply. The daemon's own
 * commands live in tools/ctl_daemon.c; a part adds its subcommands in tools/ctl_<part>.c
 * (a `const struct ctl_cmd` each) plus one line in the list of tools/ctl_cmds_table.c.
 * docs/control.md, "Adding a control command", has the whole recipe. */
#ifndef CTL_CMDS_TABLE_H
#define CTL_CMDS_TABLE_H

#include <stdio.h>
#include <json-c/json.h>
#include "tools/ctl_client.h"

/* one run of one subcommand */
struct ctl_call {
	const char *name;           /* the subcommand as typed */
	json_object *req;           /* the request to send; build creates it */
	int json;                   /* --json: replies are printed verbatim, print is not called */
	int timeout_ms;             /* --timeout in ms, -1 = not given */
	int wait_ms;                /* wait for the reply (default --timeout, else 10 s); build may
	                             * raise the default when no --timeout was given */
	void *priv;                 /* the command's own data from build to print/stream */
};

struct ctl_cmd {
	const char *name;           /* "status" */
	const char *args;           /* synopsis of its arguments for the usage text, "" if none */
	const char *help;           /* one line for the usage text; NULL: hidden (test commands) */
	/* Build call->req from the subcommand's arguments: argv[0] is the subcommand, then its
	 * own options and operands in order (tandemctl's global options already removed); use
	 * getopt_long (optind is reset to 1 for you) or ctl_args_none. Return CTL_EXIT_OK, or
	 * CTL_EXIT_USAGE after printing why to stderr. */
	int (*build)(struct ctl_call *call, int argc, char **argv);
	/* Human output of an {"ok":true} reply (not called with --json); returns the exit code.
	 * NULL: print nothing. */
	int (*print)(struct ctl_call *call, json_object *reply);
	/* Optional, for streams: after the first ok reply, go on reading the connection (the
	 * first reply was already printed if --json). Returns the exit code. */
	int (*stream)(struct ctl_call *call, struct ctl_conn *conn, json_object *first);
};

/* the table, NULL-terminated, in usage order */
extern const struct ctl_cmd *const ctl_cmds[];
const struct ctl_cmd *ctl_cmd_find(const char *name);
void ctl_cmds_usage(FILE *out);     /* the "Commands:" lines */

/* helpers for builders and printers */
json_object *ctl_req_new(const char *cmd);   /* {"cmd":cmd} */
int ctl_args_none(int argc, char **argv);    /* usage error if there are any arguments */
int ctl_parse_count(const char *s, const char *what, long long *out);  /* 0 ok, -1 printed */
const char *ctl_get_str(json_object *o, const char *key, const char *dflt);
json_object *ctl_get(json_object *o, const char *key);

#endif
