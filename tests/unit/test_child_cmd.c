/* tests/unit/test_child_cmd.c - the child's side of forwarded control commands
 * (director/child_cmd.c) over a real socketpair: a part's hook answering, failing (-1, no
 * reply, reply without "ok"), a command it does not declare, a request before start, a
 * malformed request, a reply over the IPC frame limit, and the test hooks (test-echo,
 * test-sleep, and both refused without --test-hooks). Every reply carries the request id. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <json-c/json.h>
#include "director/child_parts.h"
#include "lib/ipc.h"

enum mode { M_OK, M_FAIL, M_NULL, M_NO_OK, M_HUGE };
static enum mode mode;
static int calls;

static int fake_command(struct dir_part_ctx *ctx, json_object *req, json_object **reply)
{
	json_object *r = json_object_new_object(), *v;

	calls++;
	switch (mode) {
	case M_OK:
		json_object_object_add(r, "ok", json_object_new_boolean(1));
		if (json_object_object_get_ex(req, "arg", &v))
			json_object_object_add(r, "arg", json_object_get(v));
		break;
	case M_FAIL:
		json_object_object_add(r, "ok", json_object_new_boolean(1));
		*reply = r;                 /* set but -1: the caller must free it */
		return -1;
	case M_NULL:
		json_object_put(r);
		return 0;
	case M_NO_OK:
		json_object_object_add(r, "state", json_object_new_string("x"));
		break;
	case M_HUGE: {
		char *big = malloc(TDM_IPC_MAX + 10);

		memset(big, 'z', TDM_IPC_MAX + 9);
		big[TDM_IPC_MAX + 9] = '\0';
		json_object_object_add(r, "ok", json_object_new_boolean(1));
		json_object_object_add(r, "blob", json_object_new_string(big));
		free(big);
		break;
	}
	}
	*reply = r;
	return 0;
}

static const char *const fake_cmds[] = { "fake", "fake2", NULL };
static const struct dir_part_ops fake_ops = {
	.name = "fake", .commands = fake_cmds, .command = fake_command,
};
static const struct dir_part_ops bare_ops = { .name = "bare" };

struct fx {
	int sv[2];
	struct dir_part_ctx ctx;
	struct tdm_ipc_msg msg;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(tdm_ipc_pair(f->sv), 0);
	f->ctx.ops = &fake_ops;
	f->ctx.sock = f->sv[1];
	mode = M_OK;
	calls = 0;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	close(f->sv[0]);
	close(f->sv[1]);
	free(f);
	return 0;
}

/* run one request through dir_child_command; the reply object (NULL if none was sent) */
static json_object *ask(struct fx *f, int started, int hooks, uint64_t id, const char *req)
{
	json_object *r;

	dir_child_command(&f->ctx, started, hooks, id, req, strlen(req));
	if (tdm_ipc_recv(f->sv[0], &f->msg) != 1)
		return NULL;
	assert_int_equal(f->msg.hdr.type, TDM_IPC_REPLY);
	assert_int_equal(f->msg.hdr.arg, id);
	assert_true(f->msg.hdr.len <= TDM_IPC_MAX);
	r = json_tokener_parse(f->msg.data);
	assert_non_null(r);
	return r;
}

static const char *err_of(json_object *r)
{
	json_object *v;

	assert_true(json_object_object_get_ex(r, "ok", &v));
	assert_false(json_object_get_boolean(v));
	assert_true(json_object_object_get_ex(r, "error", &v));
	return json_object_get_string(v);
}

static void test_declares(void **state)
{
	assert_true(dir_part_declares(&fake_ops, "fake"));
	assert_true(dir_part_declares(&fake_ops, "fake2"));
	assert_false(dir_part_declares(&fake_ops, "fak"));
	assert_false(dir_part_declares(&bare_ops, "fake"));
	assert_false(dir_part_declares(NULL, "fake"));
	assert_true(dir_part_is_test_command("test-echo"));
	assert_true(dir_part_is_test_command("test-sleep"));
	assert_false(dir_part_is_test_command("test-emit"));   /* the parent's own */
}

static void test_ok_reply(void **state)
{
	struct fx *f = *state;
	json_object *r = ask(f, 1, 0, 77, "{\"cmd\":\"fake\",\"arg\":[1,\"two\"]}"), *v;

	assert_non_null(r);
	assert_true(json_object_object_get_ex(r, "ok", &v) && json_object_get_boolean(v));
	assert_true(json_object_object_get_ex(r, "arg", &v));
	assert_string_equal(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN),
	                    "[1,\"two\"]");
	assert_int_equal(calls, 1);
	json_object_put(r);
	/* ids are carried as they come, the whole 64 bits */
	r = ask(f, 1, 0, UINT64_MAX, "{\"cmd\":\"fake2\"}");
	assert_non_null(r);
	json_object_put(r);
}

static void test_hook_failures(void **state)
{
	struct fx *f = *state;
	json_object *r;

	mode = M_FAIL;
	r = ask(f, 1, 0, 1, "{\"cmd\":\"fake\"}");
	assert_string_equal(err_of(r), "the fake part failed to answer fake");
	json_object_put(r);
	mode = M_NULL;
	r = ask(f, 1, 0, 2, "{\"cmd\":\"fake\"}");
	assert_string_equal(err_of(r), "the fake part failed to answer fake");
	json_object_put(r);
	mode = M_NO_OK;
	r = ask(f, 1, 0, 3, "{\"cmd\":\"fake\"}");
	assert_string_equal(err_of(r), "the fake part sent a malformed reply to fake");
	json_object_put(r);
	mode = M_HUGE;
	r = ask(f, 1, 0, 4, "{\"cmd\":\"fake\"}");
	assert_non_null(strstr(err_of(r), "the reply to fake is too large"));
	assert_non_null(strstr(err_of(r), "limit 65536"));
	json_object_put(r);
}

static void test_refusals(void **state)
{
	struct fx *f = *state;
	json_object *r;

	r = ask(f, 1, 0, 5, "{\"cmd\":\"other\"}");
	assert_string_equal(err_of(r), "the fake part does not serve other");
	json_object_put(r);
	r = ask(f, 0, 0, 6, "{\"cmd\":\"fake\"}");
	assert_string_equal(err_of(r), "the fake part has not started yet (fake)");
	json_object_put(r);
	assert_int_equal(calls, 0);
	for (size_t i = 0; i < 4; i++) {
		static const char *const bad[] = { "{\"cmd\":", "[1]", "{\"cmd\":5}", "{}" };

		r = ask(f, 1, 0, 10 + i, bad[i]);
		assert_string_equal(err_of(r), "the fake part received a malformed request");
		json_object_put(r);
	}
	/* without --test-hooks the test commands are just not served */
	r = ask(f, 1, 0, 20, "{\"cmd\":\"test-echo\"}");
	assert_string_equal(err_of(r), "the fake part does not serve test-echo");
	json_object_put(r);
	r = ask(f, 1, 0, 21, "{\"cmd\":\"test-sleep\"}");
	assert_string_equal(err_of(r), "the fake part does not serve test-sleep");
	json_object_put(r);
}

static void test_test_hooks(void **state)
{
	struct fx *f = *state;
	json_object *r, *v;

	r = ask(f, 1, 1, 30, "{\"cmd\":\"test-echo\",\"x\":{\"y\":true}}");
	assert_non_null(r);
	assert_true(json_object_object_get_ex(r, "pid", &v));
	assert_int_equal(json_object_get_int(v), getpid());
	assert_true(json_object_object_get_ex(r, "part", &v));
	assert_string_equal(json_object_get_string(v), "fake");
	assert_true(json_object_object_get_ex(r, "request", &v));
	assert_string_equal(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN),
	                    "{\"cmd\":\"test-echo\",\"x\":{\"y\":true}}");
	json_object_put(r);
	/* test-sleep: nothing is sent */
	assert_null(ask(f, 1, 1, 31, "{\"cmd\":\"test-sleep\"}"));
	/* a part without hooks still answers the test commands */
	f->ctx.ops = &bare_ops;
	r = ask(f, 1, 1, 32, "{\"cmd\":\"test-echo\"}");
	assert_true(json_object_object_get_ex(r, "ok", &v) && json_object_get_boolean(v));
	json_object_put(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_declares),
		cmocka_unit_test_setup_teardown(test_ok_reply, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hook_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_test_hooks, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
