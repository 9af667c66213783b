/* director/child_parts.c - the ops table of each child part. For the foundation issue every
 * part only holds its config and reports what changed on reload; the protocol issues replace
 * these hooks with real work (VRRP FSMs, checkers, the sync relay, the AgentX subagent). */
#include "director/child_parts.h"

#include "lib/log.h"

#define K(kind) (1u << (kind))

static int hold_start(struct dir_part_ctx *ctx, const struct tdm_config *cfg)
{
	size_t n = 0;

	for (size_t i = 0; i < cfg->nobjs; i++)
		if (ctx->ops->kinds & K(cfg->objs[i].kind))
			n++;
	tdm_log_info("holding config: %zu object(s) of this part", n);
	return 0;
}

static int hold_reload(struct dir_part_ctx *ctx, const struct tdm_config *old_cfg,
                       const struct tdm_config *new_cfg, const struct dir_diff_counts *diff)
{
	return 0;
}

static void hold_stop(struct dir_part_ctx *ctx)
{
}

extern const struct dir_part_ops vrrp_part_ops;    /* vrrp/vrrp_child.c */

extern const struct dir_part_ops check_part_ops;   /* healthcheck/check_child.c */

static const struct dir_part_ops part_sync = {
	.name = "sync", .part = TDM_PART_SYNC,
	.kinds = K(TDM_OBJ_SYNC),
	.start = hold_start, .reload = hold_reload, .stop = hold_stop,
};

extern const struct dir_part_ops snmp_part_ops;    /* snmp/snmp_child.c */

const struct dir_part_ops *const dir_parts[4] = { &vrrp_part_ops, &check_part_ops, &part_sync,
                                                  &snmp_part_ops };
