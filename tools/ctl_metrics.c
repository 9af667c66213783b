/* tools/ctl_metrics.c - `tandemctl metrics [--output FILE]`: the daemon's Prometheus text
 * exposition (docs/monitoring.md), printed, or written atomically to FILE (a temporary file
 * in the same directory renamed over it) for node_exporter's textfile collector. */
#include "tools/ctl_cmds_table.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *metrics_output;

static int build_metrics(struct ctl_call *call, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	metrics_output = NULL;
	while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		if (c != 'o')
			return CTL_EXIT_USAGE;
		metrics_output = optarg;
	}
	if (optind < argc) {
		fprintf(stderr, "tandemctl: metrics: unexpected argument %s\n", argv[optind]);
		return CTL_EXIT_USAGE;
	}
	call->req = ctl_req_new("metrics");
	return CTL_EXIT_OK;
}

static int write_atomic(const char *path, const char *text)
{
	size_t plen = strlen(path);
	char *tmp = malloc(plen + 32);
	FILE *f;
	int rc = -1;

	if (!tmp)
		return -1;
	snprintf(tmp, plen + 32, "%s.tmp.%ld", path, (long)getpid());
	f = fopen(tmp, "w");
	if (!f)
		goto cleanup;
	if (fputs(text, f) == EOF || fflush(f) != 0 || fsync(fileno(f)) != 0) {
		fclose(f);
		unlink(tmp);
		goto cleanup;
	}
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		unlink(tmp);
		goto cleanup;
	}
	rc = 0;
cleanup:
	if (rc < 0)
		fprintf(stderr, "tandemctl: metrics: cannot write %s: %s\n", path, strerror(errno));
	free(tmp);
	return rc;
}

static int print_metrics(struct ctl_call *call, json_object *reply)
{
	const char *text = ctl_get_str(reply, "text", NULL);

	if (!text) {
		fprintf(stderr, "tandemctl: metrics: the reply has no text\n");
		return CTL_EXIT_ERROR;
	}
	if (metrics_output)
		return write_atomic(metrics_output, text) == 0 ? CTL_EXIT_OK : CTL_EXIT_ERROR;
	fputs(text, stdout);
	return CTL_EXIT_OK;
}

const struct ctl_cmd ctl_cmd_metrics = {
	.name = "metrics", .args = "[--output FILE]",
	.help = "Prometheus text exposition of the daemon's state",
	.build = build_metrics, .print = print_metrics,
};
