/* tests/unit/test_vrrp_proc.c - track_process: matching a process (name, parameters,
 * param_match, full_command), the quorum verdict with fork/terminate delays, parsing proc
 * connector messages, and the process table (vrrp_procmon) driven by a fake /proc. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <string.h>
#include "vrrp/vrrp_procmon.h"

#define CMD(s) s, sizeof(s)         /* a cmdline literal with its NULs (and the final one) */

static struct vrrp_proc_spec spec(const char *process, const char *const *params, size_t n,
                                  enum vrrp_proc_pm pm, int full)
{
	struct vrrp_proc_spec s = { .name = "t", .process = process, .params = params,
		.nparams = n, .pm = pm, .full_command = (uint8_t)full, .weight = 1, .quorum = 1,
		.quorum_max = UINT32_MAX };
	return s;
}

static void test_match_name(void **state)
{
	struct vrrp_proc_spec s = spec("nginx", NULL, 0, VRRP_PROC_PM_NONE, 0);
	struct vrrp_proc_spec l = spec("a_very_long_process_name", NULL, 0, VRRP_PROC_PM_NONE, 0);

	assert_true(vrrp_proc_match(&s, "nginx", CMD("/usr/sbin/nginx\0-g\0daemon off;")));
	assert_false(vrrp_proc_match(&s, "nginx2", CMD("nginx2")));
	assert_false(vrrp_proc_match(&s, "ngin", CMD("ngin")));     /* exact, not a prefix */
	assert_false(vrrp_proc_match(&s, "", "", 0));               /* a kernel thread */
	/* the kernel keeps 15 characters of a name */
	assert_true(vrrp_proc_match(&l, "a_very_long_pro", CMD("x")));
	assert_false(vrrp_proc_match(&l, "a_very_long_pr", CMD("x")));
	(void)state;
}

static void test_match_params(void **state)
{
	const char *p[] = { "-c", "/etc/x.conf" };
	const char *pi[] = { "-c", "/etc/x" };
	struct vrrp_proc_spec ex = spec("haproxy", p, 2, VRRP_PROC_PM_EXACT, 0);
	struct vrrp_proc_spec pa = spec("haproxy", p, 2, VRRP_PROC_PM_PARTIAL, 0);
	struct vrrp_proc_spec in = spec("haproxy", pi, 2, VRRP_PROC_PM_INITIAL, 0);
	struct vrrp_proc_spec none = spec("haproxy", NULL, 0, VRRP_PROC_PM_EXACT, 0);
	struct vrrp_proc_spec full = spec("/usr/sbin/haproxy", p, 2, VRRP_PROC_PM_EXACT, 1);

	assert_true(vrrp_proc_match(&ex, "haproxy", CMD("haproxy\0-c\0/etc/x.conf")));
	assert_false(vrrp_proc_match(&ex, "haproxy", CMD("haproxy\0-c\0/etc/x.conf\0-D")));
	assert_false(vrrp_proc_match(&ex, "haproxy", CMD("haproxy\0-c")));
	assert_false(vrrp_proc_match(&ex, "other", CMD("haproxy\0-c\0/etc/x.conf")));
	assert_true(vrrp_proc_match(&pa, "haproxy", CMD("haproxy\0-c\0/etc/x.conf\0-D")));
	assert_false(vrrp_proc_match(&pa, "haproxy", CMD("haproxy\0-c\0/etc/x.confx")));
	assert_true(vrrp_proc_match(&in, "haproxy", CMD("haproxy\0-c\0/etc/x.conf\0-D")));
	assert_true(vrrp_proc_match(&in, "haproxy", CMD("haproxy\0-c\0/etc/x")));
	assert_false(vrrp_proc_match(&in, "haproxy", CMD("haproxy\0-cc\0/etc/x.conf")));
	assert_false(vrrp_proc_match(&in, "haproxy", CMD("haproxy\0-c\0/etc/")));
	/* param_match without parameters: the process must have none */
	assert_true(vrrp_proc_match(&none, "haproxy", CMD("haproxy")));
	assert_false(vrrp_proc_match(&none, "haproxy", CMD("haproxy\0-D")));
	/* full_command: argv[0] as written */
	assert_true(vrrp_proc_match(&full, "haproxy", CMD("/usr/sbin/haproxy\0-c\0/etc/x.conf")));
	assert_false(vrrp_proc_match(&full, "haproxy", CMD("haproxy\0-c\0/etc/x.conf")));
	(void)state;
}

static void test_match_full_command(void **state)
{
	struct vrrp_proc_spec s = spec("/bin/sleep 1000", NULL, 0, VRRP_PROC_PM_NONE, 1);

	assert_true(vrrp_proc_match(&s, "sleep", CMD("/bin/sleep\0" "1000")));
	assert_false(vrrp_proc_match(&s, "sleep", CMD("/bin/sleep\0" "100")));
	assert_false(vrrp_proc_match(&s, "sleep", CMD("/bin/sleep\0" "1000\0" "1")));
	(void)state;
}

static void test_quorum_delays(void **state)
{
	struct vrrp_proc_spec s = spec("x", NULL, 0, VRRP_PROC_PM_NONE, 0);
	struct vrrp_proc_state st = { 0 };
	uint64_t wake;

	s.quorum = 2;
	s.quorum_max = 3;
	s.fork_delay_ns = 100;
	s.terminate_delay_ns = 1000;
	assert_false(vrrp_proc_wanted(&s, 1));
	assert_true(vrrp_proc_wanted(&s, 2));
	assert_true(vrrp_proc_wanted(&s, 3));
	assert_false(vrrp_proc_wanted(&s, 4));
	st.count = 2;
	vrrp_proc_init(&s, &st);                    /* at start: no delay */
	assert_true(st.ok);
	/* below the quorum: failed only after terminate_delay */
	st.count = 1;
	assert_false(vrrp_proc_update(&s, &st, 5000, &wake));
	assert_int_equal(wake, 6000);
	assert_false(vrrp_proc_update(&s, &st, 5999, &wake));
	assert_true(vrrp_proc_update(&s, &st, 6000, &wake));
	assert_false(st.ok);
	assert_int_equal(wake, 0);
	/* back within fork_delay: OK after it */
	st.count = 2;
	assert_false(vrrp_proc_update(&s, &st, 7000, &wake));
	assert_int_equal(wake, 7100);
	assert_true(vrrp_proc_update(&s, &st, 7100, &wake));
	assert_true(st.ok);
	/* a bounce within the delay changes nothing */
	st.count = 1;
	assert_false(vrrp_proc_update(&s, &st, 8000, &wake));
	st.count = 2;
	assert_false(vrrp_proc_update(&s, &st, 8500, &wake));
	assert_int_equal(wake, 0);
	assert_false(vrrp_proc_update(&s, &st, 9500, &wake));
	assert_true(st.ok);
	/* above quorum_max */
	st.count = 4;
	vrrp_proc_update(&s, &st, 10000, &wake);
	assert_true(vrrp_proc_update(&s, &st, 11000, &wake));
	assert_false(st.ok);
	/* no delays: at once */
	s.fork_delay_ns = s.terminate_delay_ns = 0;
	st.count = 3;
	assert_true(vrrp_proc_update(&s, &st, 12000, &wake));
	assert_true(st.ok);
	(void)state;
}

/* one netlink message holding a proc_event */
static size_t put_event(char *buf, const struct proc_event *pe)
{
	struct nlmsghdr *nh = (struct nlmsghdr *)buf;
	struct cn_msg *cn = NLMSG_DATA(nh);

	memset(nh, 0, NLMSG_SPACE(sizeof(*cn) + sizeof(*pe)));
	nh->nlmsg_len = NLMSG_LENGTH(sizeof(*cn) + sizeof(*pe));
	nh->nlmsg_type = NLMSG_DONE;
	cn->id.idx = CN_IDX_PROC;
	cn->id.val = CN_VAL_PROC;
	cn->len = sizeof(*pe);
	memcpy(cn->data, pe, sizeof(*pe));
	return NLMSG_SPACE(sizeof(*cn) + sizeof(*pe));
}

static void test_parse(void **state)
{
	char buf[4096] __attribute__((aligned(8)));
	struct proc_event pe;
	struct vrrp_proc_event ev[8];
	size_t len = 0;
	struct nlmsghdr *ov;

	memset(&pe, 0, sizeof(pe));
	pe.what = PROC_EVENT_FORK;
	pe.event_data.fork.parent_tgid = 10;
	pe.event_data.fork.child_pid = 11;
	pe.event_data.fork.child_tgid = 11;
	len += put_event(buf + len, &pe);
	pe.event_data.fork.child_pid = 12;          /* a thread of 11: skipped */
	len += put_event(buf + len, &pe);
	memset(&pe, 0, sizeof(pe));
	pe.what = PROC_EVENT_EXEC;
	pe.event_data.exec.process_pid = 11;
	pe.event_data.exec.process_tgid = 11;
	len += put_event(buf + len, &pe);
	memset(&pe, 0, sizeof(pe));
	pe.what = PROC_EVENT_COMM;
	pe.event_data.comm.process_pid = 11;
	pe.event_data.comm.process_tgid = 11;
	len += put_event(buf + len, &pe);
	memset(&pe, 0, sizeof(pe));
	pe.what = PROC_EVENT_UID;                   /* not one we follow */
	len += put_event(buf + len, &pe);
	memset(&pe, 0, sizeof(pe));
	pe.what = PROC_EVENT_EXIT;
	pe.event_data.exit.process_pid = 11;
	pe.event_data.exit.process_tgid = 11;
	len += put_event(buf + len, &pe);
	ov = (struct nlmsghdr *)(buf + len);
	memset(ov, 0, NLMSG_SPACE(0));
	ov->nlmsg_len = NLMSG_LENGTH(0);
	ov->nlmsg_type = NLMSG_OVERRUN;
	len += NLMSG_SPACE(0);
	assert_int_equal(vrrp_proc_parse(buf, len, ev, 8), 5);
	assert_int_equal(ev[0].type, VRRP_PROC_EV_FORK);
	assert_int_equal(ev[0].pid, 11);
	assert_int_equal(ev[0].parent, 10);
	assert_int_equal(ev[1].type, VRRP_PROC_EV_EXEC);
	assert_int_equal(ev[2].type, VRRP_PROC_EV_COMM);
	assert_int_equal(ev[3].type, VRRP_PROC_EV_EXIT);
	assert_int_equal(ev[3].pid, 11);
	assert_int_equal(ev[4].type, VRRP_PROC_EV_OVERRUN);
	/* truncated payload: malformed, never read past the buffer */
	((struct cn_msg *)NLMSG_DATA((struct nlmsghdr *)buf))->len = 4000;
	assert_int_equal(vrrp_proc_parse(buf, len, ev, 8), -1);
	/* max honoured */
	((struct cn_msg *)NLMSG_DATA((struct nlmsghdr *)buf))->len = sizeof(pe);
	assert_int_equal(vrrp_proc_parse(buf, len, ev, 2), 2);
	(void)state;
}

/* ---- the process table with a fake /proc ---- */

struct fake_proc { int pid; const char *comm; const char *cmd; size_t cmdlen; };
static struct fake_proc fake[16];
static int nfake, nchanged;

static ssize_t fake_read(void *arg, int pid, const char *file, char *buf, size_t len)
{
	(void)arg;
	for (int i = 0; i < nfake; i++) {
		if (fake[i].pid != pid)
			continue;
		if (!strcmp(file, "comm"))
			return snprintf(buf, len, "%s\n", fake[i].comm);
		memcpy(buf, fake[i].cmd, fake[i].cmdlen < len ? fake[i].cmdlen : len);
		return (ssize_t)(fake[i].cmdlen < len ? fake[i].cmdlen : len);
	}
	errno = ENOENT;
	return -1;
}

static int fake_pids(void *arg, int *out, int max)
{
	int n = 0;

	(void)arg;
	for (int i = 0; i < nfake && n < max; i++)
		out[n++] = fake[i].pid;
	return n;
}

static int fake_open(void *arg) { (void)arg; return -1; }
static ssize_t fake_recv(void *arg, int fd, void *b, size_t l) { (void)arg; (void)fd; (void)b; (void)l; return -1; }
static void on_change(void *arg) { (void)arg; nchanged++; }

static void add_fake(int pid, const char *comm, const char *cmd, size_t cmdlen)
{
	fake[nfake].pid = pid;
	fake[nfake].comm = comm;
	fake[nfake].cmd = cmd;
	fake[nfake++].cmdlen = cmdlen;
}

static void test_procmon_table(void **state)
{
	const struct vrrp_procmon_ops ops = { fake_open, fake_recv, fake_read, fake_pids, NULL };
	struct vrrp_proc_spec s[2] = { spec("web", NULL, 0, VRRP_PROC_PM_NONE, 0),
	                               spec("db", NULL, 0, VRRP_PROC_PM_NONE, 0) };
	struct vrrp_procmon *pm = vrrp_procmon_new(NULL, &ops, on_change, NULL);
	struct vrrp_proc_state st;
	struct vrrp_proc_event e;

	s[0].name = "w";
	s[1].name = "d";
	s[1].quorum = 2;
	nfake = nchanged = 0;
	add_fake(1, "init", CMD("/sbin/init"));
	add_fake(100, "web", CMD("web"));
	assert_int_equal(vrrp_procmon_set(pm, s, 2, 0), 0);
	assert_non_null(vrrp_procmon_get(pm, "w", &st));
	assert_int_equal(st.count, 1);
	assert_true(st.ok);
	assert_non_null(vrrp_procmon_get(pm, "d", &st));
	assert_false(st.ok);
	assert_null(vrrp_procmon_get(pm, "nope", NULL));
	/* a fork of a matching process counts at once (no /proc read) */
	e = (struct vrrp_proc_event){ VRRP_PROC_EV_FORK, 101, 100 };
	vrrp_procmon_event(pm, &e, 10);
	vrrp_procmon_get(pm, "w", &st);
	assert_int_equal(st.count, 2);
	/* the fork executes something else: no longer counted */
	add_fake(101, "db", CMD("db"));
	e = (struct vrrp_proc_event){ VRRP_PROC_EV_EXEC, 101, 0 };
	vrrp_procmon_event(pm, &e, 20);
	vrrp_procmon_get(pm, "w", &st);
	assert_int_equal(st.count, 1);
	vrrp_procmon_get(pm, "d", &st);
	assert_int_equal(st.count, 1);
	add_fake(102, "db", CMD("db"));
	e = (struct vrrp_proc_event){ VRRP_PROC_EV_EXEC, 102, 0 };
	vrrp_procmon_event(pm, &e, 30);
	vrrp_procmon_get(pm, "d", &st);
	assert_int_equal(st.count, 2);
	assert_true(st.ok);
	assert_int_equal(nchanged, 1);
	/* exit of a process we never matched, and twice the same exit: harmless */
	e = (struct vrrp_proc_event){ VRRP_PROC_EV_EXIT, 1, 0 };
	vrrp_procmon_event(pm, &e, 40);
	e.pid = 100;
	vrrp_procmon_event(pm, &e, 40);
	vrrp_procmon_event(pm, &e, 40);
	vrrp_procmon_get(pm, "w", &st);
	assert_int_equal(st.count, 0);
	assert_false(st.ok);
	assert_int_equal(nchanged, 2);
	/* an overrun rescans the fake /proc: 100 is still listed there, so it counts again */
	e = (struct vrrp_proc_event){ VRRP_PROC_EV_OVERRUN, 0, 0 };
	vrrp_procmon_event(pm, &e, 50);
	vrrp_procmon_get(pm, "w", &st);
	assert_int_equal(st.count, 1);
	assert_true(st.ok);
	/* a process gone before its exec event was handled is not counted */
	e = (struct vrrp_proc_event){ VRRP_PROC_EV_EXEC, 999, 0 };
	vrrp_procmon_event(pm, &e, 60);
	vrrp_procmon_get(pm, "w", &st);
	assert_int_equal(st.count, 1);
	assert_int_equal(vrrp_procmon_set(pm, NULL, 0, 70), 0);
	assert_null(vrrp_procmon_get(pm, "w", NULL));
	vrrp_procmon_free(pm);
	(void)state;
}

static void test_spec_from_conf(void **state)
{
	char *pargv[] = { "haproxy", "-f", "/etc/h.cfg" }, *pmv[] = { "initial" },
	     *wv[] = { "-20", "reverse" }, *qv[] = { "2" }, *dv[] = { "1.5" }, *fv[] = { "0.2" };
	union tdm_val pvals[3] = { { 0 } }, pmvals[1] = { { 0 } }, wvals[2] = { { .i = -20 } },
	      qvals[1] = { { .i = 2 } }, dvals[1] = { { .us = 1500000 } },
	      fvals[1] = { { .us = 200000 } };
	struct tdm_cnode blk = { .kw = "vrrp_track_process" };
	struct tdm_cnode n[6] = {
		{ .kw = "process", .argv = pargv, .vals = pvals, .argc = 3 },
		{ .kw = "param_match", .argv = pmv, .vals = pmvals, .argc = 1 },
		{ .kw = "weight", .argv = wv, .vals = wvals, .argc = 2 },
		{ .kw = "quorum", .argv = qv, .vals = qvals, .argc = 1 },
		{ .kw = "delay", .argv = dv, .vals = dvals, .argc = 1 },
		{ .kw = "fork_delay", .argv = fv, .vals = fvals, .argc = 1 },
	};
	struct vrrp_proc_spec s;

	blk.child = &n[0];
	for (int i = 0; i < 6; i++) {
		n[i].parent = &blk;
		n[i].next = i < 5 ? &n[i + 1] : NULL;
	}
	assert_int_equal(vrrp_proc_spec_from_conf("hp", &blk, &s), 0);
	assert_string_equal(s.process, "haproxy");
	assert_int_equal(s.nparams, 2);
	assert_string_equal(s.params[1], "/etc/h.cfg");
	assert_int_equal(s.pm, VRRP_PROC_PM_INITIAL);
	assert_int_equal(s.weight, -20);
	assert_true(s.reverse);
	assert_int_equal(s.quorum, 2);
	assert_int_equal(s.quorum_max, UINT32_MAX);
	assert_int_equal(s.terminate_delay_ns, 1500000000ull);
	assert_int_equal(s.fork_delay_ns, 200000000ull);    /* fork_delay after delay wins */
	assert_false(s.full_command);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match_name),
		cmocka_unit_test(test_match_params),
		cmocka_unit_test(test_match_full_command),
		cmocka_unit_test(test_quorum_delays),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_procmon_table),
		cmocka_unit_test(test_spec_from_conf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
