/* snmp/snmp_tandem_mib.c - the TANDEM-MIB subtree computed from the monitoring view: daemon
 * scalars, the children table, the VRRP instance, real server and virtual server tables, as
 * a sorted OID table (the other tables: snmp_tandem_mib_ext.c). */
#include "snmp/snmp_tandem_mib.h"

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

static int build_vrrp(struct snmp_oidtab *t, const struct snmp_view *v)
{
	snmp_subid base[] = { SNMP_TANDEM_MIB_OID, SNMP_TANDEM_OBJECTS, SNMP_TANDEM_VRRP_TABLE, 1,
	                      0 /* column */ };
	const size_t bl = sizeof(base) / sizeof(base[0]);
	snmp_subid idx[SNMP_VIEW_NAME + 1];
	unsigned char dt[11];
	int rc = 0;

	size_t *ord = snmp_tandem_row_order(v->vrrp, v->nvrrp, sizeof(*v->vrrp));
	size_t from = t->n;

	for (size_t k = 0; k < v->nvrrp; k++) {
		size_t i = ord ? ord[k] : k;
		const struct snmp_view_vrrp *vi = &v->vrrp[i];
		size_t il = snmp_tandem_name_index(idx, vi->name, SNMP_VIEW_NAME);

		if (!il)
			continue;
#define COL(c) (base[bl - 1] = (c), base), bl, idx, il
		ADD(rc, snmp_oidtab_add_int(t, COL(SNMP_TANDEM_VRRP_VRID),
		                            vi->vrid >= 0 ? vi->vrid : 0));
		ADD(rc, snmp_oidtab_add_int(t, COL(SNMP_TANDEM_VRRP_STATE), vi->state));
		ADD(rc, snmp_oidtab_add_int(t, COL(SNMP_TANDEM_VRRP_PRIORITY),
		                            vi->priority >= 0 ? vi->priority : 0));
		ADD(rc, snmp_oidtab_add_uns(t, COL(SNMP_TANDEM_VRRP_TRANSITIONS), SNMP_T_COUNTER32,
		                            vi->transitions));
		ADD(rc, snmp_oidtab_add_str(t, COL(SNMP_TANDEM_VRRP_LAST_CHANGE), dt,
		                            snmp_date_and_time(vi->last_change, dt)));
		ADD(rc, snmp_oidtab_add_str(t, COL(SNMP_TANDEM_VRRP_REASON), vi->reason,
		                            strlen(vi->reason)));
		ADD(rc, snmp_oidtab_add_str(t, COL(SNMP_TANDEM_VRRP_SYNC_GROUP), vi->group,
		                            strlen(vi->group)));
		if (vi->have_stats) {
			ADD(rc, snmp_oidtab_add_uns(t, COL(SNMP_TANDEM_VRRP_PEERS), SNMP_T_GAUGE32,
			                            vi->peers));
			ADD(rc, snmp_oidtab_add_uns(t, COL(SNMP_TANDEM_VRRP_ADVERTS_RX),
			                            SNMP_T_COUNTER64, vi->rx));
			ADD(rc, snmp_oidtab_add_uns(t, COL(SNMP_TANDEM_VRRP_ADVERTS_TX),
			                            SNMP_T_COUNTER64, vi->tx));
		}
#undef COL
	}
	free(ord);
	snmp_oidtab_group(t, from, SNMP_TANDEM_COL_DEPTH);
	return rc;
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

static size_t name_index(snmp_subid *idx, const char *name)
{
	return snmp_tandem_name_index(idx, name, SNMP_VIEW_SRV_NAME);
}

static int build_rs(struct snmp_oidtab *t, const struct snmp_view *v)
{
	snmp_subid base[] = { SNMP_TANDEM_MIB_OID, SNMP_TANDEM_OBJECTS, SNMP_TANDEM_RS_TABLE, 1,
	                      0 /* column */ };
	const size_t bl = sizeof(base) / sizeof(base[0]);
	snmp_subid idx[SNMP_VIEW_SRV_NAME + 1];
	unsigned char dt[11];
	int rc = 0;

	size_t *ord = snmp_tandem_row_order(v->rs, v->nrs, sizeof(*v->rs));
	size_t from = t->n;

	for (size_t k = 0; k < v->nrs; k++) {
		size_t i = ord ? ord[k] : k;
		const struct snmp_view_rs *r = &v->rs[i];
		size_t il = name_index(idx, r->name);

		if (!il || bl + il > SNMP_OID_MAX)
			continue;
#define COL(c) (base[bl - 1] = (c), base), bl, idx, il
		ADD(rc, snmp_oidtab_add_str(t, COL(SNMP_TANDEM_RS_VS), r->vs, strlen(r->vs)));
		ADD(rc, snmp_oidtab_add_int(t, COL(SNMP_TANDEM_RS_STATE), r->up ? SNMP_UP : SNMP_DOWN));
		ADD(rc, snmp_oidtab_add_int(t, COL(SNMP_TANDEM_RS_WEIGHT), r->weight));
		ADD(rc, snmp_oidtab_add_str(t, COL(SNMP_TANDEM_RS_REASON), r->reason,
		                            strlen(r->reason) > 255 ? 255 : strlen(r->reason)));
		ADD(rc, snmp_oidtab_add_uns(t, COL(SNMP_TANDEM_RS_TRANSITIONS), SNMP_T_COUNTER32,
		                            r->transitions));
		ADD(rc, snmp_oidtab_add_str(t, COL(SNMP_TANDEM_RS_LAST_CHANGE), dt,
		                            snmp_date_and_time(r->last_change, dt)));
		ADD(rc, snmp_oidtab_add_int(t, COL(SNMP_TANDEM_RS_CFG_WEIGHT), r->cfg_weight));
		ADD(rc, snmp_oidtab_add_int(t, COL(SNMP_TANDEM_RS_KERNEL_WEIGHT),
		                            r->have_ipvs ? r->ipvs_weight : -1));
		ADD(rc, snmp_oidtab_add_uns(t, COL(SNMP_TANDEM_RS_ACTIVE), SNMP_T_GAUGE32,
		                            r->active > 0xffffffffu ? 0xffffffffu : r->active));
		ADD(rc, snmp_oidtab_add_uns(t, COL(SNMP_TANDEM_RS_INACTIVE), SNMP_T_GAUGE32,
		                            r->inactive > 0xffffffffu ? 0xffffffffu : r->inactive));
		ADD(rc, snmp_oidtab_add_uns(t, COL(SNMP_TANDEM_RS_CONNS), SNMP_T_COUNTER64, r->conns));
		ADD(rc, snmp_oidtab_add_uns(t, COL(SNMP_TANDEM_RS_INPKTS), SNMP_T_COUNTER64,
		                            r->inpkts));
		ADD(rc, snmp_oidtab_add_uns(t, COL(SNMP_TANDEM_RS_OUTPKTS), SNMP_T_COUNTER64,
		                            r->outpkts));
		ADD(rc, snmp_oidtab_add_uns(t, COL(SNMP_TANDEM_RS_INBYTES), SNMP_T_COUNTER64,
		                            r->inbytes));
		ADD(rc, snmp_oidtab_add_uns(t, COL(SNMP_TANDEM_RS_OUTBYTES), SNMP_T_COUNTER64,
		                            r->outbytes));
		ADD(rc, snmp_oidtab_add_str(t, COL(SNMP_TANDEM_RS_SNMP_NAME), r->snmp_name,
		                            strlen(r->snmp_name)));
#undef COL
	}
	free(ord);
	snmp_oidtab_group(t, from, SNMP_TANDEM_COL_DEPTH);
	return rc;
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

static int build_vs(struct snmp_oidtab *t, const struct snmp_view *v)
{
	snmp_subid base[] = { SNMP_TANDEM_MIB_OID, SNMP_TANDEM_OBJECTS, SNMP_TANDEM_VS_TABLE, 1,
	                      0 /* column */ };
	const size_t bl = sizeof(base) / sizeof(base[0]);
	snmp_subid idx[SNMP_VIEW_SRV_NAME + 1];
	unsigned char dt[11];
	int rc = 0;
	struct vs_counts *cnt = count_rs(v);

	if (!cnt)
		return -1;
	size_t *ord = snmp_tandem_row_order(v->vs, v->nvs, sizeof(*v->vs));
	size_t from = t->n;

	for (size_t k = 0; k < v->nvs; k++) {
		size_t i = ord ? ord[k] : k;
		const struct snmp_view_vs *q = &v->vs[i];
		size_t il = name_index(idx, q->name);
		int64_t live = q->reported ? q->live_weight : cnt[i].live;
		int up = q->reported ? q->quorum_up : cnt[i].live >= 1;

		if (!il || bl + il > SNMP_OID_MAX)
			continue;
#define COL(c) (base[bl - 1] = (c), base), bl, idx, il
		ADD(rc, snmp_oidtab_add_int(t, COL(SNMP_TANDEM_VS_QUORUM), up ? SNMP_UP : SNMP_DOWN));
		ADD(rc, snmp_oidtab_add_uns(t, COL(SNMP_TANDEM_VS_LIVE_WEIGHT), SNMP_T_GAUGE32,
		                            live > 0 ? (uint64_t)live : 0));
		ADD(rc, snmp_oidtab_add_int(t, COL(SNMP_TANDEM_VS_SORRY),
		                            q->sorry ? SNMP_TRUE : SNMP_FALSE));
		ADD(rc, snmp_oidtab_add_uns(t, COL(SNMP_TANDEM_VS_TRANSITIONS), SNMP_T_COUNTER32,
		                            q->transitions));
		ADD(rc, snmp_oidtab_add_str(t, COL(SNMP_TANDEM_VS_LAST_CHANGE), dt,
		                            snmp_date_and_time(q->last_change, dt)));
		ADD(rc, snmp_oidtab_add_uns(t, COL(SNMP_TANDEM_VS_CONNS), SNMP_T_COUNTER64, q->conns));
		ADD(rc, snmp_oidtab_add_uns(t, COL(SNMP_TANDEM_VS_INPKTS), SNMP_T_COUNTER64,
		                            q->inpkts));
		ADD(rc, snmp_oidtab_add_uns(t, COL(SNMP_TANDEM_VS_OUTPKTS), SNMP_T_COUNTER64,
		                            q->outpkts));
		ADD(rc, snmp_oidtab_add_uns(t, COL(SNMP_TANDEM_VS_INBYTES), SNMP_T_COUNTER64,
		                            q->inbytes));
		ADD(rc, snmp_oidtab_add_uns(t, COL(SNMP_TANDEM_VS_OUTBYTES), SNMP_T_COUNTER64,
		                            q->outbytes));
		ADD(rc, snmp_oidtab_add_uns(t, COL(SNMP_TANDEM_VS_RS), SNMP_T_GAUGE32,
		                            cnt[i].rs));
		ADD(rc, snmp_oidtab_add_uns(t, COL(SNMP_TANDEM_VS_RS_UP), SNMP_T_GAUGE32,
		                            cnt[i].up));
		ADD(rc, snmp_oidtab_add_str(t, COL(SNMP_TANDEM_VS_SNMP_NAME), q->snmp_name,
		                            strlen(q->snmp_name)));
#undef COL
	}
	free(cnt);
	free(ord);
	snmp_oidtab_group(t, from, SNMP_TANDEM_COL_DEPTH);
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
	ADD(rc, build_vrrp(t, v));
	ADD(rc, build_rs(t, v));
	ADD(rc, build_vs(t, v));
	ADD(rc, snmp_tandem_build_ext(t, v));
	snmp_oidtab_sort(t);
	return rc;
}
