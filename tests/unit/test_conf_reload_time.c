/* tests/unit/test_conf_reload_time.c - the reload_time_file formats (director/reload_timer.c):
 * HH:MM:SS (the next occurrence), YY-MM-DD HH:MM:SS, YYYY-MM-DD HH:MM:SS, each with an optional
 * 'Z' for UTC, and what is refused (spaces, bad ranges, 31 February, other layouts); and the
 * settings the parent reads from global_defs (director/globals.c): umask bits, child_wait_time,
 * pid file names after instance/use_pid_dir. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include "director/globals.h"
#include "director/reload_timer.h"
#include "lib/conf.h"

static time_t utc(int y, int mon, int d, int h, int m, int s)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mon - 1, .tm_mday = d, .tm_hour = h,
	                 .tm_min = m, .tm_sec = s };

	return timegm(&tm);
}

static void test_formats(void **state)
{
	time_t now = utc(2026, 11, 28, 10, 0, 0), at;

	(void)state;
	assert_int_equal(dir_reload_time_parse("2026-11-28 10:30:00Z\n", now, &at), 0);
	assert_int_equal(at, utc(2026, 11, 28, 10, 30, 0));
	assert_int_equal(dir_reload_time_parse("26-12-01 00:00:01Z", now, &at), 0);
	assert_int_equal(at, utc(2026, 12, 1, 0, 0, 1));
	/* a time alone: today if still ahead, else tomorrow */
	assert_int_equal(dir_reload_time_parse("10:00:05Z", now, &at), 0);
	assert_int_equal(at, now + 5);
	assert_int_equal(dir_reload_time_parse("09:59:59Z", now, &at), 0);
	assert_int_equal(at, utc(2026, 11, 29, 9, 59, 59));
	assert_int_equal(dir_reload_time_parse("10:00:00Z", now, &at), 0);
	assert_int_equal(at, now + 86400);
	/* a past date parses (the caller ignores it) */
	assert_int_equal(dir_reload_time_parse("2020-01-01 00:00:00Z", now, &at), 0);
	assert_true(at < now);
	/* local time: the same wall clock as mktime gives */
	{
		struct tm tm;
		time_t want;

		assert_int_equal(dir_reload_time_parse("2027-03-04 05:06:07", now, &at), 0);
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = 127;
		tm.tm_mon = 2;
		tm.tm_mday = 4;
		tm.tm_hour = 5;
		tm.tm_min = 6;
		tm.tm_sec = 7;
		tm.tm_isdst = -1;
		want = mktime(&tm);
		assert_int_equal(at, want);
	}
}

static void test_refused(void **state)
{
	static const char *const bad[] = {
		"", "\n", " 10:00:00", "10:00:00 ", "10:0:00", "24:00:00", "10:60:00", "10:00:60",
		"2026-02-31 10:00:00", "2026-13-01 10:00:00", "2026-00-10 10:00:00",
		"2026/11/28 10:00:00", "2026-11-28  10:00:00", "2026-11-28T10:00:00",
		"10:00:00ZZ", "10:00", "tomorrow", "1-11-28 10:00:00",
	};
	time_t at;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (dir_reload_time_parse(bad[i], 1800000000, &at) == 0)
			fail_msg("'%s' was accepted", bad[i]);
}

static struct tdm_config *load(const char *text, struct tdm_canon *c, struct tdm_diags *d)
{
	struct tdm_conf_opts o = { 0 };
	struct tdm_config *cfg;

	tdm_diags_init(d);
	assert_int_equal(tdm_conf_resolve_mem("t.conf", text, strlen(text), &o, c, d), 0);
	cfg = tdm_conf_parse(c->text, c->len, c, &o, d);
	assert_non_null(cfg);
	assert_int_equal(d->nerr + d->nfatal, 0);
	return cfg;
}

static void check_globals(const char *text, unsigned mask, double wait, const char *pid)
{
	struct tdm_canon c = { 0 };
	struct tdm_diags d;
	struct tdm_config *cfg = load(text, &c, &d);
	char *p = dir_default_run_path(cfg, "pid");

	assert_int_equal(dir_umask_get(cfg), mask);
	assert_true(dir_child_wait_time(cfg, 5) == wait);
	assert_string_equal(p, pid);
	free(p);
	tdm_config_free(cfg);
	tdm_canon_free(&c);
	tdm_diags_free(&d);
}

static void test_globals(void **state)
{
	(void)state;
	check_globals("global_defs {\n router_id x\n}\n", 022, 5, "/run/tandem/tandemd.pid");
	check_globals("global_defs {\n umask 0077\n child_wait_time 9\n}\n", 077, 9,
	              "/run/tandem/tandemd.pid");
	check_globals("global_defs {\n umask IWGRP|IWOTH IRUSR\n}\nchild_wait_time 2\n"
	              "instance blue\n", 0422, 2, "/run/tandem/tandemd_blue.pid");
	check_globals("use_pid_dir\ninstance red\n", 022, 5, "/run/tandem/red/tandemd.pid");
	check_globals("instance ../etc\n", 022, 5, "/run/tandem/tandemd.pid");
	/* use_pid_dir alone: the default already is a directory of tandem's own */
	check_globals("use_pid_dir\n", 022, 5, "/run/tandem/tandemd.pid");
}

/* the per-child process settings read from global_defs (deprecated spellings included) */
static void test_tune(void **state)
{
	struct tdm_canon c = { 0 };
	struct tdm_diags d;
	struct tdm_config *cfg;
	struct dir_tune t;

	(void)state;
	cfg = load("global_defs {\n vrrp_priority -3\n checker_priority 5\n"
	           " vrrp_cpu_affinity 0 2 3\n vrrp_rlimit_rtime 5000\n"
	           " checker_rt_priority 4\n checker_no_swap\n}\n", &c, &d);
	dir_tune_get(cfg, TDM_PART_VRRP, &t);
	assert_int_equal(t.nice, -3);
	assert_true(t.has_cpus);
	assert_int_equal(CPU_COUNT(&t.cpus), 3);
	assert_true(CPU_ISSET(2, &t.cpus) && !CPU_ISSET(1, &t.cpus));
	assert_int_equal(t.rttime_us, 5000);
	assert_int_equal(t.rt_prio, 0);         /* the vrrp child sets its own */
	assert_int_equal(t.no_swap, 0);
	dir_tune_get(cfg, TDM_PART_CHECK, &t);
	assert_int_equal(t.nice, 5);
	assert_false(t.has_cpus);
	assert_int_equal(t.rt_prio, 4);
	assert_int_equal(t.rttime_us, 2000000);  /* real-time without a limit gets the default */
	assert_int_equal(t.no_swap, 1);
	dir_tune_get(cfg, TDM_PART_SYNC, &t);
	assert_int_equal(t.nice, 0);
	assert_false(t.has_cpus);
	tdm_config_free(cfg);
	tdm_canon_free(&c);
	tdm_diags_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_globals),
		cmocka_unit_test(test_tune),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
