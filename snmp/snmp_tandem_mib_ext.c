/* snmp/snmp_tandem_mib_ext.c - the rest of the TANDEM-MIB subtree: VRRP drops by reason,
 * sync groups, checkers, the sync relay scalars and its peers (see snmp_tandem_mib.h). */
#include "snmp/snmp_tandem_mib.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ADD(rc, expr) do { if ((expr) < 0) rc = -1; } while (0)
#define NB(a) (sizeof(a) / sizeof((a)[0]))

static int build_drops(struct snmp_oidtab *t, const struct snmp_view *v)
{
	snmp_subid base[] = { SNMP_TANDEM_MIB_OID, SNMP_TANDEM_OBJECTS, SNMP_TANDEM_DROP_TABLE, 1,
	                      0 /* column */ };
	snmp_subid idx[SNMP_VIEW_NAME + 2];
	int rc = 0;
	size_t *ord = snmp_tandem_row_order(v->vrrp, v->nvrrp, sizeof(*v->vrrp));

	/* OID order: column, then instance (index order), then reason */
	for (snmp_subid col = SNMP_TANDEM_DROP_REASON; col <= SNMP_TANDEM_DROP_COUNT; col++) {
		base[NB(base) - 1] = col;
		for (size_t k = 0; k < v->nvrrp; k++) {
			const struct snmp_view_vrrp *vi = &v->vrrp[ord ? ord[k] : k];
			size_t il = snmp_tandem_name_index(idx, vi->name, SNMP_VIEW_NAME);

			if (!vi->have_stats || !il)
				continue;
			for (unsigned r = 0; r < v->ndrop_names; r++) {
				idx[il] = r + 1;
				if (col == SNMP_TANDEM_DROP_REASON)
					ADD(rc, snmp_oidtab_add_str(t, base, NB(base), idx, il + 1,
					                            v->drop_names[r],
					                            strlen(v->drop_names[r])));
				else
					ADD(rc, snmp_oidtab_add_uns(t, base, NB(base), idx, il + 1,
					                            SNMP_T_COUNTER64, vi->drops[r]));
			}
		}
	}
	free(ord);
	return rc;
}

static void group_cells(struct snmp_tandem_row *r, const void *row, size_t i, const void *ctx)
{
	const struct snmp_view_group *g = row;

	snmp_tandem_cell_int(r, SNMP_TANDEM_GROUP_STATE, g->state);
	snmp_tandem_cell_str(r, SNMP_TANDEM_GROUP_TRIGGER, g->trigger, SIZE_MAX);
	snmp_tandem_cell_str(r, SNMP_TANDEM_GROUP_REASON, g->reason, SIZE_MAX);
	snmp_tandem_cell_change(r, SNMP_TANDEM_GROUP_TRANSITIONS, g->transitions, g->last_change);
}

static void checker_cells(struct snmp_tandem_row *r, const void *row, size_t i,
                          const void *ctx)
{
	const struct snmp_view_chk *c = row;
	double us = c->latency_ms * 1000.0;

	snmp_tandem_cell_str(r, SNMP_TANDEM_CHK_TYPE, c->kind, SIZE_MAX);
	snmp_tandem_cell_str(r, SNMP_TANDEM_CHK_TARGET, c->target, 100);
	snmp_tandem_cell_int(r, SNMP_TANDEM_CHK_RESULT, c->ok ? 1 : 2);
	snmp_tandem_cell_str(r, SNMP_TANDEM_CHK_REASON, c->reason, 127);
	snmp_tandem_cell_uns(r, SNMP_TANDEM_CHK_LATENCY, SNMP_T_GAUGE32,
	                     us <= 0 ? 0 : us > 4294967295.0 ? 4294967295u : (uint64_t)us);
	snmp_tandem_cell_uns(r, SNMP_TANDEM_CHK_REFS, SNMP_T_GAUGE32, c->refs);
	snmp_tandem_cell_change(r, SNMP_TANDEM_CHK_TRANSITIONS, c->transitions, c->last_change);
}

static void peer_cells(struct snmp_tandem_row *r, const void *row, size_t i, const void *ctx)
{
	const struct snmp_view_peer *p = row;

	snmp_tandem_cell_int(r, SNMP_TANDEM_PEER_STATE, p->up ? SNMP_UP : SNMP_DOWN);
	snmp_tandem_cell_str(r, SNMP_TANDEM_PEER_REASON, p->reason, SIZE_MAX);
	snmp_tandem_cell_change(r, SNMP_TANDEM_PEER_TRANSITIONS, p->transitions, p->last_change);
}

static int build_relay(struct snmp_oidtab *t, const struct snmp_view *v)
{
	const snmp_subid base[] = { SNMP_TANDEM_MIB_OID, SNMP_TANDEM_OBJECTS, SNMP_TANDEM_RELAY };
	int rc = 0;

	if (v->have_relay || v->npeer) {
#define SC(x) (const snmp_subid[]){ x, 0 }, 2
		ADD(rc, snmp_oidtab_add_uns(t, base, NB(base), SC(SNMP_TANDEM_RELAY_SENT),
		                            SNMP_T_COUNTER64, v->relay_sent));
		ADD(rc, snmp_oidtab_add_uns(t, base, NB(base), SC(SNMP_TANDEM_RELAY_RECEIVED),
		                            SNMP_T_COUNTER64, v->relay_received));
		ADD(rc, snmp_oidtab_add_uns(t, base, NB(base), SC(SNMP_TANDEM_RELAY_RESENDS),
		                            SNMP_T_COUNTER64, v->relay_resends));
		ADD(rc, snmp_oidtab_add_uns(t, base, NB(base), SC(SNMP_TANDEM_RELAY_REJECTS),
		                            SNMP_T_COUNTER64, v->relay_rejects));
		ADD(rc, snmp_oidtab_add_uns(t, base, NB(base), SC(SNMP_TANDEM_RELAY_RESYNCS),
		                            SNMP_T_COUNTER32, v->relay_resyncs));
#undef SC
	}
	ADD(rc, snmp_tandem_build_rows(t, SNMP_TANDEM_PEER_TABLE, v->peer, v->npeer,
	                               sizeof(*v->peer), SNMP_VIEW_NAME, peer_cells, NULL));
	return rc;
}

int snmp_tandem_build_ext(struct snmp_oidtab *t, const struct snmp_view *v)
{
	int rc = 0;

	ADD(rc, build_drops(t, v));
	ADD(rc, snmp_tandem_build_rows(t, SNMP_TANDEM_GROUP_TABLE, v->grp, v->ngrp,
	                               sizeof(*v->grp), SNMP_VIEW_NAME, group_cells, NULL));
	ADD(rc, snmp_tandem_build_rows(t, SNMP_TANDEM_CHK_TABLE, v->chk, v->nchk, sizeof(*v->chk),
	                               100, checker_cells, NULL));
	ADD(rc, build_relay(t, v));
	return rc;
}
