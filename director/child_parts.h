/* director/child_parts.h - what each child process (vrrp, check, sync, snmp) does: an ops
 * table per part. The foundation parts only hold their config and report diffs; the later
 * protocol work plugs into these hooks. */
#ifndef DIR_CHILD_PARTS_H
#define DIR_CHILD_PARTS_H

#include <stddef.h>
#include <stdint.h>
#include <ev.h>
#include <json-c/json.h>
#include "lib/conf.h"

struct dir_part_ctx;

/* counts of one diff, restricted to the part's kinds */
struct dir_diff_counts {
	unsigned added, removed, changed, unchanged;
};

struct dir_part_ops {
	const char *name;           /* "vrrp" */
	unsigned part;              /* TDM_PART_* */
	unsigned kinds;             /* bit (1u << enum tdm_obj_kind) for every kind it owns */
	int (*start)(struct dir_part_ctx *ctx, const struct tdm_config *cfg);
	int (*reload)(struct dir_part_ctx *ctx, const struct tdm_config *old_cfg,
	              const struct tdm_config *new_cfg, const struct dir_diff_counts *diff);
	void (*stop)(struct dir_part_ctx *ctx);
	/* optional (NULL = none): control commands this part answers, NULL-terminated, e.g.
	 * { "vrrp", NULL }. A command belongs to one part; the parent's own (status, reload,
	 * events, ping, metrics, test-*) cannot be taken. */
	const char *const *commands;
	/* optional: answer one of them, in the child. req is the client's request object
	 * ({"cmd":"vrrp",...}, borrowed). Set *reply to {"ok":true,...} or
	 * {"ok":false,"error":"..."} (ownership passes to the caller); return 0, or -1 on an
	 * internal error (the client then gets an error reply). The reply must serialize to at
	 * most TDM_IPC_MAX bytes. See docs/control.md. */
	int (*command)(struct dir_part_ctx *ctx, json_object *req, json_object **reply);
	/* optional: the event feed (director/evfeed.h). event_types: NULL-terminated type
	 * prefixes of the bus events this part wants ("" = all). on_event is called, in order,
	 * with {"type":"feed.state","replay":true,"last_seq":N,"status":{status reply}}, then
	 * the retained events of those types with seq <= N (replayed), then each new one;
	 * "feed.state" with replay false refreshes the status after daemon/child/config events.
	 * ev is borrowed. Called only after start. */
	const char *const *event_types;
	void (*on_event)(struct dir_part_ctx *ctx, json_object *ev);
};

/* given to the hooks */
struct dir_part_ctx {
	struct ev_loop *loop;
	const struct dir_part_ops *ops;
	int sock;                   /* to the parent */
	void *priv;                 /* the part's own state */
	const struct tdm_canon *origin;  /* file:line of the current config's canonical lines
	                                  * (from the snapshot; may be empty) */
};

/* "file:line" of canonical line `line` of the current config ("config line N" if unknown) */
void dir_part_where(const struct dir_part_ctx *ctx, uint32_t line, char *buf, size_t cap);

/* send an event to the parent (takes ownership of ev, which must have "type") */
int dir_part_emit(struct dir_part_ctx *ctx, json_object *ev);

extern const struct dir_part_ops *const dir_parts[4];  /* index: vrrp, check, sync, snmp */

/* child_cmd.c: does this part declare the control command cmd? With test hooks every part
 * also answers dir_part_test_commands ("test-echo", "test-sleep"). */
extern const char *const dir_part_test_commands[];
int dir_part_declares(const struct dir_part_ops *ops, const char *cmd);
int dir_part_is_test_command(const char *cmd);
/* child_cmd.c: the child's side of a forwarded request (TDM_IPC_COMMAND): run the part's
 * command hook (or a test command) and send the TDM_IPC_REPLY */
void dir_child_command(struct dir_part_ctx *ctx, int started, int test_hooks, uint64_t id,
                       const char *text, size_t len);

/* child.c: the child's main; never returns. test_hooks: tandemd --test-hooks */
struct dir_daemon;
void dir_child_main(const struct dir_part_ops *ops, int sock, unsigned log_flags,
                    int test_hooks) __attribute__((noreturn));

#endif
