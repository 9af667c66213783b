/* snmp/snmp_vrrp_mib.c - VRRP-MIB and VRRPv3-MIB contents from the polled VRRP facts and
 * the monitoring view (see snmp_vrrp_mib.h). Rows, columns and values follow the RFCs and,
 * where they leave room, what keepalived 2.2.7 answers for the same setup; the deliberate
 * differences are listed in docs/monitoring.md. */
#include "snmp/snmp_vrrp_mib.h"
#include "lib/json_get.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const snmp_subid snmp_vrrp_mib_oid[SNMP_VRRP_MIB_LEN] = { SNMP_VRRP_MIB_OID };
const snmp_subid snmp_vrrpv3_mib_oid[SNMP_VRRP_MIB_LEN] = { SNMP_VRRPV3_MIB_OID };

#define TV_TRUE 1
#define TV_FALSE 2

void snmp_vrrp_set_init(struct snmp_vrrp_set *s)
{
	memset(s, 0, sizeof(*s));
}

void snmp_vrrp_set_clear(struct snmp_vrrp_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->rows[i].vips);
	s->n = 0;
}

void snmp_vrrp_set_free(struct snmp_vrrp_set *s)
{
	snmp_vrrp_set_clear(s);
	free(s->rows);
	snmp_vrrp_set_init(s);
}

static int64_t jint(json_object *o, const char *k, int64_t dflt)
{
	return tdm_json_int(o, k, dflt);
}

static uint64_t juns(json_object *o, const char *k)
{
	return tdm_json_u64(o, k);
}

/* address text of the row's family into b[16]; 1 if it parsed */
static int addr_of(json_object *o, const char *k, int family, uint8_t b[16])
{
	const char *s = tdm_json_str(o, k);

	memset(b, 0, 16);
	return s && inet_pton(family == 6 ? AF_INET6 : AF_INET, s, b) == 1;
}

static int parse_row(struct snmp_vrrp_row *r, json_object *o)
{
	const char *name = tdm_json_str(o, "name"), *st = tdm_json_str(o, "state"), *mac = tdm_json_str(o, "mac"), *e;
	json_object *a, *c;
	size_t n;

	memset(r, 0, sizeof(*r));
	if (!name || strlen(name) >= sizeof(r->name))
		return -1;
	strcpy(r->name, name);
	r->vrid = (int)jint(o, "vrid", 0);
	r->version = (int)jint(o, "version", 0);
	r->family = (int)jint(o, "family", 4);
	r->ifindex = (int)jint(o, "ifindex", 0);
	for (int i = 0; mac && strlen(mac) == 12 && i < 6; i++) {
		char h[3] = { mac[2 * i], mac[2 * i + 1], 0 };

		r->mac[i] = (uint8_t)strtoul(h, NULL, 16);
	}
	r->state = st ? snmp_vrrp_state_parse(st) : 0;
	r->prio = (int)jint(o, "prio", 0);
	if (json_object_object_get_ex(o, "vips", &a) && json_object_is_type(a, json_type_array) &&
	    (n = json_object_array_length(a)) > 0) {
		r->vips = calloc(n, sizeof(*r->vips));
		if (!r->vips)
			return -1;
		for (size_t i = 0; i < n; i++) {
			const char *s = json_object_get_string(json_object_array_get_idx(a, i));

			if (s && inet_pton(r->family == 6 ? AF_INET6 : AF_INET, s,
			                   r->vips[r->nvips]) == 1)
				r->nvips++;
		}
	}
	r->has_primary = (uint8_t)addr_of(o, "primary", r->family, r->primary);
	r->has_master = (uint8_t)addr_of(o, "master", r->family, r->master);
	r->has_last_heard = (uint8_t)addr_of(o, "last_heard", r->family, r->last_heard);
	r->adv_cs = (int)jint(o, "adv_cs", 100);
	r->preempt = (int)jint(o, "preempt", 1);
	r->accept = (int)jint(o, "accept", 1);
	r->auth = (int)jint(o, "auth", 0);
	if (json_object_object_get_ex(o, "up_s", &a) && a)
		r->up_s = json_object_get_double(a);
	if (json_object_object_get_ex(o, "c", &c) && c) {
		r->c.rx = juns(c, "rx");
		r->c.become_master = juns(c, "become_master");
		r->c.adv_int_err = juns(c, "adv_int_err");
		r->c.auth_fail = juns(c, "auth_fail");
		r->c.ttl_err = juns(c, "ttl_err");
		r->c.prio0_rx = juns(c, "prio0_rx");
		r->c.prio0_tx = juns(c, "prio0_tx");
		r->c.inv_type = juns(c, "inv_type");
		r->c.addr_list_err = juns(c, "addr_list_err");
		r->c.inv_auth_type = juns(c, "inv_auth_type");
		r->c.auth_mismatch = juns(c, "auth_mismatch");
		r->c.len_err = juns(c, "len_err");
		r->c.csum_err = juns(c, "csum_err");
		r->c.ver_err = juns(c, "ver_err");
	}
	if ((e = tdm_json_str(o, "master_reason")))
		snprintf(r->master_reason, sizeof(r->master_reason), "%s", e);
	if ((e = tdm_json_str(o, "last_err")))
		snprintf(r->last_err, sizeof(r->last_err), "%s", e);
	addr_of(o, "last_err_src", r->family, r->last_err_src);
	return 0;
}

int snmp_vrrp_set_add_page(struct snmp_vrrp_set *s, json_object *reply)
{
	json_object *a;
	size_t n;

	if (!json_object_object_get_ex(reply, "instances", &a) ||
	    !json_object_is_type(a, json_type_array))
		return -1;
	n = json_object_array_length(a);
	for (size_t i = 0; i < n; i++) {
		if (s->n == s->cap) {
			size_t nc = s->cap ? s->cap * 2 : 16;
			struct snmp_vrrp_row *nr = realloc(s->rows, nc * sizeof(*nr));

			if (!nr)
				return -1;
			s->rows = nr;
			s->cap = nc;
		}
		if (parse_row(&s->rows[s->n], json_object_array_get_idx(a, i)) < 0) {
			free(s->rows[s->n].vips);
			continue;
		}
		s->n++;
	}
	return 0;
}

const struct snmp_vrrp_row *snmp_vrrp_set_find(const struct snmp_vrrp_set *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->rows[i].name, name))
			return &s->rows[i];
	return NULL;
}

int snmp_vrrp_in_v2(const struct snmp_vrrp_row *r)
{
	return r->version == 2 && r->family == 4 && r->nvips > 0 && r->ifindex > 0;
}

int snmp_vrrp_in_v3(const struct snmp_vrrp_row *r)
{
	/* VRRPv2 instances too, as keepalived answers (its Debian build) */
	return r->nvips > 0 && r->ifindex > 0;
}

int snmp_vrrp_oper_state(const struct snmp_vrrp_row *r, const struct snmp_view *v)
{
	const struct snmp_view_vrrp *vi = v ? snmp_view_vrrp_find(v, r->name) : NULL;
	int st = vi && vi->state ? vi->state : r->state;

	return st == SNMP_VRRP_BACKUP ? 2 : st == SNMP_VRRP_MASTER ? 3 : 1;
}

static int reason_code(const char *reason)
{
	static const char *const preempted[] = { "higher_priority", "equal_priority_higher_address",
	                                         "preempt_delay", "admin_promote" };

	/* the address owner, or the master gave up (priority 0): priority, as keepalived */
	if (!strcmp(reason, "owner") || !strcmp(reason, "master_left"))
		return 1;
	for (size_t i = 0; i < sizeof(preempted) / sizeof(preempted[0]); i++)
		if (!strcmp(reason, preempted[i]))
			return 2;
	return 3;                   /* master_down, startup, group_master, ... */
}

int snmp_vrrp_master_reason(const struct snmp_vrrp_row *r, const struct snmp_view *v)
{
	const struct snmp_view_vrrp *vi = v ? snmp_view_vrrp_find(v, r->name) : NULL;

	if (vi && vi->state == SNMP_VRRP_MASTER)
		return reason_code(vi->reason);
	if (r->master_reason[0])
		return reason_code(r->master_reason);
	return r->state == SNMP_VRRP_MASTER ? 3 : 0;
}

int snmp_vrrp_proto_err(const struct snmp_vrrp_row *r)
{
	if (!strcmp(r->last_err, "ttl"))
		return SNMP_V3ERR_TTL;
	if (!strcmp(r->last_err, "version") || !strcmp(r->last_err, "version_mismatch"))
		return SNMP_V3ERR_VERSION;
	if (!strcmp(r->last_err, "checksum"))
		return SNMP_V3ERR_CHECKSUM;
	return SNMP_V3ERR_NONE;
}

int snmp_vrrp_auth_err(const struct snmp_vrrp_row *r)
{
	if (!strcmp(r->last_err, "auth_type_invalid"))
		return SNMP_V2AUTH_INVALID_TYPE;
	if (!strcmp(r->last_err, "auth_type"))
		return SNMP_V2AUTH_TYPE_MISMATCH;
	if (!strcmp(r->last_err, "auth_pass") || !strcmp(r->last_err, "ah_icv") ||
	    !strcmp(r->last_err, "ah_spi") || !strcmp(r->last_err, "ah_replay"))
		return SNMP_V2AUTH_FAILURE;
	return 0;
}

#define ADD(rc, expr) do { if ((expr) < 0) rc = -1; } while (0)

static int add_ip(struct snmp_oidtab *t, const snmp_subid *base, size_t bl,
                  const snmp_subid *idx, size_t il, const uint8_t a[4])
{
	if (snmp_oidtab_add_str(t, base, bl, idx, il, a, 4) < 0)
		return -1;
	t->ents[t->n - 1].type = SNMP_T_IPADDRESS;
	return 0;
}

static size_t alen(const struct snmp_vrrp_row *r)
{
	return r->family == 6 ? 16 : 4;
}

/* ---- VRRP-MIB ---- */

size_t snmp_vrrp_v2_oper_oid(snmp_subid *out, int column, const struct snmp_vrrp_row *r)
{
	const snmp_subid o[] = { SNMP_VRRP_MIB_OID, 1, 3, 1, (snmp_subid)column,
	                         (snmp_subid)r->ifindex, (snmp_subid)r->vrid };

	memcpy(out, o, sizeof(o));
	return sizeof(o) / sizeof(o[0]);
}

static int build_v2_row(struct snmp_oidtab *t, const struct snmp_vrrp_row *r,
                        const struct snmp_view *v, double up_base_s)
{
	snmp_subid op[] = { SNMP_VRRP_MIB_OID, 1, 3, 1, 0 };
	snmp_subid st[] = { SNMP_VRRP_MIB_OID, 2, 4, 1, 0 };
	snmp_subid as[] = { SNMP_VRRP_MIB_OID, 1, 4, 1, 2 };
	const size_t ol = sizeof(op) / sizeof(op[0]), sl = sizeof(st) / sizeof(st[0]);
	const snmp_subid idx[2] = { (snmp_subid)r->ifindex, (snmp_subid)r->vrid };
	const uint8_t zero[4] = { 0 };
	int state = snmp_vrrp_oper_state(r, v), rc = 0;
	double up = state != 1 && r->up_s > 0 ? up_base_s - r->up_s : 0;

#define OC(c) (op[ol - 1] = (c), op), ol, idx, 2
	ADD(rc, snmp_oidtab_add_str(t, OC(2), r->mac, 6));
	ADD(rc, snmp_oidtab_add_int(t, OC(3), state));
	ADD(rc, snmp_oidtab_add_int(t, OC(4), 1));              /* admin state up */
	ADD(rc, snmp_oidtab_add_int(t, OC(5), r->prio));
	ADD(rc, snmp_oidtab_add_int(t, OC(6), (int64_t)r->nvips));
	ADD(rc, add_ip(t, OC(7), r->has_last_heard ? r->last_heard : zero));
	ADD(rc, add_ip(t, OC(8), r->has_primary ? r->primary : zero));
	ADD(rc, snmp_oidtab_add_int(t, OC(9), r->auth + 1));
	ADD(rc, snmp_oidtab_add_int(t, OC(11), r->adv_cs / 100));
	ADD(rc, snmp_oidtab_add_int(t, OC(12), r->preempt ? TV_TRUE : TV_FALSE));
	ADD(rc, snmp_oidtab_add_uns(t, OC(13), SNMP_T_TIMETICKS,
	                            up > 0 ? (uint64_t)(up * 100) : 0));
	ADD(rc, snmp_oidtab_add_int(t, OC(14), 1));             /* ip */
	ADD(rc, snmp_oidtab_add_int(t, OC(15), 1));             /* active */
#undef OC
	for (size_t i = 0; i < r->nvips; i++) {
		snmp_subid ai[6] = { (snmp_subid)r->ifindex, (snmp_subid)r->vrid, r->vips[i][0],
		                     r->vips[i][1], r->vips[i][2], r->vips[i][3] };

		ADD(rc, snmp_oidtab_add_int(t, as, sizeof(as) / sizeof(as[0]), ai, 6, 1));
	}
#define SC(c) (st[sl - 1] = (c), st), sl, idx, 2, SNMP_T_COUNTER32
	ADD(rc, snmp_oidtab_add_uns(t, SC(1), r->c.become_master));
	ADD(rc, snmp_oidtab_add_uns(t, SC(2), r->c.rx));
	ADD(rc, snmp_oidtab_add_uns(t, SC(3), r->c.adv_int_err));
	ADD(rc, snmp_oidtab_add_uns(t, SC(4), r->c.auth_fail));
	ADD(rc, snmp_oidtab_add_uns(t, SC(5), r->c.ttl_err));
	ADD(rc, snmp_oidtab_add_uns(t, SC(6), r->c.prio0_rx));
	ADD(rc, snmp_oidtab_add_uns(t, SC(7), r->c.prio0_tx));
	ADD(rc, snmp_oidtab_add_uns(t, SC(8), r->c.inv_type));
	ADD(rc, snmp_oidtab_add_uns(t, SC(9), r->c.addr_list_err));
	ADD(rc, snmp_oidtab_add_uns(t, SC(10), r->c.inv_auth_type));
	ADD(rc, snmp_oidtab_add_uns(t, SC(11), r->c.auth_mismatch));
	ADD(rc, snmp_oidtab_add_uns(t, SC(12), r->c.len_err));
#undef SC
	return rc;
}

int snmp_vrrp_build_v2(struct snmp_oidtab *t, const struct snmp_vrrp_set *s,
                       const struct snmp_view *v, int traps, double up_base_s)
{
	const snmp_subid ops[] = { SNMP_VRRP_MIB_OID, 1 }, stats[] = { SNMP_VRRP_MIB_OID, 2 };
	const size_t bl = sizeof(ops) / sizeof(ops[0]);
	uint64_t csum = 0, ver = 0;
	int rc = 0;

	snmp_oidtab_clear(t);
	ADD(rc, snmp_oidtab_add_int(t, ops, bl, (const snmp_subid[]){ 1, 0 }, 2, 2));
	ADD(rc, snmp_oidtab_add_int(t, ops, bl, (const snmp_subid[]){ 2, 0 }, 2,
	                            traps ? 1 : 2));
	for (size_t i = 0; i < s->n; i++) {
		if (!snmp_vrrp_in_v2(&s->rows[i]))
			continue;
		csum += s->rows[i].c.csum_err;
		ver += s->rows[i].c.ver_err;
		ADD(rc, build_v2_row(t, &s->rows[i], v, up_base_s));
	}
	ADD(rc, snmp_oidtab_add_uns(t, stats, bl, (const snmp_subid[]){ 1, 0 }, 2,
	                            SNMP_T_COUNTER32, csum));
	ADD(rc, snmp_oidtab_add_uns(t, stats, bl, (const snmp_subid[]){ 2, 0 }, 2,
	                            SNMP_T_COUNTER32, ver));
	/* adverts for a VRID no instance has: not counted (docs/monitoring.md) */
	ADD(rc, snmp_oidtab_add_uns(t, stats, bl, (const snmp_subid[]){ 3, 0 }, 2,
	                            SNMP_T_COUNTER32, 0));
	snmp_oidtab_sort(t);
	return rc;
}

/* ---- VRRPv3-MIB ---- */

static size_t v3_oid(snmp_subid *out, int a, int b, int column, const struct snmp_vrrp_row *r)
{
	const snmp_subid o[] = { SNMP_VRRPV3_MIB_OID, 1, (snmp_subid)a, (snmp_subid)b, 1,
	                         (snmp_subid)column, (snmp_subid)r->ifindex, (snmp_subid)r->vrid,
	                         r->family == 6 ? 2 : 1 };

	memcpy(out, o, sizeof(o));
	return sizeof(o) / sizeof(o[0]);
}

size_t snmp_vrrp_v3_oper_oid(snmp_subid *out, int column, const struct snmp_vrrp_row *r)
{
	return v3_oid(out, 1, 1, column, r);
}

size_t snmp_vrrp_v3_stats_oid(snmp_subid *out, int column, const struct snmp_vrrp_row *r)
{
	return v3_oid(out, 2, 5, column, r);
}

static int build_v3_row(struct snmp_oidtab *t, const struct snmp_vrrp_row *r,
                        const struct snmp_view *v)
{
	snmp_subid op[] = { SNMP_VRRPV3_MIB_OID, 1, 1, 1, 1, 0 };
	snmp_subid st[] = { SNMP_VRRPV3_MIB_OID, 1, 2, 5, 1, 0 };
	const snmp_subid as[] = { SNMP_VRRPV3_MIB_OID, 1, 1, 2, 1, 2 };
	const size_t ol = sizeof(op) / sizeof(op[0]), sl = sizeof(st) / sizeof(st[0]);
	const snmp_subid idx[3] = { (snmp_subid)r->ifindex, (snmp_subid)r->vrid,
	                            r->family == 6 ? 2 : 1 };
	const uint8_t zero[16] = { 0 };
	const uint8_t *mip;
	int state = snmp_vrrp_oper_state(r, v), rc = 0;
	size_t al = alen(r);

	if (state == 3)
		mip = r->has_primary ? r->primary : zero;
	else
		mip = r->has_master ? r->master : r->has_last_heard ? r->last_heard : zero;
#define OC(c) (op[ol - 1] = (c), op), ol, idx, 3
	ADD(rc, snmp_oidtab_add_str(t, OC(3), mip, al));
	ADD(rc, snmp_oidtab_add_str(t, OC(4), r->has_primary ? r->primary : zero, al));
	ADD(rc, snmp_oidtab_add_str(t, OC(5), r->mac, 6));
	ADD(rc, snmp_oidtab_add_int(t, OC(6), state));
	ADD(rc, snmp_oidtab_add_uns(t, OC(7), SNMP_T_GAUGE32, (uint64_t)r->prio));
	ADD(rc, snmp_oidtab_add_int(t, OC(8), (int64_t)r->nvips));
	ADD(rc, snmp_oidtab_add_int(t, OC(9), r->adv_cs));
	ADD(rc, snmp_oidtab_add_int(t, OC(10), r->preempt ? TV_TRUE : TV_FALSE));
	ADD(rc, snmp_oidtab_add_int(t, OC(11), r->accept ? TV_TRUE : TV_FALSE));
	ADD(rc, snmp_oidtab_add_uns(t, OC(12), SNMP_T_TIMETICKS,
	                            state != 1 && r->up_s > 0 ? (uint64_t)(r->up_s * 100) : 0));
	ADD(rc, snmp_oidtab_add_int(t, OC(13), 1));             /* active */
#undef OC
	for (size_t i = 0; i < r->nvips; i++) {
		/* InetAddress index: its length, then its octets (RFC 4001) */
		snmp_subid ai[3 + 1 + 16] = { idx[0], idx[1], idx[2], al };

		for (size_t k = 0; k < al; k++)
			ai[4 + k] = r->vips[i][k];
		ADD(rc, snmp_oidtab_add_int(t, as, sizeof(as) / sizeof(as[0]), ai, 4 + al, 1));
	}
#define SC(c) (st[sl - 1] = (c), st), sl, idx, 3
	ADD(rc, snmp_oidtab_add_uns(t, SC(1), SNMP_T_COUNTER32, r->c.become_master));
	ADD(rc, snmp_oidtab_add_int(t, SC(2), snmp_vrrp_master_reason(r, v)));
	ADD(rc, snmp_oidtab_add_uns(t, SC(3), SNMP_T_COUNTER64, r->c.rx));
	ADD(rc, snmp_oidtab_add_uns(t, SC(4), SNMP_T_COUNTER64, r->c.adv_int_err));
	ADD(rc, snmp_oidtab_add_uns(t, SC(5), SNMP_T_COUNTER64, r->c.ttl_err));
	ADD(rc, snmp_oidtab_add_int(t, SC(6), snmp_vrrp_proto_err(r)));
	ADD(rc, snmp_oidtab_add_uns(t, SC(7), SNMP_T_COUNTER64, r->c.prio0_rx));
	ADD(rc, snmp_oidtab_add_uns(t, SC(8), SNMP_T_COUNTER64, r->c.prio0_tx));
	ADD(rc, snmp_oidtab_add_uns(t, SC(9), SNMP_T_COUNTER64, r->c.inv_type));
	ADD(rc, snmp_oidtab_add_uns(t, SC(10), SNMP_T_COUNTER64, r->c.addr_list_err));
	ADD(rc, snmp_oidtab_add_uns(t, SC(11), SNMP_T_COUNTER64, r->c.len_err));
	ADD(rc, snmp_oidtab_add_uns(t, SC(12), SNMP_T_TIMETICKS, 0));
	ADD(rc, snmp_oidtab_add_uns(t, SC(13), SNMP_T_GAUGE32, (uint64_t)r->adv_cs * 10));
#undef SC
	return rc;
}

int snmp_vrrp_build_v3(struct snmp_oidtab *t, const struct snmp_vrrp_set *s,
                       const struct snmp_view *v)
{
	const snmp_subid stats[] = { SNMP_VRRPV3_MIB_OID, 1, 2 };
	const size_t bl = sizeof(stats) / sizeof(stats[0]);
	uint64_t csum = 0, ver = 0;
	int rc = 0;

	snmp_oidtab_clear(t);
	for (size_t i = 0; i < s->n; i++) {
		if (!snmp_vrrp_in_v3(&s->rows[i]))
			continue;
		csum += s->rows[i].c.csum_err;
		ver += s->rows[i].c.ver_err;
		ADD(rc, build_v3_row(t, &s->rows[i], v));
	}
	ADD(rc, snmp_oidtab_add_uns(t, stats, bl, (const snmp_subid[]){ 1, 0 }, 2,
	                            SNMP_T_COUNTER64, csum));
	ADD(rc, snmp_oidtab_add_uns(t, stats, bl, (const snmp_subid[]){ 2, 0 }, 2,
	                            SNMP_T_COUNTER64, ver));
	ADD(rc, snmp_oidtab_add_uns(t, stats, bl, (const snmp_subid[]){ 3, 0 }, 2,
	                            SNMP_T_COUNTER64, 0));
	ADD(rc, snmp_oidtab_add_uns(t, stats, bl, (const snmp_subid[]){ 4, 0 }, 2,
	                            SNMP_T_TIMETICKS, 0));
	snmp_oidtab_sort(t);
	return rc;
}
