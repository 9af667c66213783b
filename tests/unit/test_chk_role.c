/* tests/unit/test_chk_role.c - the role-aware option (healthcheck/check_role.c): off by
 * default, paused until the followed instance is known to be MASTER, driven by vrrp.state
 * events and the feed.state view, and re-read on reload. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>
#include "tests/unit/keywords_helpers.h"
#include "healthcheck/check_role.h"

static json_object *ev(const char *type, const char *inst, const char *to)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "type", json_object_new_string(type));
	json_object_object_add(o, "instance", json_object_new_string(inst));
	json_object_object_add(o, "to", json_object_new_string(to));
	return o;
}

static int feed(struct check_role *r, json_object *o)
{
	int rc = check_role_event(r, o);

	json_object_put(o);
	return rc;
}

static void test_off_by_default(void **state)
{
	struct kt t;
	struct check_role r;

	(void)state;
	memset(&r, 0, sizeof(r));
	kt_parse(&t, "global_defs {\n router_id x\n}\n");
	assert_non_null(t.cfg);
	check_role_config(&r, t.cfg);
	assert_int_equal(r.active, 1);
	assert_null(check_role_json(&r));
	assert_int_equal(feed(&r, ev("vrrp.state", "VI", "BACKUP")), 0);
	assert_int_equal(r.active, 1);
	kt_free(&t);
}

static void test_follow(void **state)
{
	struct kt t, t2;
	struct check_role r;
	json_object *st, *view, *arr, *j;

	(void)state;
	memset(&r, 0, sizeof(r));
	kt_parse(&t, "global_defs {\n checks_follow_vrrp VI\n}\n");
	assert_non_null(t.cfg);
	assert_int_equal(t.d.n, 0);
	check_role_config(&r, t.cfg);
	assert_int_equal(r.active, 0);                  /* unknown: paused */
	assert_int_equal(feed(&r, ev("vrrp.state", "OTHER", "MASTER")), 0);
	assert_int_equal(r.active, 0);
	assert_int_equal(feed(&r, ev("vrrp.state", "VI", "MASTER")), 1);
	assert_int_equal(r.active, 1);
	assert_int_equal(feed(&r, ev("vrrp.state", "VI", "BACKUP")), 1);
	assert_int_equal(r.active, 0);
	/* the feed.state view carries the state too */
	st = json_object_new_object();
	view = json_object_new_object();
	arr = json_object_new_array();
	j = ev("x", "VI", "MASTER");
	json_object_array_add(arr, j);
	json_object_object_add(view, "vrrp", arr);
	json_object_object_add(st, "type", json_object_new_string("feed.state"));
	json_object_object_add(st, "view", view);
	assert_int_equal(feed(&r, st), 1);
	assert_int_equal(r.active, 1);
	j = check_role_json(&r);
	assert_string_equal(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN),
	                    "{\"follow\":\"VI\",\"vrrp_state\":\"MASTER\",\"paused\":false}");
	json_object_put(j);
	/* reload with the same instance keeps the state; without the keyword: active */
	assert_int_equal(check_role_config(&r, t.cfg), 0);
	assert_int_equal(r.active, 1);
	kt_parse(&t2, "global_defs {\n router_id y\n}\n");
	check_role_config(&r, t2.cfg);
	assert_int_equal(r.active, 1);
	assert_null(check_role_json(&r));
	/* and back: the state must be learnt again */
	check_role_config(&r, t.cfg);
	assert_int_equal(r.active, 0);
	kt_free(&t2);
	kt_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_off_by_default),
		cmocka_unit_test(test_follow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
