/* tests/unit/test_sync_daemon.c - the pure decision of the kernel sync daemon
 * (sync/sync_daemon): role -> wanted threads (MASTER: master; BACKUP, FAULT, INIT, unknown:
 * backup; STOP: none; no instance: both), a sync group's role from its members, the kernel
 * parameters from lvs_sync_daemon (sync id defaulting to the VRID), the NEW/DEL_DAEMON plan
 * (stops before starts, a thread with other parameters restarted, kernel defaults not taken
 * as a difference), and a restarted child that learns MASTER from the feed snapshot leaving a
 * running master thread alone. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <string.h>
#include "sync/sync_conf.h"
#include "sync/sync_daemon.h"
#include "vrrp/vrrp_conf.h"

static void test_want(void **state)
{
	(void)state;
	assert_int_equal(sync_daemon_want(1, SYNC_ROLE_MASTER), SYNC_D_MASTER);
	assert_int_equal(sync_daemon_want(1, SYNC_ROLE_BACKUP), SYNC_D_BACKUP);
	/* as keepalived: leaving MASTER (for BACKUP or FAULT) goes back to the backup thread,
	 * and the backup thread runs from start-up */
	assert_int_equal(sync_daemon_want(1, SYNC_ROLE_FAULT), SYNC_D_BACKUP);
	assert_int_equal(sync_daemon_want(1, SYNC_ROLE_INIT), SYNC_D_BACKUP);
	assert_int_equal(sync_daemon_want(1, SYNC_ROLE_UNKNOWN), SYNC_D_BACKUP);
	assert_int_equal(sync_daemon_want(1, SYNC_ROLE_STOP), 0);
	assert_int_equal(sync_daemon_want(0, SYNC_ROLE_UNKNOWN), SYNC_D_MASTER | SYNC_D_BACKUP);
	assert_string_equal(sync_daemon_set_name(SYNC_D_MASTER | SYNC_D_BACKUP), "master+backup");
	assert_string_equal(sync_daemon_set_name(0), "none");
	assert_int_equal(sync_role_parse("master"), SYNC_ROLE_MASTER);
	assert_int_equal(sync_role_parse("FAULT"), SYNC_ROLE_FAULT);
	assert_int_equal(sync_role_parse("bogus"), SYNC_ROLE_UNKNOWN);
	assert_int_equal(sync_role_parse(NULL), SYNC_ROLE_UNKNOWN);
}

/* two instances VI_1 (vrid 51) and VI_2 (vrid 52) in group G1, and VI_3 (vrid 7) alone */
struct fixture {
	struct vrrp_instance_conf i1, i2, i3;
	struct vrrp_instance_conf *insts[3];
	const char *members[2];
	struct vrrp_sync_group_conf g;
	struct vrrp_sync_group_conf *groups[1];
	struct vrrp_conf vc;
};

static void fixture_init(struct fixture *f)
{
	memset(f, 0, sizeof(*f));
	f->i1.name = "VI_1";
	f->i1.vrid = 51;
	f->i2.name = "VI_2";
	f->i2.vrid = 52;
	f->i3.name = "VI_3";
	f->i3.vrid = 7;
	f->insts[0] = &f->i1;
	f->insts[1] = &f->i2;
	f->insts[2] = &f->i3;
	f->members[0] = "VI_1";
	f->members[1] = "VI_2";
	f->g.name = "G1";
	f->g.members = f->members;
	f->g.nmembers = 2;
	f->groups[0] = &f->g;
	f->vc.instances = f->insts;
	f->vc.ninstances = 3;
	f->vc.groups = f->groups;
	f->vc.ngroups = 1;
}

static void test_instance_role(void **state)
{
	struct fixture fx;
	struct sync_follow f;

	(void)state;
	fixture_init(&fx);
	assert_int_equal(sync_follow_init(&f, "VI_3", &fx.vc), 0);
	assert_false(f.is_group);
	assert_int_equal(sync_follow_role(&f), SYNC_ROLE_UNKNOWN);
	assert_int_equal(sync_follow_set(&f, "VI_1", SYNC_ROLE_MASTER), 0);   /* not followed */
	assert_int_equal(sync_follow_role(&f), SYNC_ROLE_UNKNOWN);
	assert_int_equal(sync_follow_set(&f, "VI_3", SYNC_ROLE_MASTER), 1);
	assert_int_equal(sync_follow_role(&f), SYNC_ROLE_MASTER);
	assert_int_equal(sync_follow_set(&f, "VI_3", SYNC_ROLE_FAULT), 1);
	assert_int_equal(sync_daemon_want(1, sync_follow_role(&f)), SYNC_D_BACKUP);
	assert_int_equal(sync_follow_set(&f, "VI_3", SYNC_ROLE_STOP), 1);
	assert_int_equal(sync_daemon_want(1, sync_follow_role(&f)), 0);
	/* nothing followed: both threads */
	assert_int_equal(sync_follow_init(&f, NULL, &fx.vc), 0);
	assert_int_equal(f.name[0], 0);
	assert_int_equal(sync_follow_set(&f, "VI_3", SYNC_ROLE_MASTER), 0);
}

static void test_group_role(void **state)
{
	struct fixture fx;
	struct sync_follow f;

	(void)state;
	fixture_init(&fx);
	assert_int_equal(sync_follow_init(&f, "G1", &fx.vc), 0);
	assert_true(f.is_group);
	assert_int_equal(f.nmembers, 2);
	assert_int_equal(sync_follow_role(&f), SYNC_ROLE_UNKNOWN);
	assert_int_equal(sync_follow_set(&f, "VI_3", SYNC_ROLE_MASTER), 0);
	sync_follow_set(&f, "VI_1", SYNC_ROLE_BACKUP);
	assert_int_equal(sync_follow_role(&f), SYNC_ROLE_BACKUP);
	sync_follow_set(&f, "VI_2", SYNC_ROLE_BACKUP);
	/* the group goes MASTER member by member: MASTER only once all are */
	assert_int_equal(sync_follow_set(&f, "VI_1", SYNC_ROLE_MASTER), 1);
	assert_int_equal(sync_follow_role(&f), SYNC_ROLE_BACKUP);
	sync_follow_set(&f, "VI_2", SYNC_ROLE_MASTER);
	assert_int_equal(sync_follow_role(&f), SYNC_ROLE_MASTER);
	assert_int_equal(sync_daemon_want(1, sync_follow_role(&f)), SYNC_D_MASTER);
	/* the first member leaving MASTER takes the group out of it */
	sync_follow_set(&f, "VI_2", SYNC_ROLE_FAULT);
	assert_int_equal(sync_follow_role(&f), SYNC_ROLE_FAULT);
	assert_int_equal(sync_daemon_want(1, sync_follow_role(&f)), SYNC_D_BACKUP);
	sync_follow_set(&f, "VI_1", SYNC_ROLE_STOP);
	assert_int_equal(sync_follow_role(&f), SYNC_ROLE_FAULT);
	sync_follow_set(&f, "VI_2", SYNC_ROLE_STOP);
	assert_int_equal(sync_follow_role(&f), SYNC_ROLE_STOP);
	assert_int_equal(sync_daemon_want(1, sync_follow_role(&f)), 0);
}

static void test_params(void **state)
{
	struct fixture fx;
	struct sync_lvs_daemon_conf c = { .set = 1, .ifname = "eth1", .instance = "VI_3",
	                                  .syncid = -1 };
	struct dir_ipvs_daemon p;

	(void)state;
	fixture_init(&fx);
	sync_daemon_params(&c, &fx.vc, &p);
	assert_string_equal(p.ifname, "eth1");
	assert_int_equal(p.syncid, 7);                  /* the VRID */
	assert_int_equal(p.maxlen, 0);
	assert_int_equal(p.mcast_port, 0);
	assert_int_equal(p.mcast_af, 0);
	c.instance = "G1";                              /* a group: its first member's VRID */
	sync_daemon_params(&c, &fx.vc, &p);
	assert_int_equal(p.syncid, 51);
	c.instance = NULL;
	sync_daemon_params(&c, &fx.vc, &p);
	assert_int_equal(p.syncid, 0);
	c.syncid = 9;
	c.maxlen = 1200;
	c.port = 8850;
	c.ttl = 3;
	c.has_group = 1;
	c.group.family = AF_INET;
	inet_pton(AF_INET, "239.1.2.3", &c.group.u.v4);
	sync_daemon_params(&c, &fx.vc, &p);
	assert_int_equal(p.syncid, 9);
	assert_int_equal(p.maxlen, 1200);
	assert_int_equal(p.mcast_port, 8850);
	assert_int_equal(p.mcast_ttl, 3);
	assert_int_equal(p.mcast_af, AF_INET);
	assert_memory_equal(p.mcast_group.b, &c.group.u.v4, 4);
}

static struct dir_ipvs_daemon running(uint32_t state, const struct dir_ipvs_daemon *p)
{
	struct dir_ipvs_daemon d = *p;

	d.state = state;
	/* the kernel reports its defaults for what was not given */
	if (!d.maxlen)
		d.maxlen = 1472;
	if (!d.mcast_port)
		d.mcast_port = 8848;
	if (!d.mcast_ttl)
		d.mcast_ttl = 1;
	if (!d.mcast_af) {
		d.mcast_af = AF_INET;
		inet_pton(AF_INET, "224.0.0.81", &d.mcast_group.v4);
	}
	return d;
}

static void test_plan(void **state)
{
	struct dir_ipvs_daemon p = { .syncid = 51 }, have[2];
	struct sync_daemon_step s[4];
	size_t n;

	(void)state;
	strcpy(p.ifname, "eth1");
	/* nothing runs, backup wanted */
	n = sync_daemon_plan(NULL, 0, SYNC_D_BACKUP, &p, s);
	assert_int_equal(n, 1);
	assert_int_equal(s[0].cmd, IPVS_CMD_NEW_DAEMON);
	assert_int_equal(s[0].state, IP_VS_STATE_BACKUP);
	/* BACKUP -> MASTER: stop the backup thread, then start the master */
	have[0] = running(IP_VS_STATE_BACKUP, &p);
	n = sync_daemon_plan(have, 1, SYNC_D_MASTER, &p, s);
	assert_int_equal(n, 2);
	assert_int_equal(s[0].cmd, IPVS_CMD_DEL_DAEMON);
	assert_int_equal(s[0].state, IP_VS_STATE_BACKUP);
	assert_int_equal(s[1].cmd, IPVS_CMD_NEW_DAEMON);
	assert_int_equal(s[1].state, IP_VS_STATE_MASTER);
	/* already right, kernel defaults included: nothing to do */
	have[0] = running(IP_VS_STATE_MASTER, &p);
	assert_int_equal(sync_daemon_plan(have, 1, SYNC_D_MASTER, &p, s), 0);
	/* STOP: everything stopped, master first */
	have[1] = running(IP_VS_STATE_BACKUP, &p);
	n = sync_daemon_plan(have, 2, 0, &p, s);
	assert_int_equal(n, 2);
	assert_int_equal(s[0].state, IP_VS_STATE_MASTER);
	assert_int_equal(s[1].state, IP_VS_STATE_BACKUP);
	assert_int_equal(s[0].cmd, IPVS_CMD_DEL_DAEMON);
	/* a thread on another interface (a reload changed it): restarted */
	have[0] = running(IP_VS_STATE_MASTER, &p);
	strcpy(have[0].ifname, "eth0");
	n = sync_daemon_plan(have, 1, SYNC_D_MASTER, &p, s);
	assert_int_equal(n, 2);
	assert_int_equal(s[0].cmd, IPVS_CMD_DEL_DAEMON);
	assert_int_equal(s[1].cmd, IPVS_CMD_NEW_DAEMON);
	/* an explicit port differing from the running one: restarted */
	p.mcast_port = 8850;
	have[0] = running(IP_VS_STATE_MASTER, &p);
	have[0].mcast_port = 8848;
	assert_int_equal(sync_daemon_plan(have, 1, SYNC_D_MASTER, &p, s), 2);
	assert_int_equal(sync_daemon_running(have, 1), SYNC_D_MASTER);
}

/* the sync child restarted while its instance is MASTER: the feed's snapshot says MASTER
 * before any decision, so the running master thread is kept (no stop/start) */
static void test_restart_mid_role(void **state)
{
	struct fixture fx;
	struct sync_follow f;
	struct sync_lvs_daemon_conf c = { .set = 1, .ifname = "eth1", .instance = "VI_3",
	                                  .syncid = -1 };
	struct dir_ipvs_daemon p, have[1];
	struct sync_daemon_step s[4];

	(void)state;
	fixture_init(&fx);
	sync_daemon_params(&c, &fx.vc, &p);
	have[0] = running(IP_VS_STATE_MASTER, &p);
	assert_int_equal(sync_follow_init(&f, c.instance, &fx.vc), 0);
	/* the snapshot's view: {"instance":"VI_3","to":"MASTER"} */
	sync_follow_set(&f, "VI_3", sync_role_parse("MASTER"));
	assert_int_equal(sync_daemon_plan(have, 1, sync_daemon_want(1, sync_follow_role(&f)), &p,
	                                  s), 0);
	/* had it decided before the snapshot (role unknown), it would have swapped threads */
	assert_int_equal(sync_daemon_plan(have, 1, sync_daemon_want(1, SYNC_ROLE_UNKNOWN), &p, s),
	                 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_want),
		cmocka_unit_test(test_instance_role),
		cmocka_unit_test(test_group_role),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_restart_mid_role),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
