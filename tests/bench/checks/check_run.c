/* tests/bench/checks/check_run.c - runs the check engine alone on a config file, without the
 * daemon: every event is printed as one JSON line on stdout; SIGHUP reloads the file, SIGUSR1
 * prints the engine status ({"type":"status",...}), SIGTERM/SIGINT or --seconds N ends it
 * (then it prints the CPU time used). For the checker integration tests and the benchmark.
 * Build: make BUILD=b && cc -I. ... check_run.c b/libtandem.a (see run.sh). */
#include <ev.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include "healthcheck/check_engine.h"
#include "lib/log.h"

static const char *path;
static struct tdm_config *cfg;
static struct check_engine *eng;
static int quiet;
static unsigned long long nev;

static void emit(void *arg, json_object *ev)
{
	nev++;
	if (!quiet) {
		printf("%s\n", json_object_to_json_string_ext(ev, JSON_C_TO_STRING_PLAIN));
		fflush(stdout);
	}
	json_object_put(ev);
}

static struct tdm_config *load(void)
{
	struct tdm_canon canon;
	struct tdm_config *c = NULL;
	struct tdm_diags d;
	struct tdm_conf_opts o = { 0 };
	int st;

	tdm_diags_init(&d);
	memset(&canon, 0, sizeof(canon));
	st = tdm_conf_load(path, &o, &canon, &c, &d);
	if (st >= 3 || !c) {
		tdm_diags_print(&d, stderr);
		tdm_config_free(c);
		c = NULL;
	}
	tdm_canon_free(&canon);
	tdm_diags_free(&d);
	return c;
}

static void hup_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct tdm_config *n = load();

	if (!n)
		return;
	if (check_engine_reload(eng, cfg, n) == 0) {
		tdm_config_free(cfg);
		cfg = n;
		printf("{\"type\":\"reloaded\"}\n");
	} else {
		tdm_config_free(n);
	}
	fflush(stdout);
}

static void usr1_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	json_object *s = check_engine_status(eng);

	json_object_object_add(s, "type", json_object_new_string("status"));
	printf("%s\n", json_object_to_json_string_ext(s, JSON_C_TO_STRING_PLAIN));
	fflush(stdout);
	json_object_put(s);
}

static void end_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	ev_break(loop, EVBREAK_ALL);
}

static void timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	ev_break(loop, EVBREAK_ALL);
}

int main(int argc, char **argv)
{
	struct ev_loop *loop = EV_DEFAULT;
	ev_signal hup, usr1, term, intr;
	ev_timer t;
	double secs = 0;
	struct rusage ru;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
			secs = atof(argv[++i]);
		else if (!strcmp(argv[i], "--quiet"))
			quiet = 1;
		else
			path = argv[i];
	}
	if (!path) {
		fprintf(stderr, "usage: check_run [--seconds N] [--quiet] CONFIG\n");
		return 2;
	}
	tdm_log_open("check_run", getenv("CHECK_RUN_LOG") ? TDM_LOGF_CONSOLE : 0);
	signal(SIGPIPE, SIG_IGN);
	size_t h0 = mallinfo2().uordblks, h1, h2;
	cfg = load();
	if (!cfg)
		return 1;
	h1 = mallinfo2().uordblks;
	eng = check_engine_new(loop, cfg, NULL, NULL);
	if (!eng)
		return 1;
	h2 = mallinfo2().uordblks;
	check_engine_set_emit(eng, emit, NULL);
	ev_signal_init(&hup, hup_cb, SIGHUP);
	ev_signal_init(&usr1, usr1_cb, SIGUSR1);
	ev_signal_init(&term, end_cb, SIGTERM);
	ev_signal_init(&intr, end_cb, SIGINT);
	ev_signal_start(loop, &hup);
	ev_signal_start(loop, &usr1);
	ev_signal_start(loop, &term);
	ev_signal_start(loop, &intr);
	ev_now_update(loop);
	if (secs > 0) {
		ev_timer_init(&t, timer_cb, secs, 0.);
		ev_timer_start(loop, &t);
	}
	printf("{\"type\":\"started\",\"heap_config\":%zu,\"heap_engine\":%zu}\n", h1 - h0, h2 - h1);
	fflush(stdout);
	ev_run(loop, 0);
	if (quiet)
		usr1_cb(loop, NULL, 0);
	getrusage(RUSAGE_SELF, &ru);
	/* heap now: the checks have run, each holds its type's state (mostly idle between attempts) */
	printf("{\"type\":\"exit\",\"events\":%llu,\"cpu_s\":%.3f,\"user_s\":%.3f,\"sys_s\":%.3f,"
	       "\"maxrss_kb\":%ld,\"heap_end\":%zu}\n", nev,
	       (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	       ru.ru_stime.tv_usec / 1e6, (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6,
	       (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6, ru.ru_maxrss,
	       mallinfo2().uordblks - h0);
	check_engine_free(eng);
	tdm_config_free(cfg);
	return 0;
}
