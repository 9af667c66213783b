/* tests/unit/test_snmp_view.c - the monitoring view (status object + events -> daemon,
 * children, reload counters, VRRP instances) and its Prometheus text rendering. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "snmp/snmp_prom.h"
#include "snmp/snmp_view.h"

static const char *status_text =
	"{\"ok\":true,\"daemon\":{\"pid\":42,\"version\":\"0.1.0\",\"config_file\":\"/x\","
	"\"generation\":3,\"started\":\"2026-11-28T07:00:00.500000Z\",\"uptime_s\":12.5,"
	"\"last_reload\":{\"ok\":false,\"time\":\"2026-11-28T07:00:10.000000Z\",\"generation\":3,"
	"\"error\":\"a.conf:3:1: unknown \\\"kw\\\"\"},\"event_seq\":17},"
	"\"children\":[{\"name\":\"vrrp\",\"pid\":50,\"state\":\"running\",\"uptime_s\":9.0,"
	"\"restarts\":2,\"generation\":3,\"last_exit\":null},"
	"{\"name\":\"snmp\",\"pid\":0,\"state\":\"restarting\",\"uptime_s\":0,\"restarts\":1,"
	"\"generation\":0,\"last_exit\":\"killed by signal 11\"}]}";

static json_object *parse(const char *s)
{
	json_object *o = json_tokener_parse(s);

	assert_non_null(o);
	return o;
}

static void apply(struct snmp_view *v, const char *s, int live, int expect)
{
	json_object *o = parse(s);

	assert_int_equal(snmp_view_event(v, o, live), expect);
	json_object_put(o);
}

static void test_iso(void **state)
{
	assert_true(snmp_iso_to_unix("1970-01-01T00:00:01.250000Z") == 1.25);
	assert_true(snmp_iso_to_unix("2026-11-28T07:00:00Z") == 1795849200.0);
	assert_true(snmp_iso_to_unix("2026-11-28 07:00:00Z") < 0);
	assert_true(snmp_iso_to_unix("2026-11-28T07:00:00") < 0);
	assert_true(snmp_iso_to_unix(NULL) < 0);
}

static void test_status(void **state)
{
	struct snmp_view v;
	json_object *st = parse(status_text);

	snmp_view_init(&v);
	assert_int_equal(snmp_view_set_status(&v, st), 0);
	assert_string_equal(v.version, "0.1.0");
	assert_int_equal(v.pid, 42);
	assert_int_equal(v.generation, 3);
	assert_true(v.started == 1795849200.5);
	assert_int_equal(v.reload_ok, 0);
	assert_string_equal(v.reload_error, "a.conf:3:1: unknown \"kw\"");
	assert_int_equal(v.event_seq, 17);
	assert_int_equal(v.nchildren, 2);
	assert_string_equal(v.children[0].name, "vrrp");
	assert_int_equal(v.children[0].state, SNMP_CHILD_RUNNING);
	assert_int_equal(v.children[0].restarts, 2);
	assert_int_equal(v.children[1].state, SNMP_CHILD_RESTARTING);
	assert_int_equal(v.children[1].pid, 0);
	json_object_put(st);
	st = parse("{\"ok\":true}");
	assert_int_equal(snmp_view_set_status(&v, st), -1);
	json_object_put(st);
	snmp_view_free(&v);
}

static void test_events(void **state)
{
	struct snmp_view v;
	const struct snmp_view_vrrp *vi;

	snmp_view_init(&v);
	/* replayed: state only, nothing counted */
	apply(&v, "{\"seq\":5,\"type\":\"vrrp.state\",\"instance\":\"VI_2\",\"vrid\":52,"
	      "\"from\":\"INIT\",\"to\":\"BACKUP\",\"reason\":\"startup\",\"prio\":90,"
	      "\"ts\":\"2026-11-28T07:00:01.000000Z\"}", 0, 1);
	assert_int_equal(v.nevtypes, 0);
	apply(&v, "{\"seq\":6,\"type\":\"vrrp.state\",\"instance\":\"VI_1\",\"vrid\":51,"
	      "\"to\":\"MASTER\",\"prio\":100,\"group\":\"G1\"}", 1, 1);
	apply(&v, "{\"seq\":7,\"type\":\"config.reload\",\"ok\":true}", 1, 1);
	apply(&v, "{\"seq\":8,\"type\":\"config.reload\",\"ok\":false,\"error\":\"x\"}", 1, 1);
	apply(&v, "{\"seq\":9,\"type\":\"vrrp.state\",\"instance\":\"VI_2\",\"to\":\"bogus\"}",
	      0, 1);    /* seq moved on, state ignored */
	apply(&v, "{\"type\":\"vrrp.state\",\"instance\":\"VI_2\",\"to\":\"MASTER\","
	      "\"prio\":255}", 0, 1);
	apply(&v, "{\"no\":\"type\"}", 1, 0);
	assert_int_equal(v.event_seq, 9);
	assert_int_equal(v.reloads_ok, 1);
	assert_int_equal(v.reloads_failed, 1);
	assert_int_equal(v.nvrrp, 2);
	assert_string_equal(v.vrrp[0].name, "VI_1");     /* sorted */
	vi = snmp_view_vrrp_find(&v, "VI_2");
	assert_non_null(vi);
	assert_int_equal(vi->state, SNMP_VRRP_MASTER);
	assert_int_equal(vi->priority, 255);
	assert_int_equal(vi->vrid, 52);
	assert_int_equal(vi->transitions, 2);
	assert_string_equal(vi->reason, "startup");
	assert_true(vi->last_change == 1795849201.0);
	vi = snmp_view_vrrp_find(&v, "VI_1");
	assert_string_equal(vi->group, "G1");
	assert_null(snmp_view_vrrp_find(&v, "VI_3"));
	snmp_view_reset_events(&v);
	assert_int_equal(v.nvrrp, 0);
	assert_int_equal(v.reloads_failed, 0);
	snmp_view_free(&v);
}

static void test_many_types(void **state)
{
	struct snmp_view v;
	char buf[96];

	snmp_view_init(&v);
	for (int i = 0; i < SNMP_VIEW_EVTYPES + 5; i++) {
		snprintf(buf, sizeof(buf), "{\"type\":\"t.%d\"}", i);
		apply(&v, buf, 1, 1);
	}
	assert_int_equal(v.nevtypes, SNMP_VIEW_EVTYPES);
	assert_int_equal(v.events_other, 5);
	snmp_view_free(&v);
}

static void test_prom(void **state)
{
	struct snmp_view v;
	json_object *st = parse(status_text);
	char *text;
	size_t len;

	snmp_view_init(&v);
	snmp_view_set_status(&v, st);
	apply(&v, "{\"seq\":18,\"type\":\"vrrp.state\",\"instance\":\"a\\\"b\\\\c\","
	      "\"to\":\"MASTER\",\"prio\":100}", 1, 1);
	text = snmp_prom_render(&v, &len);
	assert_non_null(text);
	assert_int_equal(strlen(text), len);
	assert_non_null(strstr(text, "# TYPE tandem_config_generation gauge\n"
	                       "tandem_config_generation 3\n"));
	assert_non_null(strstr(text, "tandem_child_restarts_total{child=\"vrrp\"} 2\n"));
	assert_non_null(strstr(text, "tandem_child_state{child=\"snmp\",state=\"restarting\"} 1\n"));
	assert_non_null(strstr(text, "tandem_last_reload_success 0\n"));
	assert_non_null(strstr(text, "tandem_vrrp_instance_state{vrrp_instance=\"a\\\"b\\\\c\","
	                       "state=\"MASTER\"} 1\n"));
	assert_non_null(strstr(text, "tandem_events_total{type=\"vrrp.state\"} 1\n"));
	assert_non_null(strstr(text, "tandem_start_time_seconds 1795849200.5\n"));
	free(text);
	json_object_put(st);
	snmp_view_free(&v);
}

static void test_events_snapshot(void **state)
{
	struct snmp_view a, b;
	json_object *o;
	const struct snmp_view_vrrp *vi;

	snmp_view_init(&a);
	snmp_view_init(&b);
	apply(&a, "{\"seq\":1,\"type\":\"vrrp.state\",\"instance\":\"VI_1\",\"vrid\":51,"
	      "\"to\":\"BACKUP\",\"prio\":100,\"reason\":\"startup\","
	      "\"ts\":\"2026-11-28T07:00:01.000000Z\"}", 1, 1);
	apply(&a, "{\"seq\":2,\"type\":\"vrrp.state\",\"instance\":\"VI_1\",\"to\":\"MASTER\","
	      "\"reason\":\"master_down\",\"group\":\"G\",\"ts\":\"2026-11-28T07:00:04.500000Z\"}",
	      1, 1);
	apply(&a, "{\"seq\":3,\"type\":\"vrrp.state\",\"instance\":\"VI_0\",\"to\":\"FAULT\"}",
	      1, 1);
	o = snmp_view_events_json(&a);
	apply(&b, "{\"seq\":1,\"type\":\"vrrp.state\",\"instance\":\"old\",\"to\":\"MASTER\"}",
	      0, 1);
	assert_int_equal(snmp_view_load_events(&b, o), 0);
	json_object_put(o);
	assert_int_equal(b.nvrrp, 2);
	assert_null(snmp_view_vrrp_find(&b, "old"));
	vi = snmp_view_vrrp_find(&b, "VI_1");
	assert_non_null(vi);
	assert_int_equal(vi->state, SNMP_VRRP_MASTER);
	assert_int_equal(vi->priority, 100);
	assert_int_equal(vi->vrid, 51);
	assert_int_equal(vi->transitions, 2);
	assert_string_equal(vi->reason, "master_down");
	assert_string_equal(vi->group, "G");
	assert_true(vi->last_change == 1795849204.5);
	vi = snmp_view_vrrp_find(&b, "VI_0");
	assert_int_equal(vi->priority, -1);
	assert_int_equal(vi->vrid, -1);
	assert_int_equal(vi->state, SNMP_VRRP_FAULT);
	o = json_object_new_object();
	assert_int_equal(snmp_view_load_events(&b, o), -1);
	json_object_put(o);
	snmp_view_free(&a);
	snmp_view_free(&b);
}

static void test_lvs(void **state)
{
	struct snmp_view v, w;
	const struct snmp_view_rs *r;
	const struct snmp_view_vs *q;
	json_object *o;
	char *text;

	snmp_view_init(&v);
	snmp_view_init(&w);
	apply(&v, "{\"type\":\"rs.state\",\"vs\":\"tcp 192.0.2.1:80\",\"rs\":\"tcp 192.0.2.1:80/"
	      "10.0.0.2:80\",\"up\":true,\"weight\":3,\"reason\":\"start\","
	      "\"ts\":\"2026-11-28T07:00:01.000000Z\"}", 1, 1);
	apply(&v, "{\"type\":\"rs.state\",\"vs\":\"tcp 192.0.2.1:80\",\"rs\":\"tcp 192.0.2.1:80/"
	      "10.0.0.1:80\",\"up\":true,\"weight\":1,\"reason\":\"start\"}", 1, 1);
	apply(&v, "{\"type\":\"rs.state\",\"vs\":\"tcp 192.0.2.1:80\",\"rs\":\"tcp 192.0.2.1:80/"
	      "10.0.0.1:80\",\"up\":false,\"weight\":-1,\"reason\":\"refused\"}", 1, 1);
	apply(&v, "{\"type\":\"rs.state\",\"rs\":\"x\"}", 1, 1);         /* no up: ignored */
	apply(&v, "{\"type\":\"vs.quorum\",\"vs\":\"tcp 192.0.2.1:80\",\"up\":false,"
	      "\"live_weight\":3,\"sorry\":true}", 1, 1);
	assert_int_equal(v.nrs, 2);
	assert_string_equal(v.rs[0].name, "tcp 192.0.2.1:80/10.0.0.1:80");   /* sorted */
	r = snmp_view_rs_find(&v, "tcp 192.0.2.1:80/10.0.0.1:80");
	assert_int_equal(r->up, 0);
	assert_int_equal(r->weight, -1);
	assert_int_equal(r->transitions, 1);
	assert_string_equal(r->reason, "refused");
	assert_string_equal(r->vs, "tcp 192.0.2.1:80");
	q = snmp_view_vs_find(&v, "tcp 192.0.2.1:80");
	assert_int_equal(q->quorum_up, 0);
	assert_int_equal(q->live_weight, 3);
	assert_int_equal(q->sorry, 1);
	text = snmp_prom_render(&v, NULL);
	assert_non_null(strstr(text, "tandem_real_server_up{vs=\"tcp 192.0.2.1:80\","
	                       "rs=\"tcp 192.0.2.1:80/10.0.0.1:80\"} 0\n"));
	assert_non_null(strstr(text, "tandem_real_server_weight{vs=\"tcp 192.0.2.1:80\","
	                       "rs=\"tcp 192.0.2.1:80/10.0.0.2:80\"} 3\n"));
	assert_non_null(strstr(text, "tandem_virtual_server_quorum_up{vs=\"tcp 192.0.2.1:80\"} 0\n"));
	assert_non_null(strstr(text, "tandem_virtual_server_sorry_active{vs=\"tcp 192.0.2.1:80\"} 1\n"));
	free(text);
	/* through the snapshot */
	o = snmp_view_events_json(&v);
	assert_int_equal(snmp_view_load_events(&w, o), 0);
	json_object_put(o);
	assert_int_equal(w.nrs, 2);
	r = snmp_view_rs_find(&w, "tcp 192.0.2.1:80/10.0.0.1:80");
	assert_int_equal(r->transitions, 1);
	assert_int_equal(r->up, 0);
	r = snmp_view_rs_find(&w, "tcp 192.0.2.1:80/10.0.0.2:80");
	assert_true(r->last_change == 1795849201.0);
	assert_int_equal(snmp_view_vs_find(&w, "tcp 192.0.2.1:80")->sorry, 1);
	snmp_view_reset_events(&w);
	assert_int_equal(w.nrs + w.nvs, 0);
	snmp_view_free(&v);
	snmp_view_free(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iso),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_many_types),
		cmocka_unit_test(test_prom),
		cmocka_unit_test(test_events_snapshot),
		cmocka_unit_test(test_lvs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
