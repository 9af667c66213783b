/* tools/ctl_test.c - hidden tandemctl subcommand for tests: test-echo [--part NAME] [TEXT]
 * sends {"cmd":"test-echo","part":NAME,"text":TEXT}, which a child part answers when tandemd
 * runs with --test-hooks (the forwarding path of docs/control.md). It is also the smallest
 * example of a part's subcommand: options and operands in, one request out, a line printed. */
#include "tools/ctl_cmds_table.h"

#include <getopt.h>

static int build_test_echo(struct ctl_call *call, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "part", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	const char *part = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'p')
			return CTL_EXIT_USAGE;
		part = optarg;
	}
	if (argc - optind > 1) {
		fprintf(stderr, "tandemctl: test-echo takes at most one TEXT\n");
		return CTL_EXIT_USAGE;
	}
	call->req = ctl_req_new("test-echo");
	if (part)
		json_object_object_add(call->req, "part", json_object_new_string(part));
	if (optind < argc)
		json_object_object_add(call->req, "text", json_object_new_string(argv[optind]));
	return CTL_EXIT_OK;
}

static int print_test_echo(struct ctl_call *call, json_object *reply)
{
	json_object *req = ctl_get(reply, "request");

	printf("%s (pid %s): %s\n", ctl_get_str(reply, "part", "?"), ctl_get_str(reply, "pid", "?"),
	       ctl_get_str(req, "text", ""));
	return CTL_EXIT_OK;
}

const struct ctl_cmd ctl_cmd_test_echo = {
	.name = "test-echo", .args = "[--part NAME] [TEXT]", .help = NULL,
	.build = build_test_echo, .print = print_test_echo,
};
