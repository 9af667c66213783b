/* tests/unit/test_rs_fsm.c - the pure real-server state machine with injected time: rise and
 * fall counting and retry delays, alpha, inhibit_on_failure, the slowstart ramp (values, step
 * spacing, restart after a failure), quorum with hysteresis, and random result sequences
 * checked against a plain model. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include "healthcheck/rs_fsm.h"

#define S 1000000LL

static void test_fall_and_retry(void **st)
{
	struct rs_chk_conf c = { .rise = 1, .fall = 3, .delay_loop_us = 10 * S, .retry_delay_us = 2 * S };
	struct rs_chk_state s;
	int64_t next;

	rs_chk_init(&s, &c);
	assert_int_equal(s.up, 1);
	assert_int_equal(rs_chk_result(&s, &c, 1, &next), RS_CHK_SAME);
	assert_int_equal(next, 10 * S);
	/* two failures: still up, retried after delay_before_retry */
	assert_int_equal(rs_chk_result(&s, &c, 0, &next), RS_CHK_SAME);
	assert_int_equal(next, 2 * S);
	assert_int_equal(rs_chk_result(&s, &c, 0, &next), RS_CHK_SAME);
	assert_int_equal(next, 2 * S);
	assert_int_equal(s.fail_run, 2);
	/* a pass in between resets the run */
	assert_int_equal(rs_chk_result(&s, &c, 1, &next), RS_CHK_SAME);
	assert_int_equal(s.fail_run, 0);
	assert_int_equal(rs_chk_result(&s, &c, 0, &next), RS_CHK_SAME);
	assert_int_equal(rs_chk_result(&s, &c, 0, &next), RS_CHK_SAME);
	assert_int_equal(rs_chk_result(&s, &c, 0, &next), RS_CHK_WENT_DOWN);
	assert_int_equal(s.up, 0);
	assert_int_equal(next, 10 * S);          /* once down: back to delay_loop */
	assert_int_equal(rs_chk_result(&s, &c, 0, &next), RS_CHK_SAME);
	assert_int_equal(next, 10 * S);
	assert_int_equal(rs_chk_result(&s, &c, 1, &next), RS_CHK_WENT_UP);   /* rise 1 */
	assert_int_equal(s.up, 1);
}

static void test_rise_and_alpha(void **st)
{
	struct rs_chk_conf c = { .rise = 3, .fall = 1, .delay_loop_us = 5 * S, .alpha = 1 };
	struct rs_chk_state s;
	int64_t next;

	rs_chk_init(&s, &c);
	assert_int_equal(s.up, 0);               /* alpha: starts failed */
	assert_int_equal(rs_chk_result(&s, &c, 1, &next), RS_CHK_SAME);
	assert_int_equal(rs_chk_result(&s, &c, 1, &next), RS_CHK_SAME);
	assert_int_equal(rs_chk_result(&s, &c, 0, &next), RS_CHK_SAME);     /* resets the rise */
	assert_int_equal(s.ok_run, 0);
	assert_int_equal(rs_chk_result(&s, &c, 1, &next), RS_CHK_SAME);
	assert_int_equal(rs_chk_result(&s, &c, 1, &next), RS_CHK_SAME);
	assert_int_equal(rs_chk_result(&s, &c, 1, &next), RS_CHK_WENT_UP);
	assert_int_equal(next, 5 * S);
	/* fall 1: the first failure takes it down; retry delay 0 means delay_loop */
	assert_int_equal(rs_chk_result(&s, &c, 0, &next), RS_CHK_WENT_DOWN);
	assert_int_equal(next, 5 * S);
	/* rise/fall below 1 act as 1 */
	c.rise = 0;
	c.fall = 0;
	assert_int_equal(rs_chk_result(&s, &c, 1, &next), RS_CHK_WENT_UP);
	assert_int_equal(rs_chk_result(&s, &c, 0, &next), RS_CHK_WENT_DOWN);
}

static void test_inhibit_and_weight(void **st)
{
	struct rs_conf c = { .weight = 7, .inhibit = 0 };
	struct rs_state s;

	rs_init(&s, &c, 1, 0);
	assert_int_equal(s.up, 1);
	assert_int_equal(s.weight, 7);
	assert_int_equal(rs_update(&s, &c, 1, S), 0);        /* no change, no report */
	assert_int_equal(rs_update(&s, &c, 0, 2 * S), 1);
	assert_int_equal(s.weight, -1);                      /* removed */
	c.inhibit = 1;
	assert_int_equal(rs_weight_at(&s, &c, 2 * S), 0);    /* kept at weight 0 */
	rs_init(&s, &c, 0, 0);
	assert_int_equal(s.weight, 0);
	assert_int_equal(rs_update(&s, &c, 1, S), 1);
	assert_int_equal(s.weight, 7);
	/* a configured weight of 0 stays 0 while up */
	c.weight = 0;
	rs_init(&s, &c, 1, 0);
	assert_int_equal(s.weight, 0);
	assert_int_equal(s.up, 1);
}

static void test_slowstart_ramp(void **st)
{
	struct rs_conf c = { .weight = 10, .slowstart_us = 10 * S };
	struct rs_state s;
	int64_t t = 100 * S, d;
	int last, steps = 0;

	/* at start the server is at full weight: no ramp */
	rs_init(&s, &c, 1, 0);
	assert_int_equal(s.weight, 10);
	assert_int_equal(rs_next_change(&s, &c, 0), -1);
	assert_int_equal(rs_update(&s, &c, 0, 50 * S), 1);
	/* recovery at 100 s: weight 1, then linear */
	assert_int_equal(rs_update(&s, &c, 1, t), 1);
	assert_int_equal(s.weight, 1);
	assert_true(s.ramping);
	assert_int_equal(rs_weight_at(&s, &c, t + 5 * S), 5);
	assert_int_equal(rs_weight_at(&s, &c, t + 9999999), 9);
	assert_int_equal(rs_weight_at(&s, &c, t + 10 * S), 10);
	/* drive it by rs_next_change: each step raises the weight by one, none early */
	last = s.weight;
	while ((d = rs_next_change(&s, &c, t)) >= 0 && steps < 100) {
		assert_true(d >= 0);
		t += d;
		rs_update(&s, &c, 1, t);
		assert_true(s.weight >= last);
		assert_true(s.weight <= 10);
		assert_int_equal(s.weight, rs_weight_at(&s, &c, t));
		last = s.weight;
		steps++;
	}
	assert_int_equal(s.weight, 10);
	assert_false(s.ramping);
	assert_true(t <= 110 * S + 1);
	assert_int_equal(steps, 9);
	/* failure in the middle of a ramp, then recovery: the ramp starts again from 1 */
	rs_update(&s, &c, 0, 200 * S);
	rs_update(&s, &c, 1, 201 * S);
	rs_update(&s, &c, 1, 204 * S);
	assert_int_equal(s.weight, 3);
	rs_update(&s, &c, 0, 205 * S);
	assert_int_equal(s.weight, -1);
	rs_update(&s, &c, 1, 206 * S);
	assert_int_equal(s.weight, 1);
}

static void test_slowstart_step_spacing(void **st)
{
	/* a large weight over a short ramp: steps no closer than 100 ms (and 1/100 of the ramp) */
	struct rs_conf c = { .weight = 1000, .slowstart_us = 1 * S };
	struct rs_state s;
	int64_t t = 0, d;
	int steps = 0;

	rs_init(&s, &c, 0, 0);
	rs_update(&s, &c, 1, 0);
	while ((d = rs_next_change(&s, &c, t)) >= 0 && steps < 1000) {
		if (t + d < c.slowstart_us)
			assert_true(d >= RS_RAMP_MIN_STEP_US);
		t += d;
		rs_update(&s, &c, 1, t);
		steps++;
	}
	assert_int_equal(s.weight, 1000);
	assert_true(steps <= 11);
	/* a 1000 s ramp of weight 3: 3 steps, at the exact thresholds */
	c.weight = 3;
	c.slowstart_us = 1000 * S;
	rs_init(&s, &c, 0, 0);
	rs_update(&s, &c, 1, 0);
	assert_int_equal(s.weight, 1);
	d = rs_next_change(&s, &c, 0);
	assert_true(d > 666 * S && d < 667 * S + 10);
	assert_int_equal(rs_weight_at(&s, &c, d), 2);
	assert_int_equal(rs_weight_at(&s, &c, d - 2), 1);
}

static void test_quorum_hysteresis(void **st)
{
	struct vs_quorum q = { 0 };

	assert_int_equal(vs_quorum_update(&q, 10, 2, 10), 1);   /* first evaluation reports */
	assert_int_equal(q.up, 1);
	assert_int_equal(vs_quorum_update(&q, 10, 2, 9), 0);    /* within the band */
	assert_int_equal(vs_quorum_update(&q, 10, 2, 8), 0);
	assert_int_equal(vs_quorum_update(&q, 10, 2, 7), 1);    /* below quorum - hysteresis */
	assert_int_equal(q.up, 0);
	assert_int_equal(vs_quorum_update(&q, 10, 2, 11), 0);   /* not yet quorum + hysteresis */
	assert_int_equal(vs_quorum_update(&q, 10, 2, 12), 1);
	assert_int_equal(q.up, 1);
	/* no hysteresis: plain threshold; first evaluation down */
	struct vs_quorum r = { 0 };
	assert_int_equal(vs_quorum_update(&r, 3, 0, 2), 1);
	assert_int_equal(r.up, 0);
	assert_int_equal(vs_quorum_update(&r, 3, 0, 3), 1);
	assert_int_equal(vs_quorum_update(&r, 3, 0, 2), 1);
	/* quorum 0 acts as 1: up iff any live weight */
	struct vs_quorum z = { 0 };
	vs_quorum_update(&z, 0, 0, 0);
	assert_int_equal(z.up, 0);
	vs_quorum_update(&z, 0, 0, 1);
	assert_int_equal(z.up, 1);
}

/* random result sequences against a plain model of rise/fall */
static void test_random_vs_model(void **st)
{
	srandom(12345);
	for (int round = 0; round < 2000; round++) {
		struct rs_chk_conf c = { .rise = 1 + (int)(random() % 4), .fall = 1 + (int)(random() % 4),
		                         .delay_loop_us = 3 * S, .retry_delay_us = (random() % 2) * S,
		                         .alpha = (int)(random() % 2) };
		struct rs_chk_state s;
		int up = !c.alpha, run_ok = 0, run_fail = 0;
		rs_chk_init(&s, &c);
		for (int i = 0; i < 50; i++) {
			int ok = random() % 3 != 0;
			int64_t next;
			enum rs_chk_change ch = rs_chk_result(&s, &c, ok, &next);
			int was = up;
			if (ok) {
				run_ok++;
				run_fail = 0;
				if (!up && run_ok >= c.rise)
					up = 1;
			} else {
				run_fail++;
				run_ok = 0;
				if (up && run_fail >= c.fall)
					up = 0;
			}
			assert_int_equal(s.up, up);
			assert_int_equal(ch, was == up ? RS_CHK_SAME : up ? RS_CHK_WENT_UP : RS_CHK_WENT_DOWN);
			if (!ok && up)
				assert_int_equal(next, c.retry_delay_us ? c.retry_delay_us : c.delay_loop_us);
			else
				assert_int_equal(next, c.delay_loop_us);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fall_and_retry),
		cmocka_unit_test(test_rise_and_alpha),
		cmocka_unit_test(test_inhibit_and_weight),
		cmocka_unit_test(test_slowstart_ramp),
		cmocka_unit_test(test_slowstart_step_spacing),
		cmocka_unit_test(test_quorum_hysteresis),
		cmocka_unit_test(test_random_vs_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
