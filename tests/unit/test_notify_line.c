/* tests/unit/test_notify_line.c - keepalived's notify FIFO lines from bus events
 * (director/notify_line.c): INSTANCE/GROUP lines, RS/VS lines on changes only, the names of
 * virtual and real servers, the implicit quorum of servers without quorum settings. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include "director/notify_line.h"

static char buf[4096];

static const char *line(struct dir_notify_lines *s, const char *ev, unsigned kinds)
{
	json_object *o = json_tokener_parse(ev);

	assert_non_null(o);
	dir_notify_line(s, o, kinds, buf, sizeof(buf));
	json_object_put(o);
	return buf;
}

#define ALL (DIR_NOTIFY_VRRP | DIR_NOTIFY_LVS)

static void test_names(void **state)
{
	char b[128];

	assert_int_equal(dir_notify_fmt_vs("tcp 192.0.2.10:80", b, sizeof(b)), 0);
	assert_string_equal(b, "[192.0.2.10]:tcp:80");
	assert_int_equal(dir_notify_fmt_vs("udp [2001:db8::1]:53", b, sizeof(b)), 0);
	assert_string_equal(b, "[2001:db8::1]:udp:53");
	assert_int_equal(dir_notify_fmt_vs("fwmark 7", b, sizeof(b)), 0);
	assert_string_equal(b, "FWM 7");
	assert_int_equal(dir_notify_fmt_vs("tcp group web", b, sizeof(b)), 0);
	assert_string_equal(b, "[web]:0");
	assert_int_equal(dir_notify_fmt_rs("tcp 192.0.2.10:80/198.51.100.11:8080", b, sizeof(b)), 0);
	assert_string_equal(b, "[198.51.100.11]:tcp:8080");
	assert_int_equal(dir_notify_fmt_rs("sctp [2001:db8::1]:80/[2001:db8::2]:81", b, sizeof(b)), 0);
	assert_string_equal(b, "[2001:db8::2]:sctp:81");
	assert_int_equal(dir_notify_fmt_rs("fwmark 7/198.51.100.11:80", b, sizeof(b)), 0);
	assert_string_equal(b, "[198.51.100.11]:none:80");
	assert_int_equal(dir_notify_fmt_rs("no slash", b, sizeof(b)), -1);
	assert_int_equal(dir_notify_fmt_vs("tcp 192.0.2.10:80", b, 8), -1);
}

static void test_vrrp(void **state)
{
	struct dir_notify_lines *s = dir_notify_lines_new();

	assert_string_equal(line(s, "{\"type\":\"vrrp.state\",\"instance\":\"VI_1\",\"from\":\"BACKUP\","
	                         "\"to\":\"MASTER\",\"prio\":100}", ALL), "INSTANCE \"VI_1\" MASTER 100\n");
	assert_string_equal(line(s, "{\"type\":\"vrrp.state\",\"instance\":\"VI_1\",\"to\":\"INIT\","
	                         "\"prio\":100}", ALL), "");
	assert_string_equal(line(s, "{\"type\":\"vrrp.group\",\"group\":\"G1\",\"to\":\"FAULT\"}", ALL),
	                    "GROUP \"G1\" FAULT 0\n");
	/* not wanted: nothing */
	assert_string_equal(line(s, "{\"type\":\"vrrp.state\",\"instance\":\"VI_1\",\"to\":\"BACKUP\","
	                         "\"prio\":90}", DIR_NOTIFY_LVS), "");
	assert_string_equal(line(s, "{\"type\":\"config.reload\",\"ok\":true}", ALL), "");
	dir_notify_lines_free(s);
}

#define RS(up, w) "{\"type\":\"rs.state\",\"vs\":\"tcp 192.0.2.10:80\"," \
	"\"rs\":\"tcp 192.0.2.10:80/198.51.100.11:80\",\"up\":" up ",\"weight\":" w "}"
#define RS2(up) "{\"type\":\"rs.state\",\"vs\":\"tcp 192.0.2.10:80\"," \
	"\"rs\":\"tcp 192.0.2.10:80/198.51.100.12:80\",\"up\":" up ",\"weight\":1}"

static void test_rs_and_implicit_quorum(void **state)
{
	struct dir_notify_lines *s = dir_notify_lines_new();

	/* first reports: initial states, no line */
	assert_string_equal(line(s, RS("true", "1"), ALL), "");
	assert_string_equal(line(s, RS2("true"), ALL), "");
	/* a weight change alone: no line */
	assert_string_equal(line(s, RS("true", "3"), ALL), "");
	assert_string_equal(line(s, RS("false", "3"), ALL),
	                    "RS [198.51.100.11]:tcp:80 [192.0.2.10]:tcp:80 DOWN\n");
	/* the last live server goes: the virtual server loses its (implicit) quorum too */
	assert_string_equal(line(s, RS2("false"), ALL),
	                    "RS [198.51.100.12]:tcp:80 [192.0.2.10]:tcp:80 DOWN\n"
	                    "VS [192.0.2.10]:tcp:80 DOWN\n");
	assert_string_equal(line(s, RS2("true"), ALL),
	                    "RS [198.51.100.12]:tcp:80 [192.0.2.10]:tcp:80 UP\n"
	                    "VS [192.0.2.10]:tcp:80 UP\n");
	/* VRRP only: the state still follows, no line */
	assert_string_equal(line(s, RS("true", "3"), DIR_NOTIFY_VRRP), "");
	assert_string_equal(line(s, RS("false", "3"), ALL),
	                    "RS [198.51.100.11]:tcp:80 [192.0.2.10]:tcp:80 DOWN\n");
	dir_notify_lines_free(s);
}

#define Q(up) "{\"type\":\"vs.quorum\",\"vs\":\"fwmark 7\",\"up\":" up ",\"live_weight\":0}"
#define RSF(up) "{\"type\":\"rs.state\",\"vs\":\"fwmark 7\"," \
	"\"rs\":\"fwmark 7/198.51.100.11:80\",\"up\":" up ",\"weight\":1}"

static void test_reported_quorum(void **state)
{
	struct dir_notify_lines *s = dir_notify_lines_new();

	assert_string_equal(line(s, RSF("true"), ALL), "");
	assert_string_equal(line(s, Q("true"), ALL), "");
	assert_string_equal(line(s, Q("true"), ALL), "");
	/* quorum settings: the VS line comes from vs.quorum, not from the real servers */
	assert_string_equal(line(s, RSF("false"), ALL),
	                    "RS [198.51.100.11]:none:80 FWM 7 DOWN\n");
	assert_string_equal(line(s, Q("false"), ALL), "VS FWM 7 DOWN\n");
	assert_string_equal(line(s, Q("false"), ALL), "");
	dir_notify_lines_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_vrrp),
		cmocka_unit_test(test_rs_and_implicit_quorum),
		cmocka_unit_test(test_reported_quorum),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
