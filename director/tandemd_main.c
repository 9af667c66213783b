/* director/tandemd_main.c - tandemd's command line (docs/control.md): config test (-t, --json),
 * --dump-config, --keywords-md, and the daemon itself. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "director/daemon.h"
#include "director/version.h"
#include "lib/conf.h"
#include "lib/conf_doc.h"
#include "lib/log.h"


enum {
	OPT_JSON = 256, OPT_DUMP, OPT_COMPAT, OPT_CONTROL, OPT_HEARTBEAT, OPT_KEYWORDS_MD,
	OPT_TEST_HOOKS,
};

static const struct option long_opts[] = {
	{ "use-file", required_argument, NULL, 'f' },
	{ "dont-fork", no_argument, NULL, 'n' },
	{ "log-console", no_argument, NULL, 'l' },
	{ "log-detail", no_argument, NULL, 'D' },
	{ "config-id", required_argument, NULL, 'i' },
	{ "pid", required_argument, NULL, 'p' },
	{ "vrrp", no_argument, NULL, 'P' },
	{ "check", no_argument, NULL, 'C' },
	{ "config-test", no_argument, NULL, 't' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "dump-config", no_argument, NULL, OPT_DUMP },
	{ "compat", required_argument, NULL, OPT_COMPAT },
	{ "control", required_argument, NULL, OPT_CONTROL },
	{ "heartbeat", required_argument, NULL, OPT_HEARTBEAT },
	{ "keywords-md", no_argument, NULL, OPT_KEYWORDS_MD },
	{ "test-hooks", no_argument, NULL, OPT_TEST_HOOKS },
	{ "version", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: tandemd [OPTION]...\n"
		"  -f, --use-file FILE   config file (default " DIR_DEFAULT_CONF ",\n"
		"                        else " DIR_FALLBACK_CONF ")\n"
		"  -n, --dont-fork       stay in the foreground\n"
		"  -l, --log-console     log to stderr instead of syslog/journal\n"
		"  -D, --log-detail      verbose logging\n"
		"  -i, --config-id ID    @ID conditionals (default: short host name)\n"
		"  -p, --pid FILE        pidfile (default " DIR_DEFAULT_PIDFILE ")\n"
		"  -P, --vrrp            run only the VRRP part\n"
		"  -C, --check           run only the check part\n"
		"  -t, --config-test     check the config, print diagnostics, exit 0/4/3\n"
		"      --json            with -t: diagnostics as a JSON array on stdout\n"
		"      --dump-config     print the canonical config text and exit\n"
		"      --compat=lenient  unknown keywords are warnings\n"
		"      --control PATH    control socket (default " DIR_DEFAULT_CONTROL ")\n"
		"      --heartbeat MS    child heartbeat interval (default 1000)\n"
		"      --keywords-md     print the keyword reference as Markdown\n"
		"      --test-hooks      enable test-only control commands\n"
		"  -v, --version         print the version\n"
		"  -h, --help            this help\n");
}

/* the daemon chdirs to / when it detaches: keep every path it reopens absolute */
static const char *abs_path(const char *p, char **keep)
{
	char cwd[4096];

	if (!p || p[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		return p;
	if (asprintf(keep, "%s/%s", cwd, p) < 0) {
		*keep = NULL;
		return p;
	}
	return *keep;
}

static const char *default_conf(void)
{
	if (access(DIR_DEFAULT_CONF, F_OK) != 0 && access(DIR_FALLBACK_CONF, F_OK) == 0)
		return DIR_FALLBACK_CONF;
	return DIR_DEFAULT_CONF;
}

int main(int argc, char **argv)
{
	struct dir_opts opts = {
		.heartbeat_ms = 1000,   /* pidfile NULL: the default, named after `instance` */
	};
	struct tdm_conf_opts copts = { 0 };
	struct tdm_canon canon;
	struct tdm_config *cfg = NULL;
	struct tdm_diags diags;
	char *abs_conf = NULL, *abs_pid = NULL, *abs_ctl = NULL;
	int test = 0, json = 0, dump = 0, status, c;

	while ((c = getopt_long(argc, argv, "f:nlDi:p:PCtvh", long_opts, NULL)) != -1) {
		switch (c) {
		case 'f': opts.conf_file = optarg; break;
		case 'n': opts.foreground = 1; break;
		case 'l': opts.log_flags |= TDM_LOGF_CONSOLE; break;
		case 'D': opts.log_flags |= TDM_LOGF_DETAIL; break;
		case 'i': opts.conf_id = optarg; break;
		case 'p': opts.pidfile = optarg; break;
		case 'P': opts.parts_mask |= TDM_PART_VRRP; break;
		case 'C': opts.parts_mask |= TDM_PART_CHECK; break;
		case 't': test = 1; break;
		case OPT_JSON: json = 1; break;
		case OPT_DUMP: dump = 1; break;
		case OPT_COMPAT:
			if (strcmp(optarg, "lenient") && strcmp(optarg, "strict")) {
				fprintf(stderr, "tandemd: --compat takes lenient or strict\n");
				return 2;
			}
			opts.lenient = !strcmp(optarg, "lenient");
			break;
		case OPT_CONTROL: opts.control_path = optarg; break;
		case OPT_HEARTBEAT: {
			char *end;
			long v = strtol(optarg, &end, 10);

			if (*end || v < 10 || v > 600000) {
				fprintf(stderr, "tandemd: --heartbeat takes 10..600000 (ms)\n");
				return 2;
			}
			opts.heartbeat_ms = (unsigned)v;
			break;
		}
		case OPT_KEYWORDS_MD:
			tdm_conf_doc_markdown(stdout);
			return 0;
		case OPT_TEST_HOOKS: opts.test_hooks = 1; break;
		case 'v':
			printf("tandemd %s\n", TANDEM_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "tandemd: unexpected argument %s\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (!opts.conf_file)
		opts.conf_file = default_conf();
	opts.conf_file = abs_path(opts.conf_file, &abs_conf);
	opts.pidfile = abs_path(opts.pidfile, &abs_pid);
	opts.control_path = abs_path(opts.control_path, &abs_ctl);
	if (!(opts.log_flags & TDM_LOGF_CONSOLE))
		opts.log_flags |= TDM_LOGF_SYSLOG;
	copts.conf_id = opts.conf_id;
	copts.lenient = opts.lenient;
	copts.check_interfaces = 1;
	copts.no_objects = test;     /* a check only: no reload will ever diff this config */

	if (test || dump)
		tdm_log_open("tandemd", TDM_LOGF_CONSOLE | (opts.log_flags & TDM_LOGF_DETAIL));
	else
		tdm_log_open("tandemd", opts.log_flags);

	memset(&canon, 0, sizeof(canon));
	tdm_diags_init(&diags);
	status = tdm_conf_load(opts.conf_file, &copts, &canon, &cfg, &diags);

	if (test) {
		if (json) {
			char *s = tdm_diags_json(&diags);

			printf("%s\n", s ? s : "[]");
			free(s);
		} else {
			tdm_diags_print(&diags, stderr);
		}
		goto out;
	}
	if (dump) {
		tdm_diags_print(&diags, stderr);
		if (canon.text)
			fwrite(canon.text, 1, canon.len, stdout);
		goto out;
	}
	if (status != 0 || !cfg) {
		tdm_diags_print(&diags, stderr);
		if (!(opts.log_flags & TDM_LOGF_CONSOLE))
			dir_diags_log(&diags);
		tdm_log_err("%s: configuration has errors; not starting", opts.conf_file);
		if (status == 0)
			status = 3;
		goto out;
	}
	if (diags.n) {
		if (!(opts.log_flags & TDM_LOGF_CONSOLE))
			tdm_diags_print(&diags, stderr);
		dir_diags_log(&diags);
	}
	tdm_diags_free(&diags);
	status = dir_daemon_run(&opts, opts.conf_file, &canon, cfg);
	goto done;
out:
	tdm_diags_free(&diags);
	tdm_canon_free(&canon);
	tdm_config_free(cfg);
done:
	tdm_log_close();
	free(abs_conf);
	free(abs_pid);
	free(abs_ctl);
	return status;
}
