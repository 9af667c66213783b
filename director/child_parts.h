/* director/child_parts.h - what each child process (vrrp, check, sync, snmp) does: an ops
 * table per part. The foundation parts only hold their config and report diffs; the later
 * protocol work plugs into these hooks. */
#ifndef DIR_CHILD_PARTS_H
#define DIR_CHILD_PARTS_H

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
};

/* given to the hooks */
struct dir_part_ctx {
	struct ev_loop *loop;
	const struct dir_part_ops *ops;
	int sock;                   /* to the parent */
	void *priv;                 /* the part's own state */
};

/* send an event to the parent (takes ownership of ev, which must have "type") */
int dir_part_emit(struct dir_part_ctx *ctx, json_object *ev);

extern const struct dir_part_ops *const dir_parts[4];  /* index: vrrp, check, sync, snmp */

/* child.c: the child's main; never returns */
struct dir_daemon;
void dir_child_main(const struct dir_part_ops *ops, int sock, unsigned log_flags)
	__attribute__((noreturn));

#endif
