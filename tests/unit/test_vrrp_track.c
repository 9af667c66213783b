/* tests/unit/test_vrrp_track.c - the pure pieces of VRRP tracking, sync groups and notify:
 * a reference's weight (vrrp_track_weigh), a track_file's value (vrrp_track_weigh_file,
 * vrrp_track_parse_value), a sync group's settled state (vrrp_sgroup_state) and the
 * vrrp_notify_fifo line. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include "vrrp/vrrp_notify.h"
#include "vrrp/vrrp_sgroup.h"
#include "vrrp/vrrp_track.h"

static void test_weigh(void **state)
{
	int fault;

	/* unweighted: failure is FAULT */
	assert_int_equal(vrrp_track_weigh(0, 0, 1, &fault), 0);
	assert_false(fault);
	assert_int_equal(vrrp_track_weigh(0, 0, 0, &fault), 0);
	assert_true(fault);
	/* weight 0 reverse: FAULT while OK */
	vrrp_track_weigh(0, 1, 1, &fault);
	assert_true(fault);
	/* positive: added while OK */
	assert_int_equal(vrrp_track_weigh(20, 0, 1, &fault), 20);
	assert_false(fault);
	assert_int_equal(vrrp_track_weigh(20, 0, 0, &fault), 0);
	/* negative: added while failed */
	assert_int_equal(vrrp_track_weigh(-30, 0, 1, &fault), 0);
	assert_int_equal(vrrp_track_weigh(-30, 0, 0, &fault), -30);
	assert_false(fault);
	/* reverse inverts the status */
	assert_int_equal(vrrp_track_weigh(-30, 1, 1, &fault), -30);
	assert_int_equal(vrrp_track_weigh(20, 1, 0, &fault), 20);
	(void)state;
}

static void test_weigh_file(void **state)
{
	int fault;

	assert_int_equal(vrrp_track_weigh_file(0, 0, 0, &fault), 0);
	assert_false(fault);
	vrrp_track_weigh_file(5, 0, 0, &fault);
	assert_true(fault);
	assert_int_equal(vrrp_track_weigh_file(-60, 2, 0, &fault), -120);
	assert_false(fault);
	assert_int_equal(vrrp_track_weigh_file(-60, 2, 1, &fault), 120);
	assert_int_equal(vrrp_track_weigh_file(500, 1, 0, &fault), 253);
	assert_false(fault);
	assert_int_equal(vrrp_track_weigh_file(-253, 1, 0, &fault), -253);
	assert_false(fault);
	vrrp_track_weigh_file(-254, 1, 0, &fault);
	assert_true(fault);
	vrrp_track_weigh_file(-200, 2, 0, &fault);
	assert_true(fault);
	vrrp_track_weigh_file(INT64_MIN / 2, 1, 0, &fault);     /* no overflow */
	assert_true(fault);
	(void)state;
}

static void test_parse_value(void **state)
{
	assert_int_equal(vrrp_track_parse_value("42\n"), 42);
	assert_int_equal(vrrp_track_parse_value("  -7 trailing"), -7);
	assert_int_equal(vrrp_track_parse_value(""), 0);
	assert_int_equal(vrrp_track_parse_value("abc"), 0);
	assert_int_equal(vrrp_track_parse_value("99999999999999999999999"), 0);
	(void)state;
}

static void test_group_state(void **state)
{
	enum vrrp_fsm_state s[3];

	s[0] = VRRP_FSM_MASTER; s[1] = VRRP_FSM_MASTER; s[2] = VRRP_FSM_INIT;
	assert_int_equal(vrrp_sgroup_state(s, 3), VRRP_FSM_MASTER);
	s[1] = VRRP_FSM_BACKUP;
	assert_int_equal(vrrp_sgroup_state(s, 3), VRRP_FSM_INIT);     /* mixed: not settled */
	s[0] = VRRP_FSM_BACKUP;
	assert_int_equal(vrrp_sgroup_state(s, 3), VRRP_FSM_BACKUP);
	s[2] = VRRP_FSM_FAULT;
	assert_int_equal(vrrp_sgroup_state(s, 3), VRRP_FSM_FAULT);
	s[0] = s[1] = s[2] = VRRP_FSM_STOP;
	assert_int_equal(vrrp_sgroup_state(s, 3), VRRP_FSM_STOP);
	s[0] = s[1] = s[2] = VRRP_FSM_INIT;
	assert_int_equal(vrrp_sgroup_state(s, 3), VRRP_FSM_INIT);
	(void)state;
}

static void test_fifo_line(void **state)
{
	char buf[64];

	assert_int_equal(vrrp_notify_fifo_line(buf, sizeof(buf), "INSTANCE", "VI_1", "MASTER", 100),
	                 strlen("INSTANCE \"VI_1\" MASTER 100\n"));
	assert_string_equal(buf, "INSTANCE \"VI_1\" MASTER 100\n");
	vrrp_notify_fifo_line(buf, sizeof(buf), "GROUP", "G", "FAULT", -1);
	assert_string_equal(buf, "GROUP \"G\" FAULT\n");
	assert_int_equal(vrrp_notify_fifo_line(buf, 8, "INSTANCE", "VI_1", "MASTER", 100), 0);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_weigh),
		cmocka_unit_test(test_weigh_file),
		cmocka_unit_test(test_parse_value),
		cmocka_unit_test(test_group_state),
		cmocka_unit_test(test_fifo_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
