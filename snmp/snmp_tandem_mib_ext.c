/* snmp/snmp_tandem_mib_ext.c - the rest of the TANDEM-MIB subtree: VRRP drops by reason,
 * sync groups, checkers, the sync relay scalars and its peers (see snmp_tandem_mib.h). */
#include "snmp/snmp_tandem_mib.h"

#include <stdlib.h>
#include <string.h>

#define ADD(rc, expr) do { if ((expr) < 0) rc = -1; } while (0)
#define NB(a) (sizeof(a) / sizeof((a)[0]))

static size_t trunc_len(const char *s, size_t max)
{
	size_t n = strlen(s);

	return n > max ? max : n;
}

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

static int build_groups(struct snmp_oidtab *t, const struct snmp_view *v)
{
	snmp_subid base[] = { SNMP_TANDEM_MIB_OID, SNMP_TANDEM_OBJECTS, SNMP_TANDEM_GROUP_TABLE, 1,
	                      0 };
	snmp_subid idx[SNMP_VIEW_NAME + 1];
	unsigned char dt[11];
	int rc = 0;

	size_t *ord = snmp_tandem_row_order(v->grp, v->ngrp, sizeof(*v->grp));
	size_t from = t->n;

	for (size_t k = 0; k < v->ngrp; k++) {
		size_t i = ord ? ord[k] : k;
		const struct snmp_view_group *g = &v->grp[i];
		size_t il = snmp_tandem_name_index(idx, g->name, SNMP_VIEW_NAME);

		if (!il)
			continue;
#define COL(c) (base[NB(base) - 1] = (c), base), NB(base), idx, il
		ADD(rc, snmp_oidtab_add_int(t, COL(SNMP_TANDEM_GROUP_STATE), g->state));
		ADD(rc, snmp_oidtab_add_str(t, COL(SNMP_TANDEM_GROUP_TRIGGER), g->trigger,
		                            strlen(g->trigger)));
		ADD(rc, snmp_oidtab_add_str(t, COL(SNMP_TANDEM_GROUP_REASON), g->reason,
		                            strlen(g->reason)));
		ADD(rc, snmp_oidtab_add_uns(t, COL(SNMP_TANDEM_GROUP_TRANSITIONS), SNMP_T_COUNTER32,
		                            g->transitions));
		ADD(rc, snmp_oidtab_add_str(t, COL(SNMP_TANDEM_GROUP_LAST_CHANGE), dt,
		                            snmp_date_and_time(g->last_change, dt)));
#undef COL
	}
	free(ord);
	snmp_oidtab_group(t, from, SNMP_TANDEM_COL_DEPTH);
	return rc;
}

static int build_checkers(struct snmp_oidtab *t, const struct snmp_view *v)
{
	snmp_subid base[] = { SNMP_TANDEM_MIB_OID, SNMP_TANDEM_OBJECTS, SNMP_TANDEM_CHK_TABLE, 1,
	                      0 };
	snmp_subid idx[SNMP_VIEW_SRV_NAME + 1];
	unsigned char dt[11];
	int rc = 0;

	size_t *ord = snmp_tandem_row_order(v->chk, v->nchk, sizeof(*v->chk));
	size_t from = t->n;

	for (size_t k = 0; k < v->nchk; k++) {
		size_t i = ord ? ord[k] : k;
		const struct snmp_view_chk *c = &v->chk[i];
		size_t il = snmp_tandem_name_index(idx, c->name, 100);
		double us = c->latency_ms * 1000.0;

		if (!il || NB(base) + il > SNMP_OID_MAX)
			continue;
#define COL(c) (base[NB(base) - 1] = (c), base), NB(base), idx, il
		ADD(rc, snmp_oidtab_add_str(t, COL(SNMP_TANDEM_CHK_TYPE), c->kind, strlen(c->kind)));
		ADD(rc, snmp_oidtab_add_str(t, COL(SNMP_TANDEM_CHK_TARGET), c->target,
		                            trunc_len(c->target, 100)));
		ADD(rc, snmp_oidtab_add_int(t, COL(SNMP_TANDEM_CHK_RESULT), c->ok ? 1 : 2));
		ADD(rc, snmp_oidtab_add_str(t, COL(SNMP_TANDEM_CHK_REASON), c->reason,
		                            trunc_len(c->reason, 127)));
		ADD(rc, snmp_oidtab_add_uns(t, COL(SNMP_TANDEM_CHK_LATENCY), SNMP_T_GAUGE32,
		                            us <= 0 ? 0 : us > 4294967295.0 ? 4294967295u :
		                            (uint64_t)us));
		ADD(rc, snmp_oidtab_add_uns(t, COL(SNMP_TANDEM_CHK_REFS), SNMP_T_GAUGE32, c->refs));
		ADD(rc, snmp_oidtab_add_uns(t, COL(SNMP_TANDEM_CHK_TRANSITIONS), SNMP_T_COUNTER32,
		                            c->transitions));
		ADD(rc, snmp_oidtab_add_str(t, COL(SNMP_TANDEM_CHK_LAST_CHANGE), dt,
		                            snmp_date_and_time(c->last_change, dt)));
#undef COL
	}
	free(ord);
	snmp_oidtab_group(t, from, SNMP_TANDEM_COL_DEPTH);
	return rc;
}

static int build_relay(struct snmp_oidtab *t, const struct snmp_view *v)
{
	const snmp_subid base[] = { SNMP_TANDEM_MIB_OID, SNMP_TANDEM_OBJECTS, SNMP_TANDEM_RELAY };
	snmp_subid pbase[] = { SNMP_TANDEM_MIB_OID, SNMP_TANDEM_OBJECTS, SNMP_TANDEM_PEER_TABLE, 1,
	                       0 };
	snmp_subid idx[SNMP_VIEW_NAME + 1];
	unsigned char dt[11];
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
	size_t *ord = snmp_tandem_row_order(v->peer, v->npeer, sizeof(*v->peer));
	size_t from = t->n;

	for (size_t k = 0; k < v->npeer; k++) {
		const struct snmp_view_peer *p = &v->peer[ord ? ord[k] : k];
		size_t il = snmp_tandem_name_index(idx, p->name, SNMP_VIEW_NAME);

		if (!il)
			continue;
#define COL(c) (pbase[NB(pbase) - 1] = (c), pbase), NB(pbase), idx, il
		ADD(rc, snmp_oidtab_add_int(t, COL(SNMP_TANDEM_PEER_STATE), p->up ? SNMP_UP : SNMP_DOWN));
		ADD(rc, snmp_oidtab_add_str(t, COL(SNMP_TANDEM_PEER_REASON), p->reason,
		                            strlen(p->reason)));
		ADD(rc, snmp_oidtab_add_uns(t, COL(SNMP_TANDEM_PEER_TRANSITIONS), SNMP_T_COUNTER32,
		                            p->transitions));
		ADD(rc, snmp_oidtab_add_str(t, COL(SNMP_TANDEM_PEER_LAST_CHANGE), dt,
		                            snmp_date_and_time(p->last_change, dt)));
#undef COL
	}
	free(ord);
	snmp_oidtab_group(t, from, SNMP_TANDEM_COL_DEPTH);
	return rc;
}

int snmp_tandem_build_ext(struct snmp_oidtab *t, const struct snmp_view *v)
{
	int rc = 0;

	ADD(rc, build_drops(t, v));
	ADD(rc, build_groups(t, v));
	ADD(rc, build_checkers(t, v));
	ADD(rc, build_relay(t, v));
	return rc;
}
