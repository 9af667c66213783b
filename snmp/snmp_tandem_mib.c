/* snmp/snmp_tandem_mib.c - the TANDEM-MIB subtree computed from the monitoring view: daemon
 * scalars, the children table, the VRRP instance, real server and virtual server tables, as
 * a sorted OID table (the other tables: snmp_tandem_mib_ext.c). */
#include "snmp/snmp_tandem_mib.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const snmp_subid snmp_tandem_mib_oid[SNMP_TANDEM_MIB_LEN] = { SNMP_TANDEM_MIB_OID };

static const char *const child_names[] = { "vrrp", "check", "sync", "snmp" };

unsigned snmp_tandem_child_index(const char *name)
{
	for (unsigned i = 0; i < sizeof(child_names) / sizeof(child_names[0]); i++)
		if (!strcmp(name, child_names[i]))
			return i + 1;
	return 0;
}

size_t snmp_date_and_time(double t, unsigned char buf[11])
{
	struct tm tm;
	time_t s = (time_t)t;
	int year;

	memset(buf, 0, 11);
	if (t <= 0 || !gmtime_r(&s, &tm))
		return 8;               /* all zeros: unknown */
	year = tm.tm_year + 1900;
	buf[0] = (unsigned char)(year >> 8);
	buf[1] = (unsigned char)year;
	buf[2] = (unsigned char)(tm.tm_mon + 1);
	buf[3] = (unsigned char)tm.tm_mday;
	buf[4] = (unsigned char)tm.tm_hour;
	buf[5] = (unsigned char)tm.tm_min;
	buf[6] = (unsigned char)(tm.tm_sec > 59 ? 59 : tm.tm_sec);
	buf[7] = (unsigned char)((t - (double)s) * 10);
	buf[8] = '+';
	buf[9] = 0;
	buf[10] = 0;
	return 11;
}

/* the view keeps its tables sorted by name (strcmp): a stable counting sort by length
 * makes that (length, octets) order in linear time */
size_t *snmp_tandem_row_order(const void *rows, size_t n, size_t esz)
{
	size_t count[SNMP_OID_MAX + 2] = { 0 }, *ord = malloc((n ? n : 1) * sizeof(*ord));
	size_t *len = malloc((n ? n : 1) * sizeof(*len)), pos = 0;

	if (!ord || !len) {
		free(ord);
		free(len);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		len[i] = strlen((const char *)rows + i * esz);
		if (len[i] > SNMP_OID_MAX)
			len[i] = SNMP_OID_MAX + 1;      /* too long for an index: skipped anyway */
		count[len[i]]++;
	}
	for (size_t l = 0; l < SNMP_OID_MAX + 2; l++) {
		size_t c = count[l];

		count[l] = pos;
		pos += c;
	}
	for (size_t i = 0; i < n; i++)
		ord[count[len[i]]++] = i;
	free(len);
	return ord;
}

static uint64_t ticks(double seconds)
{
	return seconds > 0 ? (uint64_t)(seconds * 100) : 0;
}

#define ADD(rc, expr) do { if ((expr) < 0) rc = -1; } while (0)

static int build_daemon(struct snmp_oidtab *t, const struct snmp_view *v, double age_s)
{
	const snmp_subid base[] = { SNMP_TANDEM_MIB_OID, SNMP_TANDEM_OBJECTS, SNMP_TANDEM_DAEMON };
	const size_t bl = sizeof(base) / sizeof(base[0]);
	unsigned char dt[11];
	size_t dl;
	int rc = 0;

#define SC(x) (const snmp_subid[]){ x, 0 }, 2
	ADD(rc, snmp_oidtab_add_str(t, base, bl, SC(SNMP_TANDEM_VERSION), v->version,
	                            strlen(v->version)));
	ADD(rc, snmp_oidtab_add_int(t, base, bl, SC(SNMP_TANDEM_PID), v->pid));
	dl = snmp_date_and_time(v->started, dt);
	ADD(rc, snmp_oidtab_add_str(t, base, bl, SC(SNMP_TANDEM_START_TIME), dt, dl));
	ADD(rc, snmp_oidtab_add_uns(t, base, bl, SC(SNMP_TANDEM_UPTIME), SNMP_T_TIMETICKS,
	                            ticks(v->uptime_s + age_s)));
	ADD(rc, snmp_oidtab_add_uns(t, base, bl, SC(SNMP_TANDEM_CONFIG_GENERATION),
	                            SNMP_T_GAUGE32, v->generation));
	dl = snmp_date_and_time(v->reload_time, dt);
	ADD(rc, snmp_oidtab_add_str(t, base, bl, SC(SNMP_TANDEM_LAST_RELOAD_TIME), dt, dl));
	ADD(rc, snmp_oidtab_add_int(t, base, bl, SC(SNMP_TANDEM_LAST_RELOAD_RESULT),
	                            v->reload_ok ? SNMP_RELOAD_OK : SNMP_RELOAD_FAILED));
	ADD(rc, snmp_oidtab_add_str(t, base, bl, SC(SNMP_TANDEM_LAST_RELOAD_ERROR),
	                            v->reload_error, strlen(v->reload_error)));
	ADD(rc, snmp_oidtab_add_uns(t, base, bl, SC(SNMP_TANDEM_EVENT_SEQUENCE),
	                            SNMP_T_COUNTER64, v->event_seq));
#undef SC
	return rc;
}

static int build_children(struct snmp_oidtab *t, const struct snmp_view *v, double age_s)
{
	const snmp_subid base[] = { SNMP_TANDEM_MIB_OID, SNMP_TANDEM_OBJECTS,
	                            SNMP_TANDEM_CHILD_TABLE, 1 };
	const size_t bl = sizeof(base) / sizeof(base[0]);
	int rc = 0;

	size_t from = t->n;

	for (unsigned i = 0; i < v->nchildren; i++) {
		const struct snmp_view_child *c = &v->children[i];
		unsigned idx = snmp_tandem_child_index(c->name);
		double up = c->pid > 0 ? c->uptime_s + age_s : 0;

		if (!idx)
			continue;
#define COL(x) (const snmp_subid[]){ x, idx }, 2
		ADD(rc, snmp_oidtab_add_str(t, base, bl, COL(SNMP_TANDEM_CHILD_NAME), c->name,
		                            strlen(c->name)));
		ADD(rc, snmp_oidtab_add_int(t, base, bl, COL(SNMP_TANDEM_CHILD_PID), c->pid));
		ADD(rc, snmp_oidtab_add_int(t, base, bl, COL(SNMP_TANDEM_CHILD_STATE), c->state));
		ADD(rc, snmp_oidtab_add_uns(t, base, bl, COL(SNMP_TANDEM_CHILD_RESTARTS),
		                            SNMP_T_COUNTER32, c->restarts));
		ADD(rc, snmp_oidtab_add_uns(t, base, bl, COL(SNMP_TANDEM_CHILD_GENERATION),
		                            SNMP_T_GAUGE32, c->generation));
		ADD(rc, snmp_oidtab_add_uns(t, base, bl, COL(SNMP_TANDEM_CHILD_UPTIME),
		                            SNMP_T_TIMETICKS, ticks(up)));
#undef COL
	}
	snmp_oidtab_group(t, from, SNMP_TANDEM_COL_DEPTH);
	return rc;
}

size_t snmp_tandem_vrrp_oid(snmp_subid *out, int column, const char *name)
{
	return snmp_tandem_row_oid(out, SNMP_TANDEM_VRRP_TABLE, column, name);
}

size_t snmp_tandem_row_oid(snmp_subid *out, int table, int column, const char *name)
{
	const snmp_subid base[] = { SNMP_TANDEM_MIB_OID, SNMP_TANDEM_OBJECTS,
	                            (snmp_subid)table, 1 };
	size_t bl = sizeof(base) / sizeof(base[0]), nl = strlen(name);

	if (!nl || bl + 2 + nl > SNMP_OID_MAX)
		return 0;
	memcpy(out, base, sizeof(base));
	out[bl] = (snmp_subid)column;
	out[bl + 1] = nl;
	for (size_t i = 0; i < nl; i++)
		out[bl + 2 + i] = (unsigned char)name[i];
	return bl + 2 + nl;
}

int snmp_tandem_build_rows(struct snmp_oidtab *t, int table, const void *rows, size_t n,
                           size_t esz, size_t max_name, snmp_tandem_cells_fn *cells,
                           const void *ctx)
{
	struct snmp_tandem_row r = { t, { SNMP_TANDEM_MIB_OID, SNMP_TANDEM_OBJECTS,
	                                  (snmp_subid)table, 1, 0 /* column */ },
	                             SNMP_TANDEM_MIB_LEN + 4, 0, { 0 }, 0 };
	size_t *ord = snmp_tandem_row_order(rows, n, esz);
	size_t from = t->n;

	if (max_name > SNMP_OID_MAX)
		max_name = SNMP_OID_MAX;
	for (size_t k = 0; k < n; k++) {
		size_t i = ord ? ord[k] : k;
		const char *row = (const char *)rows + i * esz;

		r.il = snmp_tandem_name_index(r.idx, row, max_name);
		if (r.il && r.bl + r.il <= SNMP_OID_MAX)
			cells(&r, row, i, ctx);
	}
	free(ord);
	snmp_oidtab_group(t, from, SNMP_TANDEM_COL_DEPTH);
	return r.rc;
}

/* the row's base with column col */
static const snmp_subid *col_base(struct snmp_tandem_row *r, int col)
{
	r->base[r->bl - 1] = (snmp_subid)col;
	return r->base;
}

void snmp_tandem_cell_int(struct snmp_tandem_row *r, int col, int64_t v)
{
	ADD(r->rc, snmp_oidtab_add_int(r->t, col_base(r, col), r->bl, r->idx, r->il, v));
}

void snmp_tandem_cell_uns(struct snmp_tandem_row *r, int col, uint8_t type, uint64_t v)
{
	ADD(r->rc, snmp_oidtab_add_uns(r->t, col_base(r, col), r->bl, r->idx, r->il, type, v));
}

void snmp_tandem_cell_str(struct snmp_tandem_row *r, int col, const char *s, size_t max)
{
	size_t len = strlen(s);

	ADD(r->rc, snmp_oidtab_add_str(r->t, col_base(r, col), r->bl, r->idx, r->il, s,
	                               len > max ? max : len));
}

void snmp_tandem_cell_change(struct snmp_tandem_row *r, int col, uint64_t transitions,
                             double last_change)
{
	unsigned char dt[11];
	size_t dl = snmp_date_and_time(last_change, dt);

	snmp_tandem_cell_uns(r, col, SNMP_T_COUNTER32, transitions);
	ADD(r->rc, snmp_oidtab_add_str(r->t, col_base(r, col + 1), r->bl, r->idx, r->il, dt, dl));
}

void snmp_tandem_cell_traffic(struct snmp_tandem_row *r, int col, uint64_t conns,
                              uint64_t inpkts, uint64_t outpkts, uint64_t inbytes,
                              uint64_t outbytes)
{
	const uint64_t v[] = { conns, inpkts, outpkts, inbytes, outbytes };

	for (int k = 0; k < 5; k++)
		snmp_tandem_cell_uns(r, col + k, SNMP_T_COUNTER64, v[k]);
}

static void vrrp_cells(struct snmp_tandem_row *r, const void *row, size_t i, const void *ctx)
{
	const struct snmp_view_vrrp *vi = row;

	snmp_tandem_cell_int(r, SNMP_TANDEM_VRRP_VRID, vi->vrid >= 0 ? vi->vrid : 0);
	snmp_tandem_cell_int(r, SNMP_TANDEM_VRRP_STATE, vi->state);
	snmp_tandem_cell_int(r, SNMP_TANDEM_VRRP_PRIORITY, vi->priority >= 0 ? vi->priority : 0);
	snmp_tandem_cell_change(r, SNMP_TANDEM_VRRP_TRANSITIONS, vi->transitions, vi->last_change);
	snmp_tandem_cell_str(r, SNMP_TANDEM_VRRP_REASON, vi->reason, SIZE_MAX);
	snmp_tandem_cell_str(r, SNMP_TANDEM_VRRP_SYNC_GROUP, vi->group, SIZE_MAX);
	if (vi->have_stats) {
		snmp_tandem_cell_uns(r, SNMP_TANDEM_VRRP_PEERS, SNMP_T_GAUGE32, vi->peers);
		snmp_tandem_cell_uns(r, SNMP_TANDEM_VRRP_ADVERTS_RX, SNMP_T_COUNTER64, vi->rx);
		snmp_tandem_cell_uns(r, SNMP_TANDEM_VRRP_ADVERTS_TX, SNMP_T_COUNTER64, vi->tx);
	}
}

size_t snmp_tandem_name_index(snmp_subid *idx, const char *name, size_t max)
{
	size_t nl = strlen(name);

	if (!nl || nl > max)
		return 0;
	idx[0] = nl;
	for (size_t k = 0; k < nl; k++)
		idx[k + 1] = (unsigned char)name[k];
	return nl + 1;
}

static void rs_cells(struct snmp_tandem_row *r, const void *row, size_t i, const void *ctx)
{
	const struct snmp_view_rs *rs = row;

	snmp_tandem_cell_str(r, SNMP_TANDEM_RS_VS, rs->vs, SIZE_MAX);
	snmp_tandem_cell_int(r, SNMP_TANDEM_RS_STATE, rs->up ? SNMP_UP : SNMP_DOWN);
	snmp_tandem_cell_int(r, SNMP_TANDEM_RS_WEIGHT, rs->weight);
	snmp_tandem_cell_str(r, SNMP_TANDEM_RS_REASON, rs->reason, 255);
	snmp_tandem_cell_change(r, SNMP_TANDEM_RS_TRANSITIONS, rs->transitions, rs->last_change);
	snmp_tandem_cell_int(r, SNMP_TANDEM_RS_CFG_WEIGHT, rs->cfg_weight);
	snmp_tandem_cell_int(r, SNMP_TANDEM_RS_KERNEL_WEIGHT, rs->have_ipvs ? rs->ipvs_weight : -1);
	snmp_tandem_cell_uns(r, SNMP_TANDEM_RS_ACTIVE, SNMP_T_GAUGE32,
	                     rs->active > 0xffffffffu ? 0xffffffffu : rs->active);
	snmp_tandem_cell_uns(r, SNMP_TANDEM_RS_INACTIVE, SNMP_T_GAUGE32,
	                     rs->inactive > 0xffffffffu ? 0xffffffffu : rs->inactive);
	snmp_tandem_cell_traffic(r, SNMP_TANDEM_RS_CONNS, rs->conns, rs->inpkts, rs->outpkts,
	                         rs->inbytes, rs->outbytes);
	snmp_tandem_cell_str(r, SNMP_TANDEM_RS_SNMP_NAME, rs->snmp_name, SIZE_MAX);
}

struct vs_counts {
	uint64_t rs, up;
	int64_t live;
};

/* per virtual server (view order): its real servers, those up, their live weight; one
 * pass over the real servers (a binary search each), NULL without memory */
static struct vs_counts *count_rs(const struct snmp_view *v)
{
	struct vs_counts *c = calloc(v->nvs ? v->nvs : 1, sizeof(*c));

	if (!c)
		return NULL;
	for (size_t i = 0; i < v->nrs; i++) {
		const struct snmp_view_rs *r = &v->rs[i];
		const struct snmp_view_vs *q = snmp_view_vs_find(v, r->vs);

		if (!q)
			continue;
		c[q - v->vs].rs++;
		if (r->up) {
			c[q - v->vs].up++;
			if (r->weight > 0)
				c[q - v->vs].live += r->weight;
		}
	}
	return c;
}

/* ctx: the virtual servers' counts (count_rs) */
static void vs_cells(struct snmp_tandem_row *r, const void *row, size_t i, const void *ctx)
{
	const struct snmp_view_vs *q = row;
	const struct vs_counts *cnt = ctx;
	int64_t live = q->reported ? q->live_weight : cnt[i].live;
	int up = q->reported ? q->quorum_up : cnt[i].live >= 1;

	snmp_tandem_cell_int(r, SNMP_TANDEM_VS_QUORUM, up ? SNMP_UP : SNMP_DOWN);
	snmp_tandem_cell_uns(r, SNMP_TANDEM_VS_LIVE_WEIGHT, SNMP_T_GAUGE32,
	                     live > 0 ? (uint64_t)live : 0);
	snmp_tandem_cell_int(r, SNMP_TANDEM_VS_SORRY, q->sorry ? SNMP_TRUE : SNMP_FALSE);
	snmp_tandem_cell_change(r, SNMP_TANDEM_VS_TRANSITIONS, q->transitions, q->last_change);
	snmp_tandem_cell_traffic(r, SNMP_TANDEM_VS_CONNS, q->conns, q->inpkts, q->outpkts,
	                         q->inbytes, q->outbytes);
	snmp_tandem_cell_uns(r, SNMP_TANDEM_VS_RS, SNMP_T_GAUGE32, cnt[i].rs);
	snmp_tandem_cell_uns(r, SNMP_TANDEM_VS_RS_UP, SNMP_T_GAUGE32, cnt[i].up);
	snmp_tandem_cell_str(r, SNMP_TANDEM_VS_SNMP_NAME, q->snmp_name, SIZE_MAX);
}

static int build_vs(struct snmp_oidtab *t, const struct snmp_view *v)
{
	struct vs_counts *cnt = count_rs(v);
	int rc;

	if (!cnt)
		return -1;
	rc = snmp_tandem_build_rows(t, SNMP_TANDEM_VS_TABLE, v->vs, v->nvs, sizeof(*v->vs),
	                            SNMP_VIEW_SRV_NAME, vs_cells, cnt);
	free(cnt);
	return rc;
}

void snmp_tandem_refresh_times(struct snmp_oidtab *t, const struct snmp_view *v, double age_s)
{
	snmp_subid o[] = { SNMP_TANDEM_MIB_OID, SNMP_TANDEM_OBJECTS, SNMP_TANDEM_DAEMON,
	                   SNMP_TANDEM_UPTIME, 0 };
	snmp_subid c[] = { SNMP_TANDEM_MIB_OID, SNMP_TANDEM_OBJECTS, SNMP_TANDEM_CHILD_TABLE, 1,
	                   SNMP_TANDEM_CHILD_UPTIME, 0 };

	if (!v->have_status)
		return;
	snmp_oidtab_set_uns(t, o, sizeof(o) / sizeof(o[0]), ticks(v->uptime_s + age_s));
	for (unsigned i = 0; i < v->nchildren; i++) {
		const struct snmp_view_child *ch = &v->children[i];

		c[sizeof(c) / sizeof(c[0]) - 1] = snmp_tandem_child_index(ch->name);
		snmp_oidtab_set_uns(t, c, sizeof(c) / sizeof(c[0]),
		                    ticks(ch->pid > 0 ? ch->uptime_s + age_s : 0));
	}
}

int snmp_tandem_build(struct snmp_oidtab *t, const struct snmp_view *v, double age_s)
{
	int rc = 0;

	snmp_oidtab_clear(t);
	if (v->have_status) {
		ADD(rc, build_daemon(t, v, age_s));
		ADD(rc, build_children(t, v, age_s));
	}
	ADD(rc, snmp_tandem_build_rows(t, SNMP_TANDEM_VRRP_TABLE, v->vrrp, v->nvrrp,
	                               sizeof(*v->vrrp), SNMP_VIEW_NAME, vrrp_cells, NULL));
	ADD(rc, snmp_tandem_build_rows(t, SNMP_TANDEM_RS_TABLE, v->rs, v->nrs, sizeof(*v->rs),
	                               SNMP_VIEW_SRV_NAME, rs_cells, NULL));
	ADD(rc, build_vs(t, v));
	ADD(rc, snmp_tandem_build_ext(t, v));
	snmp_oidtab_sort(t);
	return rc;
}
