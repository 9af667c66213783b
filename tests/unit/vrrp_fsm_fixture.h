/* tests/unit/vrrp_fsm_fixture.h - shared fixture of the VRRP state machine tests
 * (test_vrrp_fsm.c, test_vrrp_fsm_group.c): one instance with injected time, the test's own
 * copy of the timer formulas, and assertions on the returned actions. Header-only so each test
 * binary stays one file. */
#ifndef TEST_VRRP_FSM_FIXTURE_H
#define TEST_VRRP_FSM_FIXTURE_H

#include <string.h>
#include "vrrp/vrrp_fsm.h"

#define MS 1000000ULL
#define S  1000000000ULL
#define CS 10000000ULL

struct fx {
	struct vrrp_fsm_params p;
	struct vrrp_fsm st;
	struct vrrp_fsm_actions out;
	int rc;
};

static struct fx F;

/* v3 at 10 ms (1 cs) or v2 at 1 s, priority 100, local address 10.0.0.2 */
static inline void setup_v(int version, uint8_t prio, uint16_t int_cs)
{
	memset(&F, 0, sizeof(F));
	vrrp_fsm_params_default(&F.p);
	F.p.version = (uint8_t)version;
	F.p.priority = prio;
	F.p.advert_int_cs = int_cs;
	F.p.local_addr[0] = 10;
	F.p.local_addr[3] = 2;
	assert_int_equal(vrrp_fsm_params_check(&F.p), 0);
	vrrp_fsm_init(&F.st, &F.p);
}

static inline int ver(void **state)
{
	return *(const int *)*state;
}

/* the test's own copy of the formulas (the library's are checked against literals too) */
static inline uint16_t dflt_int(int version)
{
	return version == 3 ? 1 : 100;
}

static inline uint64_t exp_skew(int version, unsigned prio, uint64_t int_cs)
{
	return version == 3 ? (256 - prio) * int_cs * CS / 256 : (256 - prio) * S / 256;
}

static inline uint64_t exp_md(int version, unsigned prio, uint64_t int_cs)
{
	return 3 * int_cs * CS + exp_skew(version, prio, int_cs);
}

static inline int ev(enum vrrp_fsm_event_type t, uint64_t now)
{
	struct vrrp_fsm_event e = { .type = t };

	F.rc = vrrp_fsm_step(&F.p, &F.st, &e, now, &F.out);
	return F.rc;
}

static inline int ev_prio(enum vrrp_fsm_event_type t, uint8_t prio, uint64_t now)
{
	struct vrrp_fsm_event e = { .type = t, .priority = prio };

	F.rc = vrrp_fsm_step(&F.p, &F.st, &e, now, &F.out);
	return F.rc;
}

/* an advert from 10.0.0.<last> */
static inline int adv(uint8_t prio, uint16_t int_cs, uint8_t last, uint64_t now)
{
	struct vrrp_fsm_event e = { .type = VRRP_FSM_EV_ADVERT, .priority = prio, .int_cs = int_cs };

	e.addr[0] = 10;
	e.addr[3] = last;
	F.rc = vrrp_fsm_step(&F.p, &F.st, &e, now, &F.out);
	return F.rc;
}

static inline const struct vrrp_fsm_action *find(enum vrrp_fsm_act_kind k, size_t nth)
{
	for (size_t i = 0; i < F.out.n; i++)
		if (F.out.a[i].kind == k && nth-- == 0)
			return &F.out.a[i];
	return NULL;
}

static inline size_t count(enum vrrp_fsm_act_kind k)
{
	size_t n = 0;

	for (size_t i = 0; i < F.out.n; i++)
		n += F.out.a[i].kind == k;
	return n;
}

static inline const struct vrrp_fsm_action *find_timer(enum vrrp_fsm_timer w)
{
	for (size_t i = 0; i < F.out.n; i++)
		if (F.out.a[i].kind == VRRP_FSM_ACT_TIMER && F.out.a[i].u.timer.which == w)
			return &F.out.a[i];
	return NULL;
}

static inline void expect_timer(enum vrrp_fsm_timer w, uint64_t at)
{
	const struct vrrp_fsm_action *a = find_timer(w);

	assert_non_null(a);
	assert_int_equal(a->u.timer.at, at);
}

static inline void expect_trans(enum vrrp_fsm_state from, enum vrrp_fsm_state to,
                         enum vrrp_fsm_reason why)
{
	const struct vrrp_fsm_action *a;

	assert_int_equal(F.rc, 1);
	assert_true(F.out.n > 0);
	a = &F.out.a[F.out.n - 1];   /* the transition is always the last action */
	assert_int_equal(a->kind, VRRP_FSM_ACT_TRANSITION);
	assert_int_equal(a->u.trans.from, from);
	assert_int_equal(a->u.trans.to, to);
	assert_int_equal(a->u.trans.reason, why);
	assert_int_equal(F.st.state, to);
	assert_int_equal(count(VRRP_FSM_ACT_TRANSITION), 1);
}

static inline void expect_nothing(void)
{
	assert_int_equal(F.rc, 0);
	assert_int_equal(F.out.n, 0);
}

static inline void expect_advert(size_t nth, uint8_t prio, uint16_t int_cs)
{
	const struct vrrp_fsm_action *a = find(VRRP_FSM_ACT_SEND_ADVERT, nth);

	assert_non_null(a);
	assert_int_equal(a->u.advert.priority, prio);
	assert_int_equal(a->u.advert.int_cs, int_cs);
}

/* the actions of becoming master, in the order the I/O layer runs them */
static inline void expect_become_master(uint8_t prio, uint64_t now)
{
	assert_int_equal(F.out.a[0].kind, VRRP_FSM_ACT_VIPS_ADD);
	assert_int_equal(F.out.a[1].kind, VRRP_FSM_ACT_SEND_ADVERT);
	assert_int_equal(F.out.a[1].u.advert.priority, prio);
	assert_int_equal(F.out.a[2].kind, VRRP_FSM_ACT_GARP);
	assert_int_equal(F.out.a[2].u.garp.why, VRRP_FSM_GARP_BECOME_MASTER);
	expect_timer(VRRP_FSM_T_ADVER, now + F.p.advert_int_cs * CS);
	assert_int_equal(F.st.adver_at, now + F.p.advert_int_cs * CS);
	assert_int_equal(F.st.master_down_at, VRRP_FSM_NEVER);
	assert_int_equal(F.st.preempt_at, VRRP_FSM_NEVER);
	assert_int_equal(count(VRRP_FSM_ACT_VIPS_DEL), 0);
}

/* bring a fresh instance to Backup at t0 (returns the Master_Down deadline) */
static inline uint64_t to_backup(uint64_t t0)
{
	ev(VRRP_FSM_EV_STARTUP, t0);
	assert_int_equal(F.st.state, VRRP_FSM_BACKUP);
	return F.st.master_down_at;
}

/* bring a fresh instance to Master through Master_Down at t0 + MD */
static inline uint64_t to_master(uint64_t t0)
{
	uint64_t md = to_backup(t0);

	ev(VRRP_FSM_EV_MASTER_DOWN, md);
	assert_int_equal(F.st.state, VRRP_FSM_MASTER);
	return md;
}

static int V2 = 2, V3 = 3;

/* the same test for v2 (1 s adverts) and v3 (10 ms adverts), named apart */
#define BOTH(fn) { #fn "_v2", fn, NULL, NULL, &V2 }, { #fn "_v3", fn, NULL, NULL, &V3 }

#endif
