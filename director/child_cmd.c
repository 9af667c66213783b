/* director/child_cmd.c - the child's side of control commands served by a part: which part
 * declares which command, and answering a request the parent forwarded (TDM_IPC_COMMAND)
 * with a TDM_IPC_REPLY carrying the same request id. With tandemd --test-hooks every part
 * also answers "test-echo" (its pid and the request) and "test-sleep" (never answers). */
#include "director/child_parts.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "lib/ipc.h"
#include "lib/log.h"

#define REQ_JSON_DEPTH 64

const char *const dir_part_test_commands[] = { "test-echo", "test-sleep", NULL };

static int in_list(const char *const *list, const char *cmd)
{
	for (size_t i = 0; list && list[i]; i++)
		if (!strcmp(list[i], cmd))
			return 1;
	return 0;
}

int dir_part_is_test_command(const char *cmd)
{
	return in_list(dir_part_test_commands, cmd);
}

int dir_part_declares(const struct dir_part_ops *ops, const char *cmd)
{
	return ops && ops->command && in_list(ops->commands, cmd);
}

static json_object *error_obj(const char *fmt, const char *a, const char *b)
{
	json_object *r = json_object_new_object();
	char buf[256];

	snprintf(buf, sizeof(buf), fmt, a, b);
	json_object_object_add(r, "ok", json_object_new_boolean(0));
	json_object_object_add(r, "error", json_object_new_string(buf));
	return r;
}

static void send_reply(struct dir_part_ctx *ctx, uint64_t id, const char *cmd,
                       json_object *reply)
{
	const char *s = json_object_to_json_string_ext(reply, JSON_C_TO_STRING_PLAIN |
	                                               JSON_C_TO_STRING_NOSLASHESCAPE);
	size_t len = strlen(s);
	json_object *big = NULL;

	if (len > TDM_IPC_MAX) {
		char what[96];

		tdm_log_warn("reply to %s is %zu bytes, over the %d-byte limit", cmd, len,
		             TDM_IPC_MAX);
		snprintf(what, sizeof(what), "%zu bytes, limit %d", len, TDM_IPC_MAX);
		big = error_obj("the reply to %s is too large (%s)", cmd, what);
		s = json_object_to_json_string_ext(big, JSON_C_TO_STRING_PLAIN);
		len = strlen(s);
	}
	if (tdm_ipc_send(ctx->sock, TDM_IPC_REPLY, id, s, len, -1, 0) < 0)
		tdm_log_warn("reply to %s: %s", cmd, strerror(errno));
	json_object_put(big);
}

static json_object *test_echo(struct dir_part_ctx *ctx, json_object *req)
{
	json_object *r = json_object_new_object();

	json_object_object_add(r, "ok", json_object_new_boolean(1));
	json_object_object_add(r, "part", json_object_new_string(ctx->ops->name));
	json_object_object_add(r, "pid", json_object_new_int(getpid()));
	json_object_object_add(r, "request", json_object_get(req));
	return r;
}

void dir_child_command(struct dir_part_ctx *ctx, int started, int test_hooks, uint64_t id,
                       const char *text, size_t len)
{
	const char *name = ctx->ops->name;
	json_tokener *tok = json_tokener_new_ex(REQ_JSON_DEPTH);
	json_object *req = NULL, *reply = NULL, *v;
	const char *cmd = "?";

	if (tok) {
		req = json_tokener_parse_ex(tok, text, (int)len);
		json_tokener_free(tok);
	}
	if (!req || !json_object_is_type(req, json_type_object) ||
	    !json_object_object_get_ex(req, "cmd", &v) || !json_object_is_type(v, json_type_string)) {
		tdm_log_warn("malformed forwarded request %llu", (unsigned long long)id);
		reply = error_obj("the %s part received a malformed request%s", name, "");
		goto out;
	}
	cmd = json_object_get_string(v);
	if (test_hooks && dir_part_is_test_command(cmd)) {
		if (!strcmp(cmd, "test-sleep")) {
			tdm_log_debug("test-sleep: request %llu left unanswered",
			              (unsigned long long)id);
			json_object_put(req);
			return;
		}
		reply = test_echo(ctx, req);
	} else if (!dir_part_declares(ctx->ops, cmd)) {
		reply = error_obj("the %s part does not serve %s", name, cmd);
	} else if (!started) {
		reply = error_obj("the %s part has not started yet (%s)", name, cmd);
	} else if (ctx->ops->command(ctx, req, &reply) < 0 || !reply) {
		tdm_log_warn("command %s failed", cmd);
		json_object_put(reply);
		reply = error_obj("the %s part failed to answer %s", name, cmd);
	} else if (!json_object_is_type(reply, json_type_object) ||
	           !json_object_object_get_ex(reply, "ok", &v) ||
	           !json_object_is_type(v, json_type_boolean)) {
		tdm_log_warn("command %s: reply without a boolean \"ok\"", cmd);
		json_object_put(reply);
		reply = error_obj("the %s part sent a malformed reply to %s", name, cmd);
	}
out:
	send_reply(ctx, id, cmd, reply);
	json_object_put(reply);
	json_object_put(req);
}
