/* tests/unit/test_json_get.c - lib/json_get: typed field lookups (strings, integers, unsigned
 * counters) on json-c objects, with their defaults for missing and mistyped fields. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "lib/json_get.h"

static json_object *obj(void)
{
	return json_tokener_parse("{\"s\":\"x\",\"i\":-42,\"d\":2.9,\"t\":true,\"n\":null,"
	                          "\"big\":18446744073709551615,\"neg\":-1,\"a\":[1]}");
}

static void test_str(void **state)
{
	json_object *o = obj();

	assert_string_equal(tdm_json_str(o, "s"), "x");
	assert_null(tdm_json_str(o, "i"));
	assert_null(tdm_json_str(o, "missing"));
	assert_null(tdm_json_str(NULL, "s"));
	json_object_put(o);
}

static void test_int(void **state)
{
	json_object *o = obj();

	assert_int_equal(tdm_json_int(o, "i", 7), -42);
	assert_int_equal(tdm_json_int(o, "d", 7), 2);
	assert_int_equal(tdm_json_int(o, "t", 7), 1);
	assert_int_equal(tdm_json_int(o, "s", 7), 7);      /* a string is not a number */
	assert_int_equal(tdm_json_int(o, "n", 7), 7);
	assert_int_equal(tdm_json_int(o, "a", 7), 7);
	assert_int_equal(tdm_json_int(o, "missing", -3), -3);
	assert_int_equal(tdm_json_int(NULL, "i", 5), 5);
	json_object_put(o);
}

static void test_u64(void **state)
{
	json_object *o = obj();

	assert_true(tdm_json_u64(o, "big") == UINT64_MAX);
	assert_true(tdm_json_u64(o, "neg") == 0);
	assert_true(tdm_json_u64(o, "s") == 0);
	assert_true(tdm_json_u64(o, "missing") == 0);
	assert_true(tdm_json_u64(NULL, "big") == 0);
	json_object_put(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_str),
		cmocka_unit_test(test_int),
		cmocka_unit_test(test_u64),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
