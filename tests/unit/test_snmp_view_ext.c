/* tests/unit/test_snmp_view_ext.c - the monitoring view's newer facts: vrrp.stats (peers,
 * adverts, drops by reason), vrrp.group, check.result, ipvs.stats, cfg_weight and implicit
 * quorum, the sync relay's events; their snapshot round trip; the TANDEM-MIB rows built from
 * them (values, OID order) and the Prometheus families. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "snmp/snmp_prom.h"
#include "snmp/snmp_tandem_mib.h"
#include "snmp/snmp_view.h"

static void apply(struct snmp_view *v, const char *s)
{
	json_object *o = json_tokener_parse(s);

	assert_non_null(o);
	snmp_view_event(v, o, 1);
	json_object_put(o);
}

#define VS1 "tcp 192.0.2.10:80"
#define VS2 "tcp 192.0.2.11:80"
#define RS1 VS1 "/198.51.100.11:80"
#define RS2 VS1 "/198.51.100.12:80"
#define RS3 VS2 "/198.51.100.13:80"

static void feed(struct snmp_view *v)
{
	apply(v, "{\"type\":\"vrrp.state\",\"seq\":1,\"instance\":\"VI_1\",\"to\":\"MASTER\",\"prio\":100,"
	         "\"vrid\":7,\"ts\":\"2026-11-28T07:00:00Z\"}");
	apply(v, "{\"type\":\"vrrp.state\",\"seq\":2,\"instance\":\"VI_10\",\"to\":\"BACKUP\",\"prio\":90}");
	apply(v, "{\"type\":\"vrrp.stats\",\"seq\":3,\"instances\":[{\"instance\":\"VI_1\",\"peers\":1,"
	         "\"counters\":{\"rx\":5,\"tx\":40,\"drops\":{\"checksum\":2,\"ttl\":0,\"auth_pass\":3}}},"
	         "{\"instance\":\"nosuch\",\"peers\":9,\"counters\":{\"rx\":1}}]}");
	apply(v, "{\"type\":\"vrrp.group\",\"seq\":4,\"group\":\"G1\",\"from\":\"BACKUP\",\"to\":\"MASTER\","
	         "\"trigger\":\"VI_1\",\"reason\":\"master_down\",\"ts\":\"2026-11-28T07:00:01Z\"}");
	apply(v, "{\"type\":\"rs.state\",\"seq\":5,\"vs\":\"" VS1 "\",\"rs\":\"" RS1 "\",\"up\":true,"
	         "\"weight\":3,\"cfg_weight\":3,\"reason\":\"connected\"}");
	apply(v, "{\"type\":\"rs.state\",\"seq\":6,\"vs\":\"" VS1 "\",\"rs\":\"" RS2 "\",\"up\":false,"
	         "\"weight\":2,\"cfg_weight\":2,\"reason\":\"refused\"}");
	apply(v, "{\"type\":\"rs.state\",\"seq\":7,\"vs\":\"" VS2 "\",\"rs\":\"" RS3 "\",\"up\":true,"
	         "\"weight\":0,\"cfg_weight\":4,\"reason\":\"slowstart 0/4\"}");
	apply(v, "{\"type\":\"vs.quorum\",\"seq\":8,\"vs\":\"" VS1 "\",\"up\":true,\"live_weight\":3,"
	         "\"sorry\":false}");
	apply(v, "{\"type\":\"check.result\",\"seq\":9,\"check\":\"c1\",\"kind\":\"TCP_CHECK\","
	         "\"target\":\"198.51.100.11:80\",\"ok\":true,\"reason\":\"connected\",\"latency_ms\":1.5,"
	         "\"refs\":2}");
	apply(v, "{\"type\":\"check.result\",\"seq\":10,\"check\":\"c1\",\"kind\":\"TCP_CHECK\","
	         "\"target\":\"198.51.100.11:80\",\"ok\":false,\"reason\":\"refused\",\"latency_ms\":0.25,"
	         "\"refs\":2}");
	apply(v, "{\"type\":\"ipvs.stats\",\"seq\":11,\"vs\":[{\"vs\":\"" VS1 "\",\"conns\":10,"
	         "\"inpkts\":100,\"outpkts\":90,\"inbytes\":5000,\"outbytes\":9000}],"
	         "\"rs\":[{\"rs\":\"" RS1 "\",\"vs\":\"" VS1 "\",\"weight\":3,\"active\":2,\"inactive\":1,"
	         "\"conns\":7,\"inpkts\":70,\"outpkts\":60,\"inbytes\":3500,\"outbytes\":6000},"
	         "{\"rs\":\"nosuch/1.2.3.4:80\",\"conns\":1}]}");
	apply(v, "{\"type\":\"sync.peer\",\"seq\":12,\"peer\":\"192.0.2.2\",\"state\":\"up\","
	         "\"reason\":\"heard\"}");
	apply(v, "{\"type\":\"sync.peer\",\"seq\":13,\"peer\":\"192.0.2.2\",\"state\":\"down\","
	         "\"reason\":\"silent\",\"ts\":\"2026-11-28T07:00:02Z\"}");
	apply(v, "{\"type\":\"sync.stats\",\"seq\":14,\"counters\":{\"sent\":11,\"received\":12,"
	         "\"resent\":3,\"rejected\":4,\"resyncs\":1},\"peers\":[{\"peer\":\"192.0.2.3\","
	         "\"state\":\"up\"},{\"peer\":\"\",\"state\":\"down\"}]}");
}

static void check_view(const struct snmp_view *v)
{
	const struct snmp_view_vrrp *vi = snmp_view_vrrp_find(v, "VI_1");
	const struct snmp_view_group *g = snmp_view_group_find(v, "G1");
	const struct snmp_view_chk *c = snmp_view_chk_find(v, "c1");
	const struct snmp_view_rs *r1 = snmp_view_rs_find(v, RS1);
	const struct snmp_view_vs *q1 = snmp_view_vs_find(v, VS1), *q2 = snmp_view_vs_find(v, VS2);
	const struct snmp_view_peer *p = snmp_view_peer_find(v, "192.0.2.2");
	int64_t live;
	int up;

	assert_non_null(vi);
	assert_true(vi->have_stats);
	assert_int_equal(vi->peers, 1);
	assert_int_equal(vi->rx, 5);
	assert_int_equal(vi->tx, 40);
	assert_int_equal(v->ndrop_names, 3);
	assert_string_equal(v->drop_names[0], "checksum");
	assert_string_equal(v->drop_names[2], "auth_pass");
	assert_int_equal(vi->drops[0], 2);
	assert_int_equal(vi->drops[2], 3);
	assert_false(snmp_view_vrrp_find(v, "VI_10")->have_stats);
	assert_null(snmp_view_vrrp_find(v, "nosuch"));      /* stats alone make no row */
	assert_non_null(g);
	assert_int_equal(g->state, SNMP_VRRP_MASTER);
	assert_string_equal(g->trigger, "VI_1");
	assert_non_null(c);
	assert_int_equal(c->ok, 0);
	assert_int_equal(c->transitions, 1);
	assert_int_equal(c->refs, 2);
	assert_true(c->latency_ms == 0.25);
	assert_string_equal(c->kind, "TCP_CHECK");
	assert_non_null(r1);
	assert_int_equal(r1->cfg_weight, 3);
	assert_true(r1->have_ipvs);
	assert_int_equal(r1->active, 2);
	assert_int_equal(r1->outbytes, 6000);
	assert_false(snmp_view_rs_find(v, RS2)->have_ipvs);
	assert_null(snmp_view_rs_find(v, "nosuch/1.2.3.4:80"));
	assert_non_null(q1);
	assert_true(q1->reported && q1->have_ipvs);
	assert_int_equal(q1->conns, 10);
	/* VS2 has no quorum settings: a row from its real server, quorum computed (weight 0) */
	assert_non_null(q2);
	assert_false(q2->reported);
	snmp_view_vs_quorum(v, q2, &live, &up);
	assert_int_equal(live, 0);
	assert_int_equal(up, 0);
	assert_non_null(p);
	assert_int_equal(p->up, 0);
	assert_int_equal(p->transitions, 1);
	assert_string_equal(p->reason, "silent");
	assert_non_null(snmp_view_peer_find(v, "192.0.2.3"));
	assert_int_equal(v->npeer, 2);
	assert_true(v->have_relay);
	assert_int_equal(v->relay_sent, 11);
	assert_int_equal(v->relay_rejects, 4);
	assert_int_equal(v->relay_resyncs, 1);
}

static void test_events(void **state)
{
	struct snmp_view v;

	snmp_view_init(&v);
	feed(&v);
	check_view(&v);
	snmp_view_free(&v);
}

static void test_snapshot_round_trip(void **state)
{
	struct snmp_view v, w;
	json_object *snap, *text;

	snmp_view_init(&v);
	snmp_view_init(&w);
	feed(&v);
	text = snmp_view_events_json(&v);
	/* through text, as the feed carries it */
	snap = json_tokener_parse(json_object_to_json_string(text));
	json_object_put(text);
	assert_non_null(snap);
	assert_int_equal(snmp_view_load_events(&w, snap), 0);
	check_view(&w);
	json_object_put(snap);
	snmp_view_free(&v);
	snmp_view_free(&w);
}

static const struct snmp_oid_ent *get(struct snmp_oidtab *t, int table, int col,
                                      const char *name, int extra)
{
	snmp_subid o[SNMP_OID_MAX];
	size_t n = snmp_tandem_row_oid(o, table, col, name);

	assert_true(n > 0);
	if (extra > 0)
		o[n++] = (snmp_subid)extra;
	return snmp_oidtab_get(t, o, n);
}

static void test_mib_rows(void **state)
{
	struct snmp_view v;
	struct snmp_oidtab t;
	const struct snmp_oid_ent *e;
	const snmp_subid relay[] = { SNMP_TANDEM_MIB_OID, SNMP_TANDEM_OBJECTS, SNMP_TANDEM_RELAY,
	                             SNMP_TANDEM_RELAY_RESENDS, 0 };

	snmp_view_init(&v);
	snmp_oidtab_init(&t);
	feed(&v);
	assert_int_equal(snmp_tandem_build(&t, &v, 0), 0);
	/* OID order after the linear build (no fallback sort needed, but check it anyway) */
	for (size_t i = 1; i < t.n; i++)
		assert_true(snmp_oid_cmp(t.ents[i - 1].name, t.ents[i - 1].len, t.ents[i].name,
		                         t.ents[i].len) < 0);
	assert_non_null(e = get(&t, SNMP_TANDEM_VRRP_TABLE, SNMP_TANDEM_VRRP_ADVERTS_TX, "VI_1", 0));
	assert_int_equal(e->type, SNMP_T_COUNTER64);
	assert_int_equal(e->u, 40);
	assert_null(get(&t, SNMP_TANDEM_VRRP_TABLE, SNMP_TANDEM_VRRP_PEERS, "VI_10", 0));
	assert_non_null(e = get(&t, SNMP_TANDEM_DROP_TABLE, SNMP_TANDEM_DROP_COUNT, "VI_1", 3));
	assert_int_equal(e->u, 3);
	assert_non_null(e = get(&t, SNMP_TANDEM_DROP_TABLE, SNMP_TANDEM_DROP_REASON, "VI_1", 3));
	assert_string_equal(e->s, "auth_pass");
	assert_non_null(e = get(&t, SNMP_TANDEM_GROUP_TABLE, SNMP_TANDEM_GROUP_STATE, "G1", 0));
	assert_int_equal(e->i, SNMP_VRRP_MASTER);
	assert_non_null(e = get(&t, SNMP_TANDEM_CHK_TABLE, SNMP_TANDEM_CHK_LATENCY, "c1", 0));
	assert_int_equal(e->u, 250);
	assert_non_null(e = get(&t, SNMP_TANDEM_CHK_TABLE, SNMP_TANDEM_CHK_RESULT, "c1", 0));
	assert_int_equal(e->i, 2);
	assert_non_null(e = get(&t, SNMP_TANDEM_RS_TABLE, SNMP_TANDEM_RS_CFG_WEIGHT, RS3, 0));
	assert_int_equal(e->i, 4);
	assert_non_null(e = get(&t, SNMP_TANDEM_RS_TABLE, SNMP_TANDEM_RS_KERNEL_WEIGHT, RS2, 0));
	assert_int_equal(e->i, -1);
	assert_non_null(e = get(&t, SNMP_TANDEM_RS_TABLE, SNMP_TANDEM_RS_OUTBYTES, RS1, 0));
	assert_int_equal(e->u, 6000);
	assert_non_null(e = get(&t, SNMP_TANDEM_VS_TABLE, SNMP_TANDEM_VS_RS, VS1, 0));
	assert_int_equal(e->u, 2);
	assert_non_null(e = get(&t, SNMP_TANDEM_VS_TABLE, SNMP_TANDEM_VS_RS_UP, VS1, 0));
	assert_int_equal(e->u, 1);
	assert_non_null(e = get(&t, SNMP_TANDEM_VS_TABLE, SNMP_TANDEM_VS_QUORUM, VS2, 0));
	assert_int_equal(e->i, SNMP_DOWN);
	assert_non_null(e = get(&t, SNMP_TANDEM_PEER_TABLE, SNMP_TANDEM_PEER_STATE, "192.0.2.2", 0));
	assert_int_equal(e->i, SNMP_DOWN);
	assert_non_null(e = snmp_oidtab_get(&t, relay, sizeof(relay) / sizeof(relay[0])));
	assert_int_equal(e->u, 3);
	/* uptimes advance in place */
	snmp_tandem_refresh_times(&t, &v, 10);
	snmp_oidtab_free(&t);
	snmp_view_free(&v);
}

static void test_row_order(void **state)
{
	const char rows[][8] = { "VI_1", "VI_10", "VI_2", "b" };
	size_t *o = snmp_tandem_row_order(rows, 4, sizeof(rows[0]));

	/* length first, then octets: b, VI_1, VI_2, VI_10 */
	assert_non_null(o);
	assert_int_equal(o[0], 3);
	assert_int_equal(o[1], 0);
	assert_int_equal(o[2], 2);
	assert_int_equal(o[3], 1);
	free(o);
}

static void test_prom(void **state)
{
	struct snmp_view v;
	size_t len = 0;
	char *txt;

	snmp_view_init(&v);
	feed(&v);
	txt = snmp_prom_render(&v, &len);
	assert_non_null(txt);
	assert_non_null(strstr(txt, "tandem_vrrp_drops_total{vrrp_instance=\"VI_1\",reason=\"auth_pass\"} 3\n"));
	assert_non_null(strstr(txt, "tandem_vrrp_sync_group_state{group=\"G1\",state=\"MASTER\"} 1\n"));
	assert_non_null(strstr(txt, "tandem_checker_references{checker=\"c1\"} 2\n"));
	assert_non_null(strstr(txt, "tandem_checker_latency_seconds{checker=\"c1\"} 0.00025"));
	assert_non_null(strstr(txt, "tandem_real_server_bytes_total{vs=\"" VS1 "\",rs=\"" RS1
	                            "\",direction=\"out\"} 6000\n"));
	assert_non_null(strstr(txt, "tandem_real_server_configured_weight{vs=\"" VS2 "\",rs=\""
	                            RS3 "\"} 4\n"));
	assert_non_null(strstr(txt, "tandem_virtual_server_real_servers{vs=\"" VS1
	                            "\",health=\"down\"} 1\n"));
	assert_non_null(strstr(txt, "tandem_virtual_server_quorum_up{vs=\"" VS2 "\"} 0\n"));
	assert_non_null(strstr(txt, "tandem_sync_peer_up{peer=\"192.0.2.2\"} 0\n"));
	assert_non_null(strstr(txt, "tandem_sync_relay_frames_total{direction=\"sent\"} 11\n"));
	/* no family twice */
	assert_null(strstr(strstr(txt, "# TYPE tandem_checker_ok ") + 1, "# TYPE tandem_checker_ok "));
	free(txt);
	snmp_view_free(&v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_snapshot_round_trip),
		cmocka_unit_test(test_mib_rows),
		cmocka_unit_test(test_row_order),
		cmocka_unit_test(test_prom),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
