/* tools/ctl_cmds_table.c - the list of tandemctl's subcommands and the helpers their
 * builders and printers share. To add a subcommand: define `const struct ctl_cmd
 * ctl_cmd_<name>` in its own file (tools/ctl_<part>.c) and add one X(ctl_cmd_<name>) line
 * below; the usage text and the dispatch follow from the table. */
#include "tools/ctl_cmds_table.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* one line per subcommand, in usage order */
#define CTL_COMMANDS(X) \
	X(ctl_cmd_status) \
	X(ctl_cmd_reload) \
	X(ctl_cmd_events) \
	X(ctl_cmd_ping) \
	X(ctl_cmd_metrics) \
	X(ctl_cmd_vrrp) \
	X(ctl_cmd_ipvs) \
	X(ctl_cmd_rs) \
	X(ctl_cmd_doctor) \
	X(ctl_cmd_checks) \
	X(ctl_cmd_sync) \
	X(ctl_cmd_test_echo)

#define CTL_DECLARE(sym) extern const struct ctl_cmd sym;
#define CTL_ENTRY(sym) &sym,
CTL_COMMANDS(CTL_DECLARE)
const struct ctl_cmd *const ctl_cmds[] = { CTL_COMMANDS(CTL_ENTRY) NULL };

const struct ctl_cmd *ctl_cmd_find(const char *name)
{
	for (size_t i = 0; ctl_cmds[i]; i++)
		if (!strcmp(ctl_cmds[i]->name, name))
			return ctl_cmds[i];
	return NULL;
}

void ctl_cmds_usage(FILE *out)
{
	fprintf(out, "Commands:\n");
	for (size_t i = 0; ctl_cmds[i]; i++) {
		const struct ctl_cmd *c = ctl_cmds[i];
		char syn[128];

		if (!c->help)
			continue;
		snprintf(syn, sizeof(syn), "%s%s%s", c->name, *c->args ? " " : "", c->args);
		if (strlen(syn) > 28)
			fprintf(out, "  %s\n  %-28s %s\n", syn, "", c->help);
		else
			fprintf(out, "  %-28s %s\n", syn, c->help);
	}
}

json_object *ctl_req_new(const char *cmd)
{
	json_object *r = json_object_new_object();

	json_object_object_add(r, "cmd", json_object_new_string(cmd));
	return r;
}

int ctl_args_none(int argc, char **argv)
{
	int i = argc > 1 && !strcmp(argv[1], "--") ? 2 : 1;

	if (argc <= i)
		return CTL_EXIT_OK;
	fprintf(stderr, "tandemctl: %s takes no %s: %s\n", argv[0],
	        argv[i][0] == '-' && i == 1 ? "options" : "arguments", argv[i]);
	return CTL_EXIT_USAGE;
}

int ctl_parse_count(const char *s, const char *what, long long *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v < 0) {
		fprintf(stderr, "tandemctl: bad %s: %s\n", what, s);
		return -1;
	}
	*out = v;
	return 0;
}

json_object *ctl_get(json_object *o, const char *key)
{
	json_object *v = NULL;

	if (o)
		json_object_object_get_ex(o, key, &v);
	return v;
}

const char *ctl_get_str(json_object *o, const char *key, const char *dflt)
{
	json_object *v = ctl_get(o, key);

	return v ? json_object_get_string(v) : dflt;
}
