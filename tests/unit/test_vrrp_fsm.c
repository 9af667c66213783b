/* tests/unit/test_vrrp_fsm.c - the pure VRRP state machine (vrrp/vrrp_fsm.c) driven with
 * injected time: every transition of the RFC 9568 / 3768 state descriptions for v2 and v3,
 * exact deadlines in ns, preempt/nopreempt, preempt_delay, owner, priority 0, tie-break,
 * split-brain repair, fault, shutdown, tracking, admin demote/promote. Sync groups and the
 * two-router simulation are in test_vrrp_fsm_group.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include "vrrp/vrrp_fsm.h"
#include "tests/unit/vrrp_fsm_fixture.h"

/* ---- formulas ---- */

static void test_formulas_literal(void **state)
{
	setup_v(3, 100, 1);
	/* priority 100 at 10 ms: skew 156 x 10 ms / 256 = 6.09375 ms, Master_Down 36.09375 ms */
	assert_int_equal(vrrp_fsm_skew_ns(&F.p, 100, 1), 6093750ULL);
	assert_int_equal(vrrp_fsm_master_down_ns(&F.p, 100, 1), 36093750ULL);
	/* 1 s: 609.375 ms skew, 3.609375 s */
	assert_int_equal(vrrp_fsm_master_down_ns(&F.p, 100, 100), 3609375000ULL);
	/* priority 254 at 10 ms: skew 78.125 us; priority 1 at 40.95 s */
	assert_int_equal(vrrp_fsm_skew_ns(&F.p, 254, 1), 78125ULL);
	assert_int_equal(vrrp_fsm_master_down_ns(&F.p, 1, 4095),
	                 3ULL * 4095 * CS + 255ULL * 4095 * CS / 256);
	/* owner: skew 1/256 interval */
	assert_int_equal(vrrp_fsm_skew_ns(&F.p, 255, 100), 3906250ULL);
	/* down_timer_adverts */
	F.p.down_timer_adverts = 5;
	assert_int_equal(vrrp_fsm_master_down_ns(&F.p, 100, 1), 56093750ULL);
	F.p.down_timer_adverts = 0;   /* 0 = RFC default 3 */
	assert_int_equal(vrrp_fsm_master_down_ns(&F.p, 100, 1), 36093750ULL);
	/* v2 (RFC 3768): skew is (256 - prio)/256 s whatever the interval */
	setup_v(2, 100, 100);
	assert_int_equal(vrrp_fsm_skew_ns(&F.p, 100, 100), 609375000ULL);
	assert_int_equal(vrrp_fsm_master_down_ns(&F.p, 100, 100), 3609375000ULL);
	assert_int_equal(vrrp_fsm_master_down_ns(&F.p, 100, 300), 9609375000ULL);
	assert_int_equal(vrrp_fsm_master_down_ns(&F.p, 200, 100), 3218750000ULL);
	(void)state;
}

static void test_params_check(void **state)
{
	struct vrrp_fsm_params p;

	vrrp_fsm_params_default(&p);
	assert_int_equal(vrrp_fsm_params_check(&p), 0);
	p.version = 4;
	assert_int_equal(vrrp_fsm_params_check(&p), -1);
	vrrp_fsm_params_default(&p);
	p.priority = 0;
	assert_int_equal(vrrp_fsm_params_check(&p), -1);
	vrrp_fsm_params_default(&p);
	p.advert_int_cs = 0;
	assert_int_equal(vrrp_fsm_params_check(&p), -1);
	p.advert_int_cs = 4096;
	assert_int_equal(vrrp_fsm_params_check(&p), -1);
	p.advert_int_cs = 4095;
	assert_int_equal(vrrp_fsm_params_check(&p), 0);
	p.version = 2;
	assert_int_equal(vrrp_fsm_params_check(&p), -1);   /* not whole seconds */
	p.advert_int_cs = 200;
	assert_int_equal(vrrp_fsm_params_check(&p), 0);
	p.addr_len = 6;
	assert_int_equal(vrrp_fsm_params_check(&p), -1);
	p.addr_len = 16;
	p.down_timer_adverts = 101;
	assert_int_equal(vrrp_fsm_params_check(&p), -1);
	(void)state;
}

/* ---- Initialize ---- */

static void test_startup_backup(void **state)
{
	int v = ver(state);
	uint64_t t0 = 5 * S + 123;

	setup_v(v, 100, dflt_int(v));
	assert_int_equal(vrrp_fsm_next_deadline(&F.st), VRRP_FSM_NEVER);
	ev(VRRP_FSM_EV_STARTUP, t0);
	expect_trans(VRRP_FSM_INIT, VRRP_FSM_BACKUP, VRRP_FSM_R_STARTUP);
	expect_timer(VRRP_FSM_T_MASTER_DOWN, t0 + exp_md(v, 100, dflt_int(v)));
	assert_int_equal(vrrp_fsm_next_deadline(&F.st), t0 + exp_md(v, 100, dflt_int(v)));
	assert_int_equal(count(VRRP_FSM_ACT_SEND_ADVERT), 0);
	assert_int_equal(count(VRRP_FSM_ACT_VIPS_ADD), 0);
	assert_int_equal(F.st.master_adver_int_cs, dflt_int(v));
	/* a second startup is ignored */
	ev(VRRP_FSM_EV_STARTUP, t0 + 1);
	expect_nothing();
	/* `state MASTER` without priority 255 still waits for Master_Down */
	setup_v(v, 100, dflt_int(v));
	F.p.want_master = 1;
	ev(VRRP_FSM_EV_STARTUP, t0);
	expect_trans(VRRP_FSM_INIT, VRRP_FSM_BACKUP, VRRP_FSM_R_STARTUP);
}

static void test_startup_owner(void **state)
{
	int v = ver(state);

	setup_v(v, 255, dflt_int(v));
	ev(VRRP_FSM_EV_STARTUP, 1000);
	expect_trans(VRRP_FSM_INIT, VRRP_FSM_MASTER, VRRP_FSM_R_OWNER);
	expect_become_master(255, 1000);
	assert_int_equal(vrrp_fsm_next_deadline(&F.st), 1000 + dflt_int(v) * CS);
	assert_true(vrrp_fsm_accepts_vip_traffic(&F.p, &F.st));
	/* owner with state MASTER: the same */
	setup_v(v, 255, dflt_int(v));
	F.p.want_master = 1;
	ev(VRRP_FSM_EV_STARTUP, 0);
	expect_trans(VRRP_FSM_INIT, VRRP_FSM_MASTER, VRRP_FSM_R_OWNER);
}

static void test_init_ignores_events(void **state)
{
	int v = ver(state);
	enum vrrp_fsm_event_type evs[] = {
		VRRP_FSM_EV_SHUTDOWN, VRRP_FSM_EV_MASTER_DOWN, VRRP_FSM_EV_ADVER_TIMER,
		VRRP_FSM_EV_PREEMPT_TIMER, VRRP_FSM_EV_DEMOTE, VRRP_FSM_EV_PROMOTE,
		VRRP_FSM_EV_GROUP_MASTER, VRRP_FSM_EV_GROUP_BACKUP,
	};

	setup_v(v, 100, dflt_int(v));
	for (size_t i = 0; i < sizeof(evs) / sizeof(evs[0]); i++) {
		ev(evs[i], 1000);
		expect_nothing();
		assert_int_equal(F.st.state, VRRP_FSM_INIT);
	}
	adv(200, dflt_int(v), 9, 1000);
	expect_nothing();
	F.st.demoted = 0;
	/* an unknown event is an error */
	assert_int_equal(ev((enum vrrp_fsm_event_type)99, 0), -1);
	assert_int_equal(ev(VRRP_FSM_EV_NONE, 0), -1);
}

/* ---- Backup ---- */

static void test_backup_master_down_exact(void **state)
{
	int v = ver(state);
	uint64_t md;

	setup_v(v, 100, dflt_int(v));
	md = to_backup(0);
	assert_int_equal(md, exp_md(v, 100, dflt_int(v)));
	/* one ns early: nothing */
	ev(VRRP_FSM_EV_MASTER_DOWN, md - 1);
	expect_nothing();
	assert_int_equal(vrrp_fsm_due(&F.st, md - 1), VRRP_FSM_EV_NONE);
	assert_int_equal(vrrp_fsm_due(&F.st, md), VRRP_FSM_EV_MASTER_DOWN);
	ev(VRRP_FSM_EV_MASTER_DOWN, md);
	expect_trans(VRRP_FSM_BACKUP, VRRP_FSM_MASTER, VRRP_FSM_R_MASTER_DOWN);
	expect_become_master(100, md);
	expect_timer(VRRP_FSM_T_MASTER_DOWN, VRRP_FSM_NEVER);
	/* a stale Master_Down in Master is ignored */
	ev(VRRP_FSM_EV_MASTER_DOWN, md + 1);
	expect_nothing();
}

static void test_backup_follows_master(void **state)
{
	int v = ver(state);
	uint16_t iv = dflt_int(v);
	uint64_t t = 0;

	setup_v(v, 100, iv);
	to_backup(0);
	/* adverts every interval keep pushing Master_Down: now + MD exactly */
	for (int i = 0; i < 50; i++) {
		t += iv * CS + (uint64_t)i;   /* jitter */
		adv(200, iv, 1, t);
		assert_int_equal(F.rc, 0);
		expect_timer(VRRP_FSM_T_MASTER_DOWN, t + exp_md(v, 100, iv));
		assert_int_equal(F.st.state, VRRP_FSM_BACKUP);
		assert_int_equal(count(VRRP_FSM_ACT_SEND_ADVERT), 0);
		ev(VRRP_FSM_EV_MASTER_DOWN, t + exp_md(v, 100, iv) - 1);
		expect_nothing();
	}
	assert_true(F.st.master_known);
	assert_int_equal(F.st.master_prio, 200);
	assert_int_equal(F.st.master_seen_at, t);
	/* the master goes silent: Master_Down after its last advert, to the ns */
	ev(VRRP_FSM_EV_MASTER_DOWN, t + exp_md(v, 100, iv));
	expect_trans(VRRP_FSM_BACKUP, VRRP_FSM_MASTER, VRRP_FSM_R_MASTER_DOWN);
	/* equal priority is followed too (RFC: >= local) */
	setup_v(v, 100, iv);
	to_backup(0);
	adv(100, iv, 1, 7);
	expect_timer(VRRP_FSM_T_MASTER_DOWN, 7 + exp_md(v, 100, iv));
	assert_false(vrrp_fsm_accepts_vip_traffic(&F.p, &F.st));
}

static void test_v3_adopts_master_interval(void **state)
{
	uint64_t t = 1 * S;

	setup_v(3, 100, 100);   /* configured 1 s */
	to_backup(0);
	adv(200, 5, 1, t);      /* the master sends every 50 ms */
	assert_non_null(find(VRRP_FSM_ACT_LEARN_INTERVAL, 0));
	assert_int_equal(find(VRRP_FSM_ACT_LEARN_INTERVAL, 0)->u.learn.int_cs, 5);
	assert_int_equal(F.st.master_adver_int_cs, 5);
	/* Master_Down = 3 x 50 ms + 156 x 50 ms / 256 = 150 ms + 30.46875 ms */
	expect_timer(VRRP_FSM_T_MASTER_DOWN, t + 180468750ULL);
	/* the same interval again: no new learn action */
	adv(200, 5, 1, t + 50 * MS);
	assert_null(find(VRRP_FSM_ACT_LEARN_INTERVAL, 0));
	/* priority 0 uses the learned interval for the skew */
	adv(0, 5, 1, t + 60 * MS);
	expect_timer(VRRP_FSM_T_MASTER_DOWN, t + 60 * MS + 30468750ULL);
	/* taking over, we advertise our own configured interval */
	ev(VRRP_FSM_EV_MASTER_DOWN, t + 60 * MS + 30468750ULL);
	expect_advert(0, 100, 100);
	expect_timer(VRRP_FSM_T_ADVER, t + 60 * MS + 30468750ULL + 1 * S);
	assert_int_equal(F.st.master_adver_int_cs, 100);
}

static void test_v2_ignores_advert_interval(void **state)
{
	setup_v(2, 100, 100);
	to_backup(0);
	adv(200, 300, 1, 10);   /* v2: the interval field is not a protocol input */
	assert_null(find(VRRP_FSM_ACT_LEARN_INTERVAL, 0));
	assert_int_equal(F.st.master_adver_int_cs, 100);
	expect_timer(VRRP_FSM_T_MASTER_DOWN, 10 + 3609375000ULL);
}

static void test_v3_zero_interval_not_learned(void **state)
{
	uint64_t t;

	/* an interval of 0 cannot come from a valid packet; if one slips through it is ignored */
	setup_v(3, 100, 2);
	to_backup(0);
	adv(200, 0, 1, 10);
	assert_null(find(VRRP_FSM_ACT_LEARN_INTERVAL, 0));
	expect_timer(VRRP_FSM_T_MASTER_DOWN, 10 + exp_md(3, 100, 2));
	setup_v(3, 100, 2);
	t = to_master(0) + 1;
	adv(200, 0, 1, t);
	expect_trans(VRRP_FSM_MASTER, VRRP_FSM_BACKUP, VRRP_FSM_R_HIGHER_PRIO);
	assert_null(find(VRRP_FSM_ACT_LEARN_INTERVAL, 0));
	expect_timer(VRRP_FSM_T_MASTER_DOWN, t + exp_md(3, 100, 2));
	(void)state;
}

static void test_due_order(void **state)
{
	uint64_t pd;

	/* Master_Down and the preempt timer due at the same ns: Master_Down is reported first */
	setup_v(3, 200, 1);
	pd = exp_md(3, 200, 1);
	F.p.preempt_delay_ns = pd;
	to_backup(0);
	adv(100, 1, 9, 1000);   /* lower master: followed, preempt at 1000 + pd = Master_Down */
	assert_int_equal(F.st.preempt_at, F.st.master_down_at);
	assert_int_equal(vrrp_fsm_due(&F.st, 1000 + pd - 1), VRRP_FSM_EV_NONE);
	assert_int_equal(vrrp_fsm_due(&F.st, 1000 + pd), VRRP_FSM_EV_MASTER_DOWN);
	ev(VRRP_FSM_EV_MASTER_DOWN, 1000 + pd);
	expect_trans(VRRP_FSM_BACKUP, VRRP_FSM_MASTER, VRRP_FSM_R_MASTER_DOWN);
	assert_int_equal(vrrp_fsm_due(&F.st, 1000 + pd), VRRP_FSM_EV_NONE);
	assert_int_equal(vrrp_fsm_due(&F.st, 1000 + pd + CS), VRRP_FSM_EV_ADVER_TIMER);
	(void)state;
}

static void test_backup_preempt(void **state)
{
	int v = ver(state);
	uint16_t iv = dflt_int(v);
	uint64_t last;

	/* preempt (default): a lower master's adverts are discarded, we take over at
	 * (last accepted advert or startup) + Master_Down */
	setup_v(v, 200, iv);
	last = to_backup(0) - exp_md(v, 200, iv);
	for (int i = 1; i <= 5; i++) {
		adv(100, iv, 9, (uint64_t)i * iv * CS);
		expect_nothing();
	}
	ev(VRRP_FSM_EV_MASTER_DOWN, last + exp_md(v, 200, iv));
	expect_trans(VRRP_FSM_BACKUP, VRRP_FSM_MASTER, VRRP_FSM_R_MASTER_DOWN);

	/* nopreempt: the lower master is followed */
	setup_v(v, 200, iv);
	F.p.nopreempt = 1;
	to_backup(0);
	adv(100, iv, 9, 1000);
	expect_timer(VRRP_FSM_T_MASTER_DOWN, 1000 + exp_md(v, 200, iv));
	assert_int_equal(F.st.master_prio, 100);

	/* nopreempt with `state MASTER`: keepalived preempts anyway */
	setup_v(v, 200, iv);
	F.p.nopreempt = 1;
	F.p.want_master = 1;
	to_backup(0);
	adv(100, iv, 9, 1000);
	expect_nothing();
}

static void test_backup_prio0(void **state)
{
	int v = ver(state);
	uint16_t iv = dflt_int(v);
	uint64_t t = 3 * S;

	setup_v(v, 100, iv);
	to_backup(0);
	adv(200, iv, 1, t);
	/* the master leaves: Master_Down = Skew_Time from the priority 0 advert */
	adv(0, iv, 1, t + 100);
	assert_int_equal(F.rc, 0);
	expect_timer(VRRP_FSM_T_MASTER_DOWN, t + 100 + exp_skew(v, 100, iv));
	ev(VRRP_FSM_EV_MASTER_DOWN, t + 100 + exp_skew(v, 100, iv));
	expect_trans(VRRP_FSM_BACKUP, VRRP_FSM_MASTER, VRRP_FSM_R_MASTER_LEFT);
	expect_become_master(100, t + 100 + exp_skew(v, 100, iv));

	/* another backup (higher priority, so a shorter skew) takes over first: follow it */
	setup_v(v, 100, iv);
	to_backup(0);
	adv(200, iv, 1, t);
	adv(0, iv, 1, t + 100);
	adv(150, iv, 3, t + 200);
	expect_timer(VRRP_FSM_T_MASTER_DOWN, t + 200 + exp_md(v, 100, iv));
	assert_false(F.st.prio0_pending);
	ev(VRRP_FSM_EV_MASTER_DOWN, t + 100 + exp_skew(v, 100, iv));
	expect_nothing();
	ev(VRRP_FSM_EV_MASTER_DOWN, t + 200 + exp_md(v, 100, iv));
	expect_trans(VRRP_FSM_BACKUP, VRRP_FSM_MASTER, VRRP_FSM_R_MASTER_DOWN);
}

/* ---- Master ---- */

static void test_master_adver_timer(void **state)
{
	int v = ver(state);
	uint16_t iv = dflt_int(v);
	uint64_t step = iv * CS, at;

	setup_v(v, 255, iv);
	ev(VRRP_FSM_EV_STARTUP, 0);
	at = F.st.adver_at;
	assert_int_equal(at, step);
	/* early: nothing */
	ev(VRRP_FSM_EV_ADVER_TIMER, at - 1);
	expect_nothing();
	/* on time and a little late: the cadence follows the deadlines, not the lateness */
	for (int i = 0; i < 100; i++) {
		assert_int_equal(vrrp_fsm_due(&F.st, at + 50), VRRP_FSM_EV_ADVER_TIMER);
		ev(VRRP_FSM_EV_ADVER_TIMER, at + 50);
		assert_int_equal(F.rc, 0);
		assert_int_equal(F.out.n, 2);
		expect_advert(0, 255, iv);
		expect_timer(VRRP_FSM_T_ADVER, at + step);
		at += step;
	}
	/* a stall longer than an interval: one advert, next one a full interval from now */
	ev(VRRP_FSM_EV_ADVER_TIMER, at + 3 * step + 7);
	assert_int_equal(count(VRRP_FSM_ACT_SEND_ADVERT), 1);
	expect_timer(VRRP_FSM_T_ADVER, at + 4 * step + 7);
}

static void test_master_higher_prio(void **state)
{
	int v = ver(state);
	uint16_t iv = dflt_int(v);
	uint64_t t;

	setup_v(v, 100, iv);
	t = to_master(0) + 5;
	adv(200, iv, 1, t);
	expect_trans(VRRP_FSM_MASTER, VRRP_FSM_BACKUP, VRRP_FSM_R_HIGHER_PRIO);
	assert_int_equal(F.out.a[0].kind, VRRP_FSM_ACT_VIPS_DEL);
	expect_timer(VRRP_FSM_T_ADVER, VRRP_FSM_NEVER);
	expect_timer(VRRP_FSM_T_MASTER_DOWN, t + exp_md(v, 100, iv));
	assert_int_equal(count(VRRP_FSM_ACT_SEND_ADVERT), 0);
	assert_int_equal(count(VRRP_FSM_ACT_GARP), 0);
	assert_int_equal(F.st.adver_at, VRRP_FSM_NEVER);
	assert_int_equal(F.st.master_prio, 200);
}

/* higher_prio_send_advert: one advert of our own priority, then the step down */
static void test_master_higher_prio_send_advert(void **state)
{
	int v = ver(state);
	uint16_t iv = dflt_int(v);
	uint64_t t;

	setup_v(v, 100, iv);
	F.p.higher_prio_send_advert = 1;
	t = to_master(0) + 5;
	adv(200, iv, 1, t);
	expect_trans(VRRP_FSM_MASTER, VRRP_FSM_BACKUP, VRRP_FSM_R_HIGHER_PRIO);
	assert_int_equal(F.out.a[0].kind, VRRP_FSM_ACT_SEND_ADVERT);
	expect_advert(0, 100, iv);
	assert_int_equal(F.out.a[1].kind, VRRP_FSM_ACT_VIPS_DEL);
	assert_int_equal(count(VRRP_FSM_ACT_SEND_ADVERT), 1);
}

static void test_v3_master_steps_down_learns_interval(void **state)
{
	uint64_t t;

	setup_v(3, 100, 1);
	t = to_master(0) + 1;
	adv(200, 100, 1, t);   /* the new master advertises every second */
	expect_trans(VRRP_FSM_MASTER, VRRP_FSM_BACKUP, VRRP_FSM_R_HIGHER_PRIO);
	assert_int_equal(find(VRRP_FSM_ACT_LEARN_INTERVAL, 0)->u.learn.int_cs, 100);
	expect_timer(VRRP_FSM_T_MASTER_DOWN, t + 3609375000ULL);
}

static void test_master_tie_break(void **state)
{
	int v = ver(state);
	uint16_t iv = dflt_int(v);
	uint64_t t;

	/* equal priority from a higher address (10.0.0.9 > 10.0.0.2): step down */
	setup_v(v, 100, iv);
	t = to_master(0) + 1;
	adv(100, iv, 9, t);
	expect_trans(VRRP_FSM_MASTER, VRRP_FSM_BACKUP, VRRP_FSM_R_EQUAL_PRIO_HIGHER_ADDR);
	expect_timer(VRRP_FSM_T_MASTER_DOWN, t + exp_md(v, 100, iv));
	/* equal priority from a lower address (10.0.0.1): stay, repair */
	setup_v(v, 100, iv);
	t = to_master(0) + 1;
	adv(100, iv, 1, t);
	assert_int_equal(F.rc, 0);
	assert_int_equal(F.st.state, VRRP_FSM_MASTER);
	expect_advert(0, 100, iv);
	assert_int_equal(find(VRRP_FSM_ACT_GARP, 0)->u.garp.why, VRRP_FSM_GARP_SPLIT_BRAIN);
	/* the address compares as an unsigned number: 10.0.1.0 > 10.0.0.255 */
	setup_v(v, 100, iv);
	F.p.local_addr[2] = 0;
	F.p.local_addr[3] = 255;
	t = to_master(0) + 1;
	{
		struct vrrp_fsm_event e = { .type = VRRP_FSM_EV_ADVERT, .priority = 100, .int_cs = iv };

		e.addr[0] = 10;
		e.addr[2] = 1;
		F.rc = vrrp_fsm_step(&F.p, &F.st, &e, t, &F.out);
	}
	expect_trans(VRRP_FSM_MASTER, VRRP_FSM_BACKUP, VRRP_FSM_R_EQUAL_PRIO_HIGHER_ADDR);
	/* our own advert looped back: nothing */
	setup_v(v, 100, iv);
	t = to_master(0) + 1;
	adv(100, iv, 2, t);
	expect_nothing();
}

static void test_tie_break_ipv6(void **state)
{
	struct vrrp_fsm_event e = { .type = VRRP_FSM_EV_ADVERT, .priority = 100, .int_cs = 1 };
	uint64_t t;

	setup_v(3, 100, 1);
	F.p.addr_len = 16;
	memset(F.p.local_addr, 0, 16);
	F.p.local_addr[0] = 0xfe;
	F.p.local_addr[1] = 0x80;
	F.p.local_addr[15] = 0x10;
	t = to_master(0) + 1;
	memcpy(e.addr, F.p.local_addr, 16);
	e.addr[15] = 0x0f;   /* lower */
	F.rc = vrrp_fsm_step(&F.p, &F.st, &e, t, &F.out);
	assert_int_equal(F.rc, 0);
	assert_int_equal(count(VRRP_FSM_ACT_GARP), 1);
	e.addr[8] = 0x01;    /* higher (fe80::100:0:0:f) */
	F.rc = vrrp_fsm_step(&F.p, &F.st, &e, t + 1, &F.out);
	expect_trans(VRRP_FSM_MASTER, VRRP_FSM_BACKUP, VRRP_FSM_R_EQUAL_PRIO_HIGHER_ADDR);
	(void)state;
}

static void test_master_split_brain_repair(void **state)
{
	int v = ver(state);
	uint16_t iv = dflt_int(v);
	uint64_t t;

	setup_v(v, 200, iv);
	t = to_master(0) + 3;
	adv(100, iv, 9, t);
	assert_int_equal(F.rc, 0);
	assert_int_equal(F.st.state, VRRP_FSM_MASTER);
	assert_int_equal(F.out.n, 3);
	assert_int_equal(F.out.a[0].kind, VRRP_FSM_ACT_SEND_ADVERT);
	expect_advert(0, 200, iv);
	expect_timer(VRRP_FSM_T_ADVER, t + iv * CS);
	assert_int_equal(find(VRRP_FSM_ACT_GARP, 0)->u.garp.why, VRRP_FSM_GARP_SPLIT_BRAIN);
	/* lower_prio_no_advert / lower_prio_no_garp */
	F.p.lower_prio_no_advert = 1;
	adv(100, iv, 9, t + 10);
	assert_int_equal(count(VRRP_FSM_ACT_SEND_ADVERT), 0);
	assert_int_equal(count(VRRP_FSM_ACT_GARP), 1);
	F.p.lower_prio_no_garp = 1;
	adv(100, iv, 9, t + 20);
	expect_nothing();
	F.p.lower_prio_no_advert = 0;
	adv(100, iv, 9, t + 30);
	assert_int_equal(count(VRRP_FSM_ACT_SEND_ADVERT), 1);
	assert_int_equal(count(VRRP_FSM_ACT_GARP), 0);
}

static void test_master_rx_prio0(void **state)
{
	int v = ver(state);
	uint16_t iv = dflt_int(v);
	uint64_t t;

	setup_v(v, 100, iv);
	t = to_master(0) + 1000;
	adv(0, iv, 9, t);
	assert_int_equal(F.rc, 0);
	assert_int_equal(F.st.state, VRRP_FSM_MASTER);
	expect_advert(0, 100, iv);
	expect_timer(VRRP_FSM_T_ADVER, t + iv * CS);
	assert_int_equal(count(VRRP_FSM_ACT_GARP), 0);
}

/* ---- shutdown ---- */

static void test_shutdown(void **state)
{
	int v = ver(state);
	uint16_t iv = dflt_int(v);

	/* from Master: priority 0, VIPs removed, Stop */
	setup_v(v, 100, iv);
	to_master(0);
	ev(VRRP_FSM_EV_SHUTDOWN, 10 * S);
	expect_trans(VRRP_FSM_MASTER, VRRP_FSM_STOP, VRRP_FSM_R_SHUTDOWN);
	assert_int_equal(F.out.a[0].kind, VRRP_FSM_ACT_SEND_ADVERT);
	expect_advert(0, 0, iv);
	assert_int_equal(count(VRRP_FSM_ACT_SEND_ADVERT), 1);
	assert_int_equal(count(VRRP_FSM_ACT_VIPS_DEL), 1);
	expect_timer(VRRP_FSM_T_ADVER, VRRP_FSM_NEVER);
	assert_int_equal(vrrp_fsm_next_deadline(&F.st), VRRP_FSM_NEVER);
	/* stopped: everything but startup is ignored; a second shutdown too */
	ev(VRRP_FSM_EV_SHUTDOWN, 11 * S);
	expect_nothing();
	adv(200, iv, 9, 11 * S);
	expect_nothing();
	/* restart */
	ev(VRRP_FSM_EV_STARTUP, 12 * S);
	expect_trans(VRRP_FSM_STOP, VRRP_FSM_BACKUP, VRRP_FSM_R_STARTUP);
	expect_timer(VRRP_FSM_T_MASTER_DOWN, 12 * S + exp_md(v, 100, iv));

	/* from Backup: no advert at all */
	setup_v(v, 100, iv);
	to_backup(0);
	ev(VRRP_FSM_EV_SHUTDOWN, 1);
	expect_trans(VRRP_FSM_BACKUP, VRRP_FSM_STOP, VRRP_FSM_R_SHUTDOWN);
	assert_int_equal(count(VRRP_FSM_ACT_SEND_ADVERT), 0);
	assert_int_equal(count(VRRP_FSM_ACT_VIPS_DEL), 0);
	expect_timer(VRRP_FSM_T_MASTER_DOWN, VRRP_FSM_NEVER);

	/* from Fault: no advert */
	setup_v(v, 100, iv);
	to_backup(0);
	ev(VRRP_FSM_EV_FAULT_ON, 1);
	ev(VRRP_FSM_EV_SHUTDOWN, 2);
	expect_trans(VRRP_FSM_FAULT, VRRP_FSM_STOP, VRRP_FSM_R_SHUTDOWN);
	assert_int_equal(count(VRRP_FSM_ACT_SEND_ADVERT), 0);
}

/* ---- fault ---- */

static void test_fault(void **state)
{
	int v = ver(state);
	uint16_t iv = dflt_int(v);

	/* Backup -> Fault: silent, no timers; adverts and timers ignored */
	setup_v(v, 100, iv);
	to_backup(0);
	ev(VRRP_FSM_EV_FAULT_ON, 100);
	expect_trans(VRRP_FSM_BACKUP, VRRP_FSM_FAULT, VRRP_FSM_R_FAULT);
	expect_timer(VRRP_FSM_T_MASTER_DOWN, VRRP_FSM_NEVER);
	assert_int_equal(count(VRRP_FSM_ACT_SEND_ADVERT), 0);
	assert_int_equal(vrrp_fsm_next_deadline(&F.st), VRRP_FSM_NEVER);
	adv(200, iv, 9, 200);
	expect_nothing();
	ev(VRRP_FSM_EV_MASTER_DOWN, 100 * S);
	expect_nothing();
	ev(VRRP_FSM_EV_FAULT_ON, 300);   /* level, not a count */
	expect_nothing();
	ev(VRRP_FSM_EV_DEMOTE, 301);
	expect_nothing();
	ev(VRRP_FSM_EV_PROMOTE, 302);
	expect_nothing();
	/* recovery: as at startup */
	ev(VRRP_FSM_EV_FAULT_OFF, 1000);
	expect_trans(VRRP_FSM_FAULT, VRRP_FSM_BACKUP, VRRP_FSM_R_FAULT_CLEARED);
	expect_timer(VRRP_FSM_T_MASTER_DOWN, 1000 + exp_md(v, 100, iv));
	ev(VRRP_FSM_EV_FAULT_OFF, 1001);
	expect_nothing();

	/* Master -> Fault: priority 0 first, VIPs removed */
	setup_v(v, 100, iv);
	to_master(0);
	ev(VRRP_FSM_EV_FAULT_ON, 50 * S);
	expect_trans(VRRP_FSM_MASTER, VRRP_FSM_FAULT, VRRP_FSM_R_FAULT);
	expect_advert(0, 0, iv);
	assert_int_equal(count(VRRP_FSM_ACT_VIPS_DEL), 1);
	expect_timer(VRRP_FSM_T_ADVER, VRRP_FSM_NEVER);

	/* the owner recovers straight to Master */
	setup_v(v, 255, iv);
	ev(VRRP_FSM_EV_STARTUP, 0);
	ev(VRRP_FSM_EV_FAULT_ON, 1);
	expect_trans(VRRP_FSM_MASTER, VRRP_FSM_FAULT, VRRP_FSM_R_FAULT);
	ev(VRRP_FSM_EV_FAULT_OFF, 2);
	expect_trans(VRRP_FSM_FAULT, VRRP_FSM_MASTER, VRRP_FSM_R_OWNER);
	expect_become_master(255, 2);

	/* a fault before startup: startup goes to Fault; clearing it then goes to Backup */
	setup_v(v, 100, iv);
	ev(VRRP_FSM_EV_FAULT_ON, 0);
	expect_nothing();
	ev(VRRP_FSM_EV_STARTUP, 1);
	expect_trans(VRRP_FSM_INIT, VRRP_FSM_FAULT, VRRP_FSM_R_FAULT);
	ev(VRRP_FSM_EV_FAULT_OFF, 2);
	expect_trans(VRRP_FSM_FAULT, VRRP_FSM_BACKUP, VRRP_FSM_R_FAULT_CLEARED);
	/* fault set and cleared before startup: a plain startup */
	setup_v(v, 100, iv);
	ev(VRRP_FSM_EV_FAULT_ON, 0);
	ev(VRRP_FSM_EV_FAULT_OFF, 0);
	ev(VRRP_FSM_EV_STARTUP, 1);
	expect_trans(VRRP_FSM_INIT, VRRP_FSM_BACKUP, VRRP_FSM_R_STARTUP);
}

/* ---- preempt_delay ---- */

static void test_preempt_delay_startup(void **state)
{
	int v = ver(state);
	uint16_t iv = dflt_int(v);
	uint64_t md, pd = 2 * S;

	/* nobody heard after startup: Master_Down, then preempt_delay more */
	setup_v(v, 100, iv);
	F.p.preempt_delay_ns = pd;
	md = to_backup(0);
	ev(VRRP_FSM_EV_MASTER_DOWN, md);
	assert_int_equal(F.rc, 0);
	assert_int_equal(F.st.state, VRRP_FSM_BACKUP);
	expect_timer(VRRP_FSM_T_MASTER_DOWN, VRRP_FSM_NEVER);
	expect_timer(VRRP_FSM_T_PREEMPT, md + pd);
	assert_int_equal(vrrp_fsm_next_deadline(&F.st), md + pd);
	assert_int_equal(vrrp_fsm_due(&F.st, md + pd), VRRP_FSM_EV_PREEMPT_TIMER);
	ev(VRRP_FSM_EV_PREEMPT_TIMER, md + pd - 1);
	expect_nothing();
	ev(VRRP_FSM_EV_PREEMPT_TIMER, md + pd);
	expect_trans(VRRP_FSM_BACKUP, VRRP_FSM_MASTER, VRRP_FSM_R_PREEMPT_DELAY);
	expect_become_master(100, md + pd);

	/* a master shows up during the wait: follow it, the preempt timer stops */
	setup_v(v, 100, iv);
	F.p.preempt_delay_ns = pd;
	md = to_backup(0);
	ev(VRRP_FSM_EV_MASTER_DOWN, md);
	adv(150, iv, 9, md + 10);
	expect_timer(VRRP_FSM_T_PREEMPT, VRRP_FSM_NEVER);
	expect_timer(VRRP_FSM_T_MASTER_DOWN, md + 10 + exp_md(v, 100, iv));
	ev(VRRP_FSM_EV_PREEMPT_TIMER, md + pd);
	expect_nothing();

	/* `state MASTER` and nopreempt both disable preempt_delay */
	setup_v(v, 100, iv);
	F.p.preempt_delay_ns = pd;
	F.p.want_master = 1;
	md = to_backup(0);
	ev(VRRP_FSM_EV_MASTER_DOWN, md);
	expect_trans(VRRP_FSM_BACKUP, VRRP_FSM_MASTER, VRRP_FSM_R_MASTER_DOWN);
	setup_v(v, 100, iv);
	F.p.preempt_delay_ns = pd;
	F.p.nopreempt = 1;
	md = to_backup(0);
	ev(VRRP_FSM_EV_MASTER_DOWN, md);
	expect_trans(VRRP_FSM_BACKUP, VRRP_FSM_MASTER, VRRP_FSM_R_MASTER_DOWN);
}

static void test_preempt_delay_lower_master(void **state)
{
	int v = ver(state);
	uint16_t iv = dflt_int(v);
	uint64_t step = iv * CS, pd = 5 * step + 3, t;

	setup_v(v, 200, iv);
	F.p.preempt_delay_ns = pd;
	to_backup(0);
	/* first lower advert: followed, preempt timer armed */
	t = step;
	adv(100, iv, 9, t);
	expect_timer(VRRP_FSM_T_PREEMPT, t + pd);
	expect_timer(VRRP_FSM_T_MASTER_DOWN, t + exp_md(v, 200, iv));
	/* more lower adverts within the delay: followed, the preempt deadline does not move */
	for (int i = 0; i < 5; i++) {
		t += step;
		adv(100, iv, 9, t);
		assert_null(find_timer(VRRP_FSM_T_PREEMPT));
		expect_timer(VRRP_FSM_T_MASTER_DOWN, t + exp_md(v, 200, iv));
	}
	assert_int_equal(F.st.preempt_at, step + pd);
	ev(VRRP_FSM_EV_PREEMPT_TIMER, step + pd);
	assert_int_equal(F.rc, 0);
	assert_true(F.st.preempt_ok);
	assert_int_equal(F.st.preempt_at, VRRP_FSM_NEVER);
	/* now its adverts are discarded, and Master_Down runs out from the last followed one */
	adv(100, iv, 9, t + step);
	expect_nothing();
	ev(VRRP_FSM_EV_MASTER_DOWN, t + exp_md(v, 200, iv));
	expect_trans(VRRP_FSM_BACKUP, VRRP_FSM_MASTER, VRRP_FSM_R_MASTER_DOWN);

	/* the lower master dies during the delay: failover is not delayed */
	setup_v(v, 200, iv);
	F.p.preempt_delay_ns = 100 * S;
	to_backup(0);
	adv(100, iv, 9, 1000);
	ev(VRRP_FSM_EV_MASTER_DOWN, 1000 + exp_md(v, 200, iv));
	expect_trans(VRRP_FSM_BACKUP, VRRP_FSM_MASTER, VRRP_FSM_R_MASTER_DOWN);
	expect_timer(VRRP_FSM_T_PREEMPT, VRRP_FSM_NEVER);

	/* a higher master in between restarts the window for the next lower one */
	setup_v(v, 200, iv);
	F.p.preempt_delay_ns = pd;
	to_backup(0);
	adv(100, iv, 9, 10);
	ev(VRRP_FSM_EV_PREEMPT_TIMER, 10 + pd);
	assert_true(F.st.preempt_ok);
	adv(250, iv, 8, 20 + pd);
	assert_false(F.st.preempt_ok);
	adv(100, iv, 9, 30 + pd);
	expect_timer(VRRP_FSM_T_PREEMPT, 30 + 2 * pd);
}

/* ---- priority changes (tracking) ---- */

static void test_prio_change(void **state)
{
	int v = ver(state);
	uint16_t iv = dflt_int(v);
	uint64_t t;

	/* Backup following 150 at 100; tracking raises us to 200: its adverts are discarded */
	setup_v(v, 100, iv);
	to_backup(0);
	adv(150, iv, 9, 10);
	ev_prio(VRRP_FSM_EV_PRIO_CHANGE, 200, 20);
	expect_nothing();
	assert_int_equal(F.st.eff_prio, 200);
	adv(150, iv, 9, 30);
	expect_nothing();
	ev(VRRP_FSM_EV_MASTER_DOWN, 10 + exp_md(v, 100, iv));
	expect_trans(VRRP_FSM_BACKUP, VRRP_FSM_MASTER, VRRP_FSM_R_MASTER_DOWN);
	expect_advert(0, 200, iv);
	/* as master, a change is advertised at once and restarts the Adver_Timer */
	t = 50 * S;
	ev_prio(VRRP_FSM_EV_PRIO_CHANGE, 90, t);
	assert_int_equal(F.rc, 0);
	expect_advert(0, 90, iv);
	expect_timer(VRRP_FSM_T_ADVER, t + iv * CS);
	ev_prio(VRRP_FSM_EV_PRIO_CHANGE, 90, t + 1);
	expect_nothing();
	/* the lower priority loses to a 100 now */
	adv(100, iv, 1, t + 2);
	expect_trans(VRRP_FSM_MASTER, VRRP_FSM_BACKUP, VRRP_FSM_R_HIGHER_PRIO);
	/* the Master_Down skew uses the effective priority */
	expect_timer(VRRP_FSM_T_MASTER_DOWN, t + 2 + exp_md(v, 90, iv));
	/* clamping: a non-owner never reaches 255, nobody goes below 1 */
	ev_prio(VRRP_FSM_EV_PRIO_CHANGE, 255, t + 3);
	assert_int_equal(F.st.eff_prio, 254);
	ev_prio(VRRP_FSM_EV_PRIO_CHANGE, 0, t + 4);
	assert_int_equal(F.st.eff_prio, 1);
	/* an owner tracked down is not an owner at fault recovery */
	setup_v(v, 255, iv);
	ev_prio(VRRP_FSM_EV_PRIO_CHANGE, 200, 0);
	ev(VRRP_FSM_EV_STARTUP, 1);
	expect_trans(VRRP_FSM_INIT, VRRP_FSM_BACKUP, VRRP_FSM_R_STARTUP);
	ev_prio(VRRP_FSM_EV_PRIO_CHANGE, 255, 2);
	assert_int_equal(F.st.eff_prio, 255);
}

/* ---- admin demote / promote ---- */

static void test_demote_promote(void **state)
{
	int v = ver(state);
	uint16_t iv = dflt_int(v);
	uint64_t t;

	setup_v(v, 200, iv);
	t = to_master(0) + 10;
	ev(VRRP_FSM_EV_DEMOTE, t);
	expect_trans(VRRP_FSM_MASTER, VRRP_FSM_BACKUP, VRRP_FSM_R_ADMIN_DEMOTE);
	expect_advert(0, 0, iv);   /* priority 0: the peer takes over after its skew */
	assert_int_equal(count(VRRP_FSM_ACT_VIPS_DEL), 1);
	expect_timer(VRRP_FSM_T_ADVER, VRRP_FSM_NEVER);
	expect_timer(VRRP_FSM_T_MASTER_DOWN, t + exp_md(v, 200, iv));
	/* demoted: a lower master is followed, not preempted */
	adv(100, iv, 9, t + 100);
	expect_timer(VRRP_FSM_T_MASTER_DOWN, t + 100 + exp_md(v, 200, iv));
	/* a second demote changes nothing */
	ev(VRRP_FSM_EV_DEMOTE, t + 101);
	expect_nothing();
	/* promote: we would win, take over at once */
	ev(VRRP_FSM_EV_PROMOTE, t + 200);
	expect_trans(VRRP_FSM_BACKUP, VRRP_FSM_MASTER, VRRP_FSM_R_ADMIN_PROMOTE);
	expect_become_master(200, t + 200);
	assert_false(F.st.demoted);
	/* promote as master: nothing */
	ev(VRRP_FSM_EV_PROMOTE, t + 300);
	expect_nothing();

	/* demoted and the peer dies: still takes over (availability first) */
	setup_v(v, 200, iv);
	t = to_master(0) + 10;
	ev(VRRP_FSM_EV_DEMOTE, t);
	adv(100, iv, 9, t + 100);
	ev(VRRP_FSM_EV_MASTER_DOWN, t + 100 + exp_md(v, 200, iv));
	expect_trans(VRRP_FSM_BACKUP, VRRP_FSM_MASTER, VRRP_FSM_R_MASTER_DOWN);
	assert_true(F.st.demoted);

	/* promote while a higher master runs: only clears the demotion */
	setup_v(v, 100, iv);
	to_backup(0);
	ev(VRRP_FSM_EV_DEMOTE, 1);
	expect_nothing();
	assert_true(F.st.demoted);
	adv(200, iv, 9, 2);
	ev(VRRP_FSM_EV_PROMOTE, 3);
	assert_int_equal(F.rc, 0);
	assert_int_equal(F.out.n, 0);
	assert_false(F.st.demoted);
	assert_int_equal(F.st.state, VRRP_FSM_BACKUP);
	/* promote with an equal master from a lower address: we win the tie, take over */
	setup_v(v, 100, iv);
	to_backup(0);
	adv(100, iv, 1, 2);
	ev(VRRP_FSM_EV_PROMOTE, 3);
	expect_trans(VRRP_FSM_BACKUP, VRRP_FSM_MASTER, VRRP_FSM_R_ADMIN_PROMOTE);
	/* promote with no master heard yet: take over */
	setup_v(v, 100, iv);
	to_backup(0);
	ev(VRRP_FSM_EV_PROMOTE, 3);
	expect_trans(VRRP_FSM_BACKUP, VRRP_FSM_MASTER, VRRP_FSM_R_ADMIN_PROMOTE);
	/* demote during the startup wait (Master_Down already run out, waiting preempt_delay):
	 * the wait ends, one more Master_Down, then it takes over if still alone */
	setup_v(v, 100, iv);
	F.p.preempt_delay_ns = 10 * S;
	t = to_backup(0);
	ev(VRRP_FSM_EV_MASTER_DOWN, t);
	assert_int_equal(F.st.master_down_at, VRRP_FSM_NEVER);
	ev(VRRP_FSM_EV_DEMOTE, t + 1);
	expect_timer(VRRP_FSM_T_PREEMPT, VRRP_FSM_NEVER);
	expect_timer(VRRP_FSM_T_MASTER_DOWN, t + 1 + exp_md(v, 100, iv));
	ev(VRRP_FSM_EV_MASTER_DOWN, t + 1 + exp_md(v, 100, iv));
	expect_trans(VRRP_FSM_BACKUP, VRRP_FSM_MASTER, VRRP_FSM_R_MASTER_DOWN);
	/* demote in Backup cancels a running preempt_delay */
	setup_v(v, 200, iv);
	F.p.preempt_delay_ns = 10 * S;
	to_backup(0);
	adv(100, iv, 9, 5);
	assert_int_not_equal(F.st.preempt_at, VRRP_FSM_NEVER);
	ev(VRRP_FSM_EV_DEMOTE, 6);
	expect_timer(VRRP_FSM_T_PREEMPT, VRRP_FSM_NEVER);
}

/* ---- names and misc ---- */

static void test_names_and_accept(void **state)
{
	for (int i = 0; i <= VRRP_FSM_STOP; i++)
		assert_string_not_equal(vrrp_fsm_state_name((enum vrrp_fsm_state)i), "?");
	for (int i = 0; i < VRRP_FSM_EV_COUNT; i++)
		assert_non_null(vrrp_fsm_event_name((enum vrrp_fsm_event_type)i));
	for (int i = 0; i < VRRP_FSM_R_COUNT; i++)
		assert_non_null(vrrp_fsm_reason_name((enum vrrp_fsm_reason)i));
	assert_string_equal(vrrp_fsm_state_name(VRRP_FSM_MASTER), "MASTER");
	assert_string_equal(vrrp_fsm_reason_name(VRRP_FSM_R_MASTER_LEFT), "master_left");
	assert_string_equal(vrrp_fsm_event_name(VRRP_FSM_EV_GROUP_FAULT_OFF), "group_fault_off");
	assert_string_equal(vrrp_fsm_state_name((enum vrrp_fsm_state)77), "?");
	/* action text for debug logs */
	{
		char buf[80];

		setup_v(3, 100, 1);
		ev(VRRP_FSM_EV_STARTUP, 0);
		assert_string_equal(vrrp_fsm_action_str(find_timer(VRRP_FSM_T_MASTER_DOWN), buf,
		                                        sizeof(buf)), "timer master_down 36093750");
		assert_string_equal(vrrp_fsm_action_str(&F.out.a[F.out.n - 1], buf, sizeof(buf)),
		                    "transition INIT->BACKUP startup");
		ev(VRRP_FSM_EV_MASTER_DOWN, 36093750);
		assert_string_equal(vrrp_fsm_action_str(&F.out.a[0], buf, sizeof(buf)), "vips_add");
		assert_string_equal(vrrp_fsm_action_str(&F.out.a[1], buf, sizeof(buf)),
		                    "send_advert prio 100 int 1cs");
		assert_string_equal(vrrp_fsm_action_str(&F.out.a[2], buf, sizeof(buf)),
		                    "garp become_master");
		assert_string_equal(vrrp_fsm_action_str(find_timer(VRRP_FSM_T_MASTER_DOWN), buf,
		                                        sizeof(buf)), "timer master_down stop");
		vrrp_fsm_action_str(&F.out.a[0], buf, 4);
		assert_string_equal(buf, "vip");
	}
	/* accept_mode: non-owner master accepts VIP traffic only with it */
	setup_v(3, 100, 1);
	to_master(0);
	assert_false(vrrp_fsm_accepts_vip_traffic(&F.p, &F.st));
	F.p.accept_mode = 1;
	assert_true(vrrp_fsm_accepts_vip_traffic(&F.p, &F.st));
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_formulas_literal),
		cmocka_unit_test(test_params_check),
		BOTH(test_startup_backup),
		BOTH(test_startup_owner),
		BOTH(test_init_ignores_events),
		BOTH(test_backup_master_down_exact),
		BOTH(test_backup_follows_master),
		cmocka_unit_test(test_v3_adopts_master_interval),
		cmocka_unit_test(test_v2_ignores_advert_interval),
		cmocka_unit_test(test_v3_zero_interval_not_learned),
		cmocka_unit_test(test_due_order),
		BOTH(test_backup_preempt),
		BOTH(test_backup_prio0),
		BOTH(test_master_adver_timer),
		BOTH(test_master_higher_prio),
		BOTH(test_master_higher_prio_send_advert),
		cmocka_unit_test(test_v3_master_steps_down_learns_interval),
		BOTH(test_master_tie_break),
		cmocka_unit_test(test_tie_break_ipv6),
		BOTH(test_master_split_brain_repair),
		BOTH(test_master_rx_prio0),
		BOTH(test_shutdown),
		BOTH(test_fault),
		BOTH(test_preempt_delay_startup),
		BOTH(test_preempt_delay_lower_master),
		BOTH(test_prio_change),
		BOTH(test_demote_promote),
		cmocka_unit_test(test_names_and_accept),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
