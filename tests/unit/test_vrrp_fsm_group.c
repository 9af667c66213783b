/* tests/unit/test_vrrp_fsm_group.c - sync groups (vrrp/vrrp_fsm_group.c and the GROUP_*
 * events of vrrp/vrrp_fsm.c) and a two-router simulation of the state machine: election, hard
 * failover at exactly Master_Down after the last advert, preemption, graceful stop; and random
 * event sequences checked against the machine's invariants. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vrrp/vrrp_fsm.h"
#include "tests/unit/vrrp_fsm_fixture.h"

static void test_own_and_group_fault(void **state)
{
	setup_v(3, 100, 1);
	to_backup(0);
	ev(VRRP_FSM_EV_GROUP_FAULT, 1);
	expect_trans(VRRP_FSM_BACKUP, VRRP_FSM_FAULT, VRRP_FSM_R_GROUP_FAULT);
	ev(VRRP_FSM_EV_FAULT_ON, 2);
	expect_nothing();
	/* the group clears but our own fault holds */
	ev(VRRP_FSM_EV_GROUP_FAULT_OFF, 3);
	expect_nothing();
	assert_int_equal(F.st.state, VRRP_FSM_FAULT);
	ev(VRRP_FSM_EV_FAULT_OFF, 4);
	expect_trans(VRRP_FSM_FAULT, VRRP_FSM_BACKUP, VRRP_FSM_R_FAULT_CLEARED);
	/* own fault first, then the group's: cleared in the other order */
	ev(VRRP_FSM_EV_FAULT_ON, 5);
	ev(VRRP_FSM_EV_GROUP_FAULT, 6);
	expect_nothing();
	ev(VRRP_FSM_EV_FAULT_OFF, 7);
	expect_nothing();
	ev(VRRP_FSM_EV_GROUP_FAULT_OFF, 8);
	expect_trans(VRRP_FSM_FAULT, VRRP_FSM_BACKUP, VRRP_FSM_R_GROUP_FAULT_CLEARED);
	(void)state;
}

/* ---- group events on one FSM ---- */

static void test_group_events(void **state)
{
	int v = ver(state);
	uint16_t iv = dflt_int(v);
	uint64_t t;

	setup_v(v, 100, iv);
	to_backup(0);
	ev(VRRP_FSM_EV_GROUP_MASTER, 10);
	expect_trans(VRRP_FSM_BACKUP, VRRP_FSM_MASTER, VRRP_FSM_R_GROUP_MASTER);
	expect_become_master(100, 10);
	ev(VRRP_FSM_EV_GROUP_MASTER, 11);
	expect_nothing();
	t = 20;
	ev(VRRP_FSM_EV_GROUP_BACKUP, t);
	expect_trans(VRRP_FSM_MASTER, VRRP_FSM_BACKUP, VRRP_FSM_R_GROUP_BACKUP);
	expect_advert(0, 0, iv);
	assert_int_equal(count(VRRP_FSM_ACT_VIPS_DEL), 1);
	expect_timer(VRRP_FSM_T_MASTER_DOWN, t + exp_md(v, 100, iv));
	ev(VRRP_FSM_EV_GROUP_BACKUP, t + 1);
	expect_nothing();
	/* group fault from master */
	ev(VRRP_FSM_EV_GROUP_MASTER, t + 2);
	ev(VRRP_FSM_EV_GROUP_FAULT, t + 3);
	expect_trans(VRRP_FSM_MASTER, VRRP_FSM_FAULT, VRRP_FSM_R_GROUP_FAULT);
	expect_advert(0, 0, iv);
	ev(VRRP_FSM_EV_GROUP_MASTER, t + 4);   /* never moves a faulty member */
	expect_nothing();
	ev(VRRP_FSM_EV_GROUP_FAULT_OFF, t + 5);
	expect_trans(VRRP_FSM_FAULT, VRRP_FSM_BACKUP, VRRP_FSM_R_GROUP_FAULT_CLEARED);
}

/* ---- sync group helper ---- */

static size_t decide(struct vrrp_fsm_group_member *m, size_t n, size_t trig,
                     enum vrrp_fsm_state from, struct vrrp_fsm_group_move *mv)
{
	return vrrp_fsm_group_decide(m, n, trig, from, mv, 8);
}

static void test_group_decide(void **state)
{
	struct vrrp_fsm_group_member m[4];
	struct vrrp_fsm_group_move mv[8];
	size_t n;

	/* one becomes master: the backups follow (stopped members are left alone) */
	m[0] = (struct vrrp_fsm_group_member){ VRRP_FSM_MASTER, 0 };
	m[1] = (struct vrrp_fsm_group_member){ VRRP_FSM_BACKUP, 0 };
	m[2] = (struct vrrp_fsm_group_member){ VRRP_FSM_BACKUP, 0 };
	m[3] = (struct vrrp_fsm_group_member){ VRRP_FSM_STOP, 0 };
	n = decide(m, 4, 0, VRRP_FSM_BACKUP, mv);
	assert_int_equal(n, 2);
	assert_int_equal(mv[0].member, 1);
	assert_int_equal(mv[0].event, VRRP_FSM_EV_GROUP_MASTER);
	assert_int_equal(mv[1].member, 2);
	/* they did: feeding their transitions back gives nothing more */
	m[1].state = m[2].state = VRRP_FSM_MASTER;
	assert_int_equal(decide(m, 4, 1, VRRP_FSM_BACKUP, mv), 0);
	assert_int_equal(decide(m, 4, 2, VRRP_FSM_BACKUP, mv), 0);
	/* one leaves master: the other masters follow */
	m[2].state = VRRP_FSM_BACKUP;
	n = decide(m, 4, 2, VRRP_FSM_MASTER, mv);
	assert_int_equal(n, 2);
	assert_int_equal(mv[0].member, 0);
	assert_int_equal(mv[0].event, VRRP_FSM_EV_GROUP_BACKUP);
	assert_int_equal(mv[1].member, 1);
	m[0].state = m[1].state = VRRP_FSM_BACKUP;
	assert_int_equal(decide(m, 4, 0, VRRP_FSM_MASTER, mv), 0);
	/* one member's own fault: the rest of the group goes to fault */
	m[1] = (struct vrrp_fsm_group_member){ VRRP_FSM_FAULT, 1 };
	n = decide(m, 4, 1, VRRP_FSM_BACKUP, mv);
	assert_int_equal(n, 2);
	assert_int_equal(mv[0].member, 0);
	assert_int_equal(mv[0].event, VRRP_FSM_EV_GROUP_FAULT);
	assert_int_equal(mv[1].member, 2);
	m[0].state = m[2].state = VRRP_FSM_FAULT;
	assert_int_equal(decide(m, 4, 0, VRRP_FSM_BACKUP, mv), 0);
	/* the fault clears: the members held by the group leave fault */
	m[1] = (struct vrrp_fsm_group_member){ VRRP_FSM_BACKUP, 0 };
	n = decide(m, 4, 1, VRRP_FSM_FAULT, mv);
	assert_int_equal(n, 2);
	assert_int_equal(mv[0].member, 0);
	assert_int_equal(mv[0].event, VRRP_FSM_EV_GROUP_FAULT_OFF);
	assert_int_equal(mv[1].member, 2);
	/* ... one of them comes back as master (an owner): the backups follow */
	m[0].state = VRRP_FSM_MASTER;
	m[2].state = VRRP_FSM_BACKUP;
	n = decide(m, 4, 0, VRRP_FSM_FAULT, mv);
	assert_int_equal(n, 2);
	assert_int_equal(mv[0].member, 1);
	assert_int_equal(mv[0].event, VRRP_FSM_EV_GROUP_MASTER);
	/* a member coming up as backup while the group is master joins them */
	m[1].state = VRRP_FSM_MASTER;
	n = decide(m, 4, 2, VRRP_FSM_FAULT, mv);
	assert_int_equal(n, 1);
	assert_int_equal(mv[0].member, 2);
	assert_int_equal(mv[0].event, VRRP_FSM_EV_GROUP_MASTER);
	/* an event that moved nobody (from == state) only applies the fault rules */
	m[0].state = VRRP_FSM_MASTER;
	m[1].state = m[2].state = VRRP_FSM_BACKUP;
	assert_int_equal(decide(m, 4, 0, VRRP_FSM_MASTER, mv), 0);
	assert_int_equal(decide(m, 4, 1, VRRP_FSM_BACKUP, mv), 0);
	m[2].own_fault = 1;   /* the fault rules apply whoever moved */
	n = decide(m, 4, 2, VRRP_FSM_BACKUP, mv);
	assert_int_equal(n, 3);
	assert_int_equal(mv[2].member, 2);
	assert_int_equal(mv[2].event, VRRP_FSM_EV_GROUP_FAULT);
	m[2].own_fault = 0;
	/* cap and bad trigger */
	m[0].state = VRRP_FSM_MASTER;
	m[1].state = m[2].state = m[3].state = VRRP_FSM_BACKUP;
	assert_int_equal(vrrp_fsm_group_decide(m, 4, 0, VRRP_FSM_BACKUP, mv, 1), 1);
	assert_int_equal(vrrp_fsm_group_decide(m, 4, 9, VRRP_FSM_BACKUP, mv, 8), 0);
	(void)state;
}

/* Two FSMs in one sync group, driven through the helper until they agree. */
static void test_group_with_fsms(void **state)
{
	struct vrrp_fsm_params p;
	struct vrrp_fsm st[2];
	struct vrrp_fsm_actions out;
	struct vrrp_fsm_group_member m[2];
	struct vrrp_fsm_group_move mv[4];
	struct vrrp_fsm_event e = { .type = VRRP_FSM_EV_STARTUP };
	int rounds = 0;

	vrrp_fsm_params_default(&p);
	p.advert_int_cs = 1;
	for (int i = 0; i < 2; i++) {
		vrrp_fsm_init(&st[i], &p);
		vrrp_fsm_step(&p, &st[i], &e, 0, &out);
	}
	/* member 0's master goes silent: it takes over, member 1 must follow */
	e.type = VRRP_FSM_EV_MASTER_DOWN;
	assert_int_equal(vrrp_fsm_step(&p, &st[0], &e, st[0].master_down_at, &out), 1);
	size_t trig = 0;
	enum vrrp_fsm_state from = VRRP_FSM_BACKUP;
	for (;;) {
		size_t n;

		assert_true(++rounds < 10);
		for (int i = 0; i < 2; i++) {
			m[i].state = st[i].state;
			m[i].own_fault = st[i].fault;
		}
		n = vrrp_fsm_group_decide(m, 2, trig, from, mv, 4);
		if (!n)
			break;
		struct vrrp_fsm_event ge = { .type = mv[0].event };
		from = st[mv[0].member].state;
		assert_int_equal(vrrp_fsm_step(&p, &st[mv[0].member], &ge, 100 * MS, &out), 1);
		trig = mv[0].member;
	}
	assert_int_equal(st[0].state, VRRP_FSM_MASTER);
	assert_int_equal(st[1].state, VRRP_FSM_MASTER);
	(void)state;
}

/* ---- a two-router simulation: election, hard failover, graceful failover ---- */

struct router {
	struct vrrp_fsm_params p;
	struct vrrp_fsm st;
	int alive;
	uint64_t vip_at;   /* when it last added the VIPs */
	uint64_t last_advert_tx;
};

/* run both routers until `until`; adverts are delivered instantly to live peers */
static void sim_run(struct router *r, uint64_t until)
{
	for (int guard = 0; guard < 100000; guard++) {
		uint64_t t = VRRP_FSM_NEVER;
		int who = -1;
		struct vrrp_fsm_actions out;

		for (int i = 0; i < 2; i++) {
			uint64_t d = vrrp_fsm_next_deadline(&r[i].st);
			if (r[i].alive && d < t) {
				t = d;
				who = i;
			}
		}
		if (who < 0 || t > until)
			return;
		struct vrrp_fsm_event e = { .type = vrrp_fsm_due(&r[who].st, t) };
		assert_int_not_equal(e.type, VRRP_FSM_EV_NONE);
		assert_int_not_equal(vrrp_fsm_step(&r[who].p, &r[who].st, &e, t, &out), -1);
		for (size_t k = 0; k < out.n; k++) {
			if (out.a[k].kind == VRRP_FSM_ACT_VIPS_ADD)
				r[who].vip_at = t;
			if (out.a[k].kind != VRRP_FSM_ACT_SEND_ADVERT)
				continue;
			r[who].last_advert_tx = t;
			struct vrrp_fsm_event a = { .type = VRRP_FSM_EV_ADVERT,
			                            .priority = out.a[k].u.advert.priority,
			                            .int_cs = out.a[k].u.advert.int_cs };
			struct vrrp_fsm_actions o2;
			memcpy(a.addr, r[who].p.local_addr, 4);
			if (r[!who].alive)
				vrrp_fsm_step(&r[!who].p, &r[!who].st, &a, t, &o2);
		}
	}
	fail_msg("simulation did not settle");
}

static void test_simulated_failover(void **state)
{
	int v = ver(state);
	uint16_t iv = dflt_int(v);
	struct router r[2];
	struct vrrp_fsm_actions out;
	struct vrrp_fsm_event e = { .type = VRRP_FSM_EV_STARTUP };
	uint64_t kill_at;

	for (int i = 0; i < 2; i++) {
		memset(&r[i], 0, sizeof(r[i]));
		vrrp_fsm_params_default(&r[i].p);
		r[i].p.version = (uint8_t)v;
		r[i].p.advert_int_cs = iv;
		r[i].p.priority = i == 0 ? 150 : 100;
		r[i].p.local_addr[0] = 10;
		r[i].p.local_addr[3] = (uint8_t)(i + 1);
		r[i].alive = 1;
		vrrp_fsm_init(&r[i].st, &r[i].p);
		vrrp_fsm_step(&r[i].p, &r[i].st, &e, 0, &out);
	}
	/* election: the 150 wins, once */
	sim_run(r, 20 * iv * CS);
	assert_int_equal(r[0].st.state, VRRP_FSM_MASTER);
	assert_int_equal(r[1].st.state, VRRP_FSM_BACKUP);
	assert_int_equal(r[0].st.transitions, 2);
	assert_int_equal(r[1].st.transitions, 1);
	/* hard failure: the backup owns the VIP exactly Master_Down after the last advert */
	kill_at = 20 * iv * CS + 1;
	r[0].alive = 0;
	sim_run(r, kill_at + 10 * iv * CS);
	assert_int_equal(r[1].st.state, VRRP_FSM_MASTER);
	assert_int_equal(r[1].vip_at, r[0].last_advert_tx + exp_md(v, 100, iv));
	/* the 150 comes back and preempts: it waits Master_Down from startup, then wins */
	r[0].alive = 1;
	vrrp_fsm_init(&r[0].st, &r[0].p);
	uint64_t back = kill_at + 20 * iv * CS;
	e.type = VRRP_FSM_EV_STARTUP;
	vrrp_fsm_step(&r[0].p, &r[0].st, &e, back, &out);
	sim_run(r, back + 20 * iv * CS);
	assert_int_equal(r[0].st.state, VRRP_FSM_MASTER);
	assert_int_equal(r[1].st.state, VRRP_FSM_BACKUP);
	assert_int_equal(r[0].vip_at, back + exp_md(v, 150, iv));
	/* graceful stop of the master: the backup owns the VIP after its skew */
	uint64_t stop = back + 20 * iv * CS + 5;
	e.type = VRRP_FSM_EV_SHUTDOWN;
	vrrp_fsm_step(&r[0].p, &r[0].st, &e, stop, &out);
	assert_int_equal(out.a[0].u.advert.priority, 0);
	struct vrrp_fsm_event z = { .type = VRRP_FSM_EV_ADVERT, .priority = 0, .int_cs = iv };
	z.addr[0] = 10;
	z.addr[3] = 1;
	vrrp_fsm_step(&r[1].p, &r[1].st, &z, stop, &out);
	r[0].alive = 0;
	sim_run(r, stop + 10 * iv * CS);
	assert_int_equal(r[1].st.state, VRRP_FSM_MASTER);
	assert_int_equal(r[1].vip_at, stop + exp_skew(v, 100, iv));
}

/* v3: the backup is configured for 1 s but the master advertises every 10 ms; the backup
 * learns it and takes over 3 x 10 ms + skew after the last advert, not 3.6 s */
static void test_simulated_learned_interval(void **state)
{
	struct router r[2];
	struct vrrp_fsm_actions out;
	struct vrrp_fsm_event e = { .type = VRRP_FSM_EV_STARTUP };

	for (int i = 0; i < 2; i++) {
		memset(&r[i], 0, sizeof(r[i]));
		vrrp_fsm_params_default(&r[i].p);
		r[i].p.advert_int_cs = i == 0 ? 1 : 100;
		r[i].p.priority = i == 0 ? 255 : 100;
		r[i].p.local_addr[0] = 10;
		r[i].p.local_addr[3] = (uint8_t)(i + 1);
		r[i].alive = 1;
		vrrp_fsm_init(&r[i].st, &r[i].p);
		vrrp_fsm_step(&r[i].p, &r[i].st, &e, 0, &out);
	}
	assert_int_equal(r[0].st.state, VRRP_FSM_MASTER);   /* the owner, at once */
	sim_run(r, 1 * S);
	assert_int_equal(r[1].st.state, VRRP_FSM_BACKUP);
	assert_int_equal(r[1].st.master_adver_int_cs, 1);
	r[0].alive = 0;
	sim_run(r, 2 * S);
	assert_int_equal(r[1].st.state, VRRP_FSM_MASTER);
	assert_int_equal(r[1].vip_at, r[0].last_advert_tx + 36093750ULL);
	(void)state;
}

/* ---- random event sequences against the invariants ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint32_t rnd(uint32_t n)
{
	rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(rng_state >> 33) % n;
}

static void check_step(const struct vrrp_fsm_params *p, const struct vrrp_fsm *st,
                       enum vrrp_fsm_state prev, int rc, const struct vrrp_fsm_actions *out,
                       uint64_t now, int *vips)
{
	int saw_trans = 0;

	assert_true(out->n < VRRP_FSM_MAX_ACTIONS);   /* never truncated */
	assert_true(rc == 0 || rc == 1);
	for (size_t i = 0; i < out->n; i++) {
		const struct vrrp_fsm_action *a = &out->a[i];

		switch (a->kind) {
		case VRRP_FSM_ACT_VIPS_ADD:
			assert_false(*vips);
			*vips = 1;
			break;
		case VRRP_FSM_ACT_VIPS_DEL:
			assert_true(*vips);
			*vips = 0;
			break;
		case VRRP_FSM_ACT_SEND_ADVERT:
			if (a->u.advert.priority == 0)
				assert_true(prev == VRRP_FSM_MASTER && st->state != VRRP_FSM_MASTER);
			else
				assert_int_equal(st->state, VRRP_FSM_MASTER);
			assert_int_equal(a->u.advert.int_cs, p->advert_int_cs);
			break;
		case VRRP_FSM_ACT_TIMER:
			assert_true(a->u.timer.at == VRRP_FSM_NEVER || a->u.timer.at >= now);
			break;
		case VRRP_FSM_ACT_GARP:
			assert_int_equal(st->state, VRRP_FSM_MASTER);
			break;
		case VRRP_FSM_ACT_LEARN_INTERVAL:
			assert_int_equal(p->version, 3);
			assert_int_equal(st->state, VRRP_FSM_BACKUP);
			break;
		case VRRP_FSM_ACT_TRANSITION:
			assert_int_equal(i, out->n - 1);
			assert_int_equal(a->u.trans.from, prev);
			assert_int_equal(a->u.trans.to, st->state);
			assert_int_not_equal(prev, st->state);
			saw_trans = 1;
			break;
		}
	}
	assert_int_equal(saw_trans, rc);
	if (!rc)
		assert_int_equal(prev, st->state);
	assert_int_equal(*vips, st->state == VRRP_FSM_MASTER);
	assert_true(st->eff_prio >= 1);
	switch (st->state) {
	case VRRP_FSM_MASTER:
		assert_int_not_equal(st->adver_at, VRRP_FSM_NEVER);
		assert_int_equal(st->master_down_at, VRRP_FSM_NEVER);
		assert_int_equal(st->preempt_at, VRRP_FSM_NEVER);
		break;
	case VRRP_FSM_BACKUP:
		assert_int_equal(st->adver_at, VRRP_FSM_NEVER);
		/* always a way out: Master_Down or the preempt timer */
		assert_true(st->master_down_at != VRRP_FSM_NEVER || st->preempt_at != VRRP_FSM_NEVER);
		break;
	default:
		assert_int_equal(vrrp_fsm_next_deadline(st), VRRP_FSM_NEVER);
		break;
	}
}

static void test_random_invariants(void **state)
{
	int trace = getenv("FSM_TRACE") != NULL;

	for (int variant = 0; variant < 512; variant++) {
		struct vrrp_fsm_params p;
		struct vrrp_fsm st;
		struct vrrp_fsm_actions out;
		uint64_t now = 0;
		int vips = 0;

		vrrp_fsm_params_default(&p);
		p.version = variant & 1 ? 3 : 2;
		p.advert_int_cs = p.version == 3 ? (uint16_t)(1 + rnd(200)) : 100;
		p.priority = variant & 2 ? 255 : (uint8_t)(1 + rnd(254));
		p.nopreempt = (variant >> 2) & 1;
		p.want_master = (variant >> 3) & 1;
		p.preempt_delay_ns = variant & 16 ? (uint64_t)rnd(5000) * MS : 0;
		p.lower_prio_no_advert = (variant >> 5) & 1;
		p.local_addr[0] = 10;
		p.local_addr[3] = 5;
		assert_int_equal(vrrp_fsm_params_check(&p), 0);
		vrrp_fsm_init(&st, &p);
		for (int i = 0; i < 5000; i++) {
			struct vrrp_fsm_event e = { .type = VRRP_FSM_EV_NONE };
			enum vrrp_fsm_state prev = st.state;
			uint32_t r = rnd(100);
			int rc;

			now += rnd(3) ? rnd((uint32_t)(p.advert_int_cs * CS / 2 + 1)) : 0;
			if (r < 40) {
				/* a timer, at or a little after its deadline when one is armed */
				uint64_t d = vrrp_fsm_next_deadline(&st);
				if (d != VRRP_FSM_NEVER && d > now)
					now = d + rnd(1000);
				e.type = vrrp_fsm_due(&st, now);
				if (e.type == VRRP_FSM_EV_NONE)
					e.type = VRRP_FSM_EV_MASTER_DOWN + rnd(3);   /* stale timer */
			} else if (r < 75) {
				e.type = VRRP_FSM_EV_ADVERT;
				e.priority = (uint8_t)(rnd(4) ? rnd(256) : 0);
				e.int_cs = (uint16_t)(rnd(4) ? p.advert_int_cs : rnd(4096));
				e.addr[0] = 10;
				e.addr[3] = (uint8_t)(1 + rnd(9));
			} else {
				static const enum vrrp_fsm_event_type other[] = {
					VRRP_FSM_EV_STARTUP, VRRP_FSM_EV_STARTUP, VRRP_FSM_EV_SHUTDOWN,
					VRRP_FSM_EV_PRIO_CHANGE, VRRP_FSM_EV_FAULT_ON, VRRP_FSM_EV_FAULT_OFF,
					VRRP_FSM_EV_FAULT_OFF, VRRP_FSM_EV_DEMOTE, VRRP_FSM_EV_PROMOTE,
					VRRP_FSM_EV_GROUP_MASTER, VRRP_FSM_EV_GROUP_BACKUP,
					VRRP_FSM_EV_GROUP_FAULT, VRRP_FSM_EV_GROUP_FAULT_OFF,
					VRRP_FSM_EV_GROUP_FAULT_OFF,
				};
				e.type = other[rnd(sizeof(other) / sizeof(other[0]))];
				e.priority = (uint8_t)rnd(256);
			}
			rc = vrrp_fsm_step(&p, &st, &e, now, &out);
			check_step(&p, &st, prev, rc, &out, now, &vips);
			/* the I/O layer's "run every due timer" loop always ends */
			for (int k = 0;; k++) {
				struct vrrp_fsm_event d = { .type = vrrp_fsm_due(&st, now) };

				if (d.type == VRRP_FSM_EV_NONE)
					break;
				assert_true(k < 3);
				prev = st.state;
				rc = vrrp_fsm_step(&p, &st, &d, now, &out);
				check_step(&p, &st, prev, rc, &out, now, &vips);
			}
			if (trace)   /* FSM_TRACE=1: print the sequence (to read a failure) */
				fprintf(stderr, "%d %s prio=%u now=%llu -> %s\n", variant,
				        vrrp_fsm_event_name(e.type), e.priority, (unsigned long long)now,
				        vrrp_fsm_state_name(st.state));
		}
	}
	(void)state;
}

/* Three FSMs in one sync group under random events, the helper applied after each one until it
 * returns no move (bounded): then the live members agree (all FAULT if one has a fault of its
 * own, nobody in FAULT otherwise, and never MASTER next to BACKUP). */
static void group_settle(const struct vrrp_fsm_params *p, struct vrrp_fsm *st, size_t n,
                         size_t trig, enum vrrp_fsm_state from, uint64_t now)
{
	struct vrrp_fsm_group_member m[3];
	struct vrrp_fsm_group_move mv[3];
	struct vrrp_fsm_actions out;

	for (int round = 0;; round++) {
		size_t k;

		assert_true(round < 20);
		for (size_t i = 0; i < n; i++) {
			m[i].state = st[i].state;
			m[i].own_fault = st[i].fault;
		}
		k = vrrp_fsm_group_decide(m, n, trig, from, mv, 3);
		if (!k)
			return;
		/* apply the first move, then decide again with it as the trigger */
		struct vrrp_fsm_event e = { .type = mv[0].event };
		from = st[mv[0].member].state;
		trig = mv[0].member;
		assert_int_equal(vrrp_fsm_step(&p[trig], &st[trig], &e, now, &out), 1);
	}
}

static void test_group_random(void **state)
{
	for (int variant = 0; variant < 200; variant++) {
		struct vrrp_fsm_params p[3];
		struct vrrp_fsm st[3];
		struct vrrp_fsm_actions out;
		uint64_t now = 0;

		for (int i = 0; i < 3; i++) {
			vrrp_fsm_params_default(&p[i]);
			p[i].version = variant & 1 ? 3 : 2;
			p[i].advert_int_cs = p[i].version == 3 ? 1 : 100;
			p[i].priority = rnd(8) ? (uint8_t)(1 + rnd(254)) : 255;
			p[i].preempt_delay_ns = rnd(3) ? 0 : rnd(1000) * MS;
			p[i].local_addr[0] = 10;
			p[i].local_addr[3] = 5;
			vrrp_fsm_init(&st[i], &p[i]);
		}
		for (int step = 0; step < 2000; step++) {
			size_t who = rnd(3);
			enum vrrp_fsm_state from = st[who].state;
			struct vrrp_fsm_event e = { .type = VRRP_FSM_EV_NONE };
			static const enum vrrp_fsm_event_type other[] = {
				VRRP_FSM_EV_STARTUP, VRRP_FSM_EV_STARTUP, VRRP_FSM_EV_STARTUP,
				VRRP_FSM_EV_SHUTDOWN, VRRP_FSM_EV_FAULT_ON, VRRP_FSM_EV_FAULT_OFF,
				VRRP_FSM_EV_FAULT_OFF, VRRP_FSM_EV_PRIO_CHANGE, VRRP_FSM_EV_DEMOTE,
				VRRP_FSM_EV_PROMOTE,
			};
			uint32_t r = rnd(10);

			now += rnd(20) * MS;
			if (r < 4) {
				e.type = vrrp_fsm_due(&st[who], now);
				if (e.type == VRRP_FSM_EV_NONE) {
					uint64_t d = vrrp_fsm_next_deadline(&st[who]);
					if (d == VRRP_FSM_NEVER)
						continue;
					now = d;
					e.type = vrrp_fsm_due(&st[who], now);
				}
			} else if (r < 7) {
				e.type = VRRP_FSM_EV_ADVERT;
				e.priority = (uint8_t)rnd(256);
				e.int_cs = p[who].advert_int_cs;
				e.addr[0] = 10;
				e.addr[3] = (uint8_t)(1 + rnd(9));
			} else {
				e.type = other[rnd(sizeof(other) / sizeof(other[0]))];
				e.priority = (uint8_t)rnd(256);
			}
			assert_int_not_equal(vrrp_fsm_step(&p[who], &st[who], &e, now, &out), -1);
			group_settle(p, st, 3, who, from, now);

			int own = 0, faults = 0, masters = 0, backups = 0;
			for (int i = 0; i < 3; i++) {
				own |= st[i].fault && st[i].state != VRRP_FSM_INIT && st[i].state != VRRP_FSM_STOP;
				faults += st[i].state == VRRP_FSM_FAULT;
				masters += st[i].state == VRRP_FSM_MASTER;
				backups += st[i].state == VRRP_FSM_BACKUP;
			}
			if (own)
				assert_int_equal(masters + backups, 0);
			else
				assert_int_equal(faults, 0);
			assert_false(masters && backups);
		}
	}
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_own_and_group_fault),
		BOTH(test_group_events),
		cmocka_unit_test(test_group_decide),
		cmocka_unit_test(test_group_with_fsms),
		BOTH(test_simulated_failover),
		cmocka_unit_test(test_simulated_learned_interval),
		cmocka_unit_test(test_random_invariants),
		cmocka_unit_test(test_group_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
