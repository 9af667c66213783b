/* tests/unit/test_ipvs_msg.c - IPVS generic netlink messages without a socket: every
 * builder parsed back by the parsers (round trips for each command and attribute), the
 * wire forms the kernel insists on (network-order ports, IPv4 mask vs IPv6 prefix length,
 * flags mask, required attributes present or absent per command), kernel-style replies
 * (stats 32 and 64 bit, dump streams, errors) and malformed input. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include "director/ipvs_msg.h"

#define FAM 32   /* the family id the VM's kernel gave IPVS; any id >= 16 works here */

static struct dir_ipvs_svc svc4(void)
{
	struct dir_ipvs_svc s;
	struct in_addr a;

	memset(&s, 0, sizeof(s));
	inet_pton(AF_INET, "10.0.0.1", &a);
	dir_ipvs_svc_key_inet(&s.key, AF_INET, IPPROTO_TCP, &a, 80);
	strcpy(s.sched, "wrr");
	s.flags = IP_VS_SVC_F_PERSISTENT;
	s.timeout = 300;
	assert_int_equal(dir_ipvs_netmask(AF_INET, 24, &s.netmask), 0);
	return s;
}

static struct dir_ipvs_svc svc6(void)
{
	struct dir_ipvs_svc s;
	struct in6_addr a;

	memset(&s, 0, sizeof(s));
	inet_pton(AF_INET6, "2001:db8::1", &a);
	dir_ipvs_svc_key_inet(&s.key, AF_INET6, IPPROTO_UDP, &a, 53);
	strcpy(s.sched, "sh");
	strcpy(s.pe, "sip");
	s.flags = IP_VS_SVC_F_SCHED_SH_FALLBACK | IP_VS_SVC_F_SCHED_SH_PORT | IP_VS_SVC_F_ONEPACKET;
	assert_int_equal(dir_ipvs_netmask(AF_INET6, 64, &s.netmask), 0);
	return s;
}

static struct dir_ipvs_dest dest4(const char *ip, uint16_t port, int32_t w)
{
	struct dir_ipvs_dest d;
	struct in_addr a;

	memset(&d, 0, sizeof(d));
	inet_pton(AF_INET, ip, &a);
	dir_ipvs_dest_key_set(&d.key, AF_INET, &a, port);
	d.fwd = IP_VS_CONN_F_MASQ;
	d.weight = w;
	d.u_thresh = 1000;
	d.l_thresh = 10;
	return d;
}

static struct nlmsghdr *H(struct nl_msg *m)
{
	assert_non_null(m);
	return nlmsg_hdr(m);
}

static uint8_t cmd_of(struct nl_msg *m)
{
	uint8_t cmd = 0;
	const char *why = NULL;
	assert_int_equal(dir_ipvs_parse_cmd(H(m), H(m)->nlmsg_len, &cmd, &why), 0);
	assert_int_equal(H(m)->nlmsg_type, FAM);
	assert_int_equal(genlmsg_hdr(H(m))->version, IPVS_GENL_VERSION);
	return cmd;
}

/* the nested attribute table of the service / dest nest, for wire checks */
static void nest_of(struct nl_msg *m, int top, struct nlattr **tb, int max)
{
	struct nlattr *t[IPVS_CMD_ATTR_MAX + 1];
	assert_int_equal(genlmsg_parse(H(m), 0, t, IPVS_CMD_ATTR_MAX, NULL), 0);
	assert_non_null(t[top]);
	assert_int_equal(nla_parse_nested(tb, max, t[top], NULL), 0);
}

static void assert_svc_eq(const struct dir_ipvs_svc *a, const struct dir_ipvs_svc *b)
{
	assert_true(dir_ipvs_svc_key_eq(&a->key, &b->key));
	assert_true(dir_ipvs_svc_attrs_eq(a, b));
	assert_string_equal(a->sched, b->sched);
	assert_string_equal(a->pe, b->pe);
}

static void test_service_round_trip(void **state)
{
	struct dir_ipvs_svc in[3] = { svc4(), svc6(), svc4() }, out;
	const char *why = NULL;

	dir_ipvs_svc_key_fwmark(&in[2].key, AF_INET, 7);
	strcpy(in[2].sched, "mh");
	in[2].flags = DIR_IPVS_SVC_F_MH_FALLBACK | DIR_IPVS_SVC_F_MH_PORT;
	for (int i = 0; i < 3; i++) {
		const uint8_t cmds[] = { IPVS_CMD_NEW_SERVICE, IPVS_CMD_SET_SERVICE };
		for (int c = 0; c < 2; c++) {
			struct nl_msg *m = dir_ipvs_msg_svc(FAM, cmds[c], 0, &in[i]);
			assert_int_equal(cmd_of(m), cmds[c]);
			assert_int_equal(dir_ipvs_parse_svc(H(m), &out, &why), 0);
			assert_svc_eq(&in[i], &out);
			nlmsg_free(m);
		}
	}
}

static void test_service_wire_forms(void **state)
{
	struct dir_ipvs_svc s4 = svc4(), s6 = svc6();
	struct nlattr *tb[IPVS_SVC_ATTR_MAX + 1];
	struct ip_vs_flags fl;
	struct nl_msg *m;

	m = dir_ipvs_msg_svc(FAM, IPVS_CMD_NEW_SERVICE, 0, &s4);
	nest_of(m, IPVS_CMD_ATTR_SERVICE, tb, IPVS_SVC_ATTR_MAX);
	assert_int_equal(nla_get_u16(tb[IPVS_SVC_ATTR_AF]), AF_INET);
	assert_int_equal(nla_get_u16(tb[IPVS_SVC_ATTR_PROTOCOL]), IPPROTO_TCP);
	assert_int_equal(nla_get_u16(tb[IPVS_SVC_ATTR_PORT]), htons(80));       /* network order */
	assert_int_equal(nla_len(tb[IPVS_SVC_ATTR_ADDR]), 16);                 /* nf_inet_addr */
	assert_memory_equal(nla_data(tb[IPVS_SVC_ATTR_NETMASK]), "\xff\xff\xff\x00", 4);
	assert_int_equal(nla_len(tb[IPVS_SVC_ATTR_FLAGS]), sizeof(fl));
	memcpy(&fl, nla_data(tb[IPVS_SVC_ATTR_FLAGS]), sizeof(fl));
	assert_int_equal(fl.flags, IP_VS_SVC_F_PERSISTENT);
	assert_int_equal(fl.mask, 0xffffffffu);
	assert_string_equal(nla_get_string(tb[IPVS_SVC_ATTR_SCHED_NAME]), "wrr");
	assert_int_equal(nla_get_u32(tb[IPVS_SVC_ATTR_TIMEOUT]), 300);
	assert_null(tb[IPVS_SVC_ATTR_PE_NAME]);
	assert_null(tb[IPVS_SVC_ATTR_FWMARK]);
	nlmsg_free(m);

	m = dir_ipvs_msg_svc(FAM, IPVS_CMD_NEW_SERVICE, 0, &s6);
	nest_of(m, IPVS_CMD_ATTR_SERVICE, tb, IPVS_SVC_ATTR_MAX);
	assert_int_equal(nla_get_u32(tb[IPVS_SVC_ATTR_NETMASK]), 64);          /* prefix length */
	assert_string_equal(nla_get_string(tb[IPVS_SVC_ATTR_PE_NAME]), "sip");
	nlmsg_free(m);

	/* DEL / GET_DEST carry the key only */
	m = dir_ipvs_msg_svc(FAM, IPVS_CMD_DEL_SERVICE, 0, &s4);
	assert_int_equal(cmd_of(m), IPVS_CMD_DEL_SERVICE);
	nest_of(m, IPVS_CMD_ATTR_SERVICE, tb, IPVS_SVC_ATTR_MAX);
	assert_non_null(tb[IPVS_SVC_ATTR_ADDR]);
	assert_null(tb[IPVS_SVC_ATTR_SCHED_NAME]);
	assert_null(tb[IPVS_SVC_ATTR_FLAGS]);
	nlmsg_free(m);
	m = dir_ipvs_msg_svc(FAM, IPVS_CMD_GET_DEST, NLM_F_DUMP, &s4);
	assert_true(H(m)->nlmsg_flags & NLM_F_DUMP);
	nlmsg_free(m);

	/* fwmark: no protocol/addr/port on the wire */
	dir_ipvs_svc_key_fwmark(&s4.key, AF_INET6, 0x10);
	m = dir_ipvs_msg_svc(FAM, IPVS_CMD_NEW_SERVICE, 0, &s4);
	nest_of(m, IPVS_CMD_ATTR_SERVICE, tb, IPVS_SVC_ATTR_MAX);
	assert_int_equal(nla_get_u32(tb[IPVS_SVC_ATTR_FWMARK]), 0x10);
	assert_null(tb[IPVS_SVC_ATTR_ADDR]);
	assert_null(tb[IPVS_SVC_ATTR_PORT]);
	assert_null(tb[IPVS_SVC_ATTR_PROTOCOL]);
	nlmsg_free(m);
}

static void test_dest_round_trip(void **state)
{
	struct dir_ipvs_svc s4 = svc4(), s6 = svc6(), sout;
	struct dir_ipvs_dest d = dest4("192.168.1.10", 8080, 5), out;
	struct nlattr *tb[IPVS_DEST_ATTR_MAX + 1];
	const char *why = NULL;
	const uint8_t cmds[] = { IPVS_CMD_NEW_DEST, IPVS_CMD_SET_DEST, IPVS_CMD_DEL_DEST };

	for (int c = 0; c < 3; c++) {
		struct nl_msg *m = dir_ipvs_msg_dest(FAM, cmds[c], &s4, &d);
		assert_int_equal(cmd_of(m), cmds[c]);
		assert_int_equal(dir_ipvs_parse_svc(H(m), &sout, &why), 0);
		assert_true(dir_ipvs_svc_key_eq(&sout.key, &s4.key));
		assert_string_equal(sout.sched, "");            /* service key only */
		assert_int_equal(dir_ipvs_parse_dest(H(m), 0, &out, &why), 0);
		assert_true(dir_ipvs_dest_key_eq(&out.key, &d.key));
		nest_of(m, IPVS_CMD_ATTR_DEST, tb, IPVS_DEST_ATTR_MAX);
		assert_int_equal(nla_get_u16(tb[IPVS_DEST_ATTR_PORT]), htons(8080));
		if (cmds[c] == IPVS_CMD_DEL_DEST) {
			assert_null(tb[IPVS_DEST_ATTR_WEIGHT]);
			assert_null(tb[IPVS_DEST_ATTR_FWD_METHOD]);
		} else {
			assert_true(dir_ipvs_dest_attrs_eq(&out, &d));
			assert_int_equal(out.weight, 5);
			assert_int_equal(out.u_thresh, 1000);
			assert_int_equal(out.l_thresh, 10);
			assert_null(tb[IPVS_DEST_ATTR_TUN_TYPE]);   /* NAT: no tunnel attrs */
		}
		nlmsg_free(m);
	}

	/* TUN gue with port and checksum flags; IPv4 real server of an IPv6 service */
	d.fwd = IP_VS_CONN_F_TUNNEL;
	d.tun_type = IP_VS_CONN_F_TUNNEL_TYPE_GUE;
	d.tun_port = 6080;
	d.tun_flags = IP_VS_TUNNEL_ENCAP_FLAG_CSUM | IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM;
	d.weight = 0;
	struct nl_msg *m = dir_ipvs_msg_dest(FAM, IPVS_CMD_NEW_DEST, &s6, &d);
	nest_of(m, IPVS_CMD_ATTR_DEST, tb, IPVS_DEST_ATTR_MAX);
	assert_int_equal(nla_get_u16(tb[IPVS_DEST_ATTR_TUN_PORT]), htons(6080));
	assert_int_equal(nla_get_u8(tb[IPVS_DEST_ATTR_TUN_TYPE]), IP_VS_CONN_F_TUNNEL_TYPE_GUE);
	assert_int_equal(nla_get_u16(tb[IPVS_DEST_ATTR_ADDR_FAMILY]), AF_INET);
	assert_int_equal(nla_get_u32(tb[IPVS_DEST_ATTR_FWD_METHOD]), IP_VS_CONN_F_TUNNEL);
	assert_int_equal(dir_ipvs_parse_dest(H(m), AF_INET6, &out, &why), 0);
	assert_int_equal(out.key.af, AF_INET);
	assert_true(dir_ipvs_dest_attrs_eq(&out, &d));
	assert_int_equal(out.tun_port, 6080);
	assert_int_equal(out.tun_flags, 3);
	nlmsg_free(m);

	/* negative weights survive (int32 on a u32 attribute) */
	d.weight = -1;
	m = dir_ipvs_msg_dest(FAM, IPVS_CMD_SET_DEST, &s4, &d);
	assert_int_equal(dir_ipvs_parse_dest(H(m), 0, &out, &why), 0);
	assert_int_equal(out.weight, -1);
	nlmsg_free(m);
}

static void test_daemon_timeouts_info(void **state)
{
	struct dir_ipvs_daemon d = { .state = IP_VS_STATE_MASTER, .syncid = 42, .maxlen = 1472,
				     .mcast_port = 8848, .mcast_ttl = 3 }, out;
	struct dir_ipvs_timeouts t = { 900, 120, 300 }, tout;
	struct dir_ipvs_info info = { 0x010201, 4096 }, iout;
	struct nlattr *tb[IPVS_DAEMON_ATTR_MAX + 1];
	const char *why = NULL;
	struct nl_msg *m;

	strcpy(d.ifname, "eth1");
	d.mcast_af = AF_INET;
	inet_pton(AF_INET, "224.0.0.81", &d.mcast_group.v4);
	m = dir_ipvs_msg_daemon(FAM, IPVS_CMD_NEW_DAEMON, &d);
	assert_int_equal(cmd_of(m), IPVS_CMD_NEW_DAEMON);
	nest_of(m, IPVS_CMD_ATTR_DAEMON, tb, IPVS_DAEMON_ATTR_MAX);
	assert_int_equal(nla_get_u16(tb[IPVS_DAEMON_ATTR_MCAST_PORT]), 8848);   /* host order */
	assert_memory_equal(nla_data(tb[IPVS_DAEMON_ATTR_MCAST_GROUP]), "\xe0\x00\x00\x51", 4);
	assert_int_equal(dir_ipvs_parse_daemon(H(m), &out, &why), 0);
	assert_int_equal(out.state, IP_VS_STATE_MASTER);
	assert_string_equal(out.ifname, "eth1");
	assert_int_equal(out.syncid, 42);
	assert_int_equal(out.maxlen, 1472);
	assert_int_equal(out.mcast_af, AF_INET);
	assert_int_equal(out.mcast_group.v4.s_addr, d.mcast_group.v4.s_addr);
	assert_int_equal(out.mcast_port, 8848);
	assert_int_equal(out.mcast_ttl, 3);
	nlmsg_free(m);

	memset(&d.mcast_group, 0, sizeof(d.mcast_group));
	d.mcast_af = AF_INET6;
	inet_pton(AF_INET6, "ff02::81", &d.mcast_group.v6);
	d.state = IP_VS_STATE_BACKUP;
	d.maxlen = d.mcast_port = d.mcast_ttl = 0;
	m = dir_ipvs_msg_daemon(FAM, IPVS_CMD_NEW_DAEMON, &d);
	nest_of(m, IPVS_CMD_ATTR_DAEMON, tb, IPVS_DAEMON_ATTR_MAX);
	assert_null(tb[IPVS_DAEMON_ATTR_SYNC_MAXLEN]);     /* zero = kernel default: omitted */
	assert_null(tb[IPVS_DAEMON_ATTR_MCAST_GROUP]);
	assert_int_equal(dir_ipvs_parse_daemon(H(m), &out, &why), 0);
	assert_int_equal(out.mcast_af, AF_INET6);
	assert_memory_equal(out.mcast_group.b, d.mcast_group.b, 16);
	nlmsg_free(m);

	m = dir_ipvs_msg_daemon(FAM, IPVS_CMD_DEL_DAEMON, &d);
	nest_of(m, IPVS_CMD_ATTR_DAEMON, tb, IPVS_DAEMON_ATTR_MAX);
	assert_non_null(tb[IPVS_DAEMON_ATTR_STATE]);
	assert_null(tb[IPVS_DAEMON_ATTR_MCAST_IFN]);
	nlmsg_free(m);

	m = dir_ipvs_msg_timeouts(FAM, &t);
	assert_int_equal(cmd_of(m), IPVS_CMD_SET_CONFIG);
	assert_int_equal(dir_ipvs_parse_timeouts(H(m), &tout, &why), 0);
	assert_int_equal(tout.tcp, 900);
	assert_int_equal(tout.tcp_fin, 120);
	assert_int_equal(tout.udp, 300);
	nlmsg_free(m);

	m = dir_ipvs_msg_info_reply(FAM, &info);
	assert_int_equal(cmd_of(m), IPVS_CMD_SET_INFO);
	assert_int_equal(dir_ipvs_parse_info(H(m), &iout, &why), 0);
	assert_int_equal(iout.version, 0x010201);
	assert_int_equal(iout.conn_tab_size, 4096);
	nlmsg_free(m);

	const uint8_t simple[] = { IPVS_CMD_GET_INFO, IPVS_CMD_GET_CONFIG, IPVS_CMD_FLUSH,
				   IPVS_CMD_ZERO };
	for (size_t i = 0; i < sizeof(simple); i++) {
		m = dir_ipvs_msg_new(FAM, simple[i], 0);
		assert_int_equal(cmd_of(m), simple[i]);
		assert_int_equal(H(m)->nlmsg_len, NLMSG_HDRLEN + GENL_HDRLEN);
		nlmsg_free(m);
	}
}

static void test_entries_with_stats(void **state)
{
	struct dir_ipvs_svc s = svc4(), out;
	struct dir_ipvs_dest d = dest4("10.1.0.2", 80, 3), dout;
	const char *why = NULL;
	struct nl_msg *m;

	s.stats = (struct dir_ipvs_stats){ 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	s.stats.conns = 0x1234567890ULL;   /* needs the 64-bit nest */
	m = dir_ipvs_msg_svc_entry(FAM, &s);
	assert_int_equal(cmd_of(m), IPVS_CMD_NEW_SERVICE);
	assert_true(H(m)->nlmsg_flags & NLM_F_MULTI);
	assert_int_equal(dir_ipvs_parse_svc(H(m), &out, &why), 0);
	assert_svc_eq(&s, &out);
	assert_int_equal(out.flags, IP_VS_SVC_F_PERSISTENT);   /* HASHED dropped */
	assert_true(out.has_stats);
	assert_memory_equal(&out.stats, &s.stats, sizeof(s.stats));
	nlmsg_free(m);

	d.active_conns = 11;
	d.inact_conns = 12;
	d.persist_conns = 13;
	d.stats.outbytes = 1ULL << 40;
	d.stats.inpkts = 77;
	m = dir_ipvs_msg_dest_entry(FAM, &d);
	assert_int_equal(cmd_of(m), IPVS_CMD_NEW_DEST);
	assert_int_equal(dir_ipvs_parse_dest(H(m), AF_INET6, &dout, &why), 0);
	assert_int_equal(dout.key.af, AF_INET);    /* ADDR_FAMILY wins over the service's */
	assert_true(dir_ipvs_dest_attrs_eq(&dout, &d));
	assert_int_equal(dout.active_conns, 11);
	assert_int_equal(dout.inact_conns, 12);
	assert_int_equal(dout.persist_conns, 13);
	assert_memory_equal(&dout.stats, &d.stats, sizeof(d.stats));
	nlmsg_free(m);
}

/* the largest messages (IPv6, longest names, every stats counter at 64 bits) fit */
static void test_largest_messages(void **state)
{
	struct dir_ipvs_svc s = svc6(), out;
	struct dir_ipvs_dest d = dest4("10.0.0.1", 1, 1), dout;
	const char *why = NULL;
	struct nl_msg *m;

	memset(s.sched, 'x', sizeof(s.sched) - 1);
	memset(s.pe, 'y', sizeof(s.pe) - 1);
	memset(&s.stats, 0xff, sizeof(s.stats));
	m = dir_ipvs_msg_svc_entry(FAM, &s);
	assert_non_null(m);
	assert_true(H(m)->nlmsg_len < 512);
	assert_int_equal(dir_ipvs_parse_svc(H(m), &out, &why), 0);
	assert_int_equal(strlen(out.sched), IP_VS_SCHEDNAME_MAXLEN - 1);
	assert_int_equal(strlen(out.pe), IP_VS_PENAME_MAXLEN - 1);
	assert_int_equal(out.stats.outbps, UINT64_MAX);
	nlmsg_free(m);
	memset(&d.stats, 0xff, sizeof(d.stats));
	d.key.af = AF_INET6;
	m = dir_ipvs_msg_dest_entry(FAM, &d);
	assert_non_null(m);
	assert_true(H(m)->nlmsg_len < 512);
	assert_int_equal(dir_ipvs_parse_dest(H(m), 0, &dout, &why), 0);
	assert_int_equal(dout.stats.conns, UINT64_MAX);
	nlmsg_free(m);
}

/* an older kernel: STATS only (u32 counters, u64 bytes), no ADDR_FAMILY, no tunnel attrs */
static void test_old_kernel_entry(void **state)
{
	struct nl_msg *m = dir_ipvs_msg_new(FAM, IPVS_CMD_NEW_DEST, NLM_F_MULTI);
	struct nlattr *n, *st;
	union dir_ipvs_addr a = { 0 };
	struct dir_ipvs_dest out;
	const char *why = NULL;

	a.w[0] = htonl(0x0a000005);
	n = nla_nest_start(m, IPVS_CMD_ATTR_DEST);
	nla_put(m, IPVS_DEST_ATTR_ADDR, 16, &a);
	nla_put_u16(m, IPVS_DEST_ATTR_PORT, htons(443));
	nla_put_u32(m, IPVS_DEST_ATTR_FWD_METHOD, IP_VS_CONN_F_DROUTE | IP_VS_CONN_F_ONE_PACKET);
	nla_put_u32(m, IPVS_DEST_ATTR_WEIGHT, 9);
	st = nla_nest_start(m, IPVS_DEST_ATTR_STATS);
	nla_put_u32(m, IPVS_STATS_ATTR_CONNS, 0xfffffffe);
	nla_put_u64(m, IPVS_STATS_ATTR_INBYTES, 1ULL << 35);
	nla_put_u32(m, IPVS_STATS_ATTR_OUTBPS, 5);
	nla_nest_end(m, st);
	nla_nest_end(m, n);
	assert_int_equal(dir_ipvs_parse_dest(H(m), AF_INET, &out, &why), 0);
	assert_int_equal(out.key.port, 443);
	assert_int_equal(out.key.addr.w[0], htonl(0x0a000005));
	assert_int_equal(out.fwd, IP_VS_CONN_F_DROUTE);
	assert_int_equal(out.weight, 9);
	assert_true(out.has_stats);
	assert_int_equal(out.stats.conns, 0xfffffffeULL);
	assert_int_equal(out.stats.inbytes, 1ULL << 35);
	assert_int_equal(out.stats.outbps, 5);
	/* no af anywhere: refused */
	assert_int_equal(dir_ipvs_parse_dest(H(m), 0, &out, &why), -1);
	assert_non_null(why);
	nlmsg_free(m);
}

static void test_ops_to_messages(void **state)
{
	struct dir_ipvs_svc s = svc4();
	struct dir_ipvs_dest d = dest4("10.2.0.1", 80, 1);
	const struct { enum dir_ipvs_op_kind k; uint8_t cmd; } map[] = {
		{ DIR_IPVS_OP_NEW_SVC, IPVS_CMD_NEW_SERVICE }, { DIR_IPVS_OP_SET_SVC, IPVS_CMD_SET_SERVICE },
		{ DIR_IPVS_OP_DEL_SVC, IPVS_CMD_DEL_SERVICE }, { DIR_IPVS_OP_NEW_DEST, IPVS_CMD_NEW_DEST },
		{ DIR_IPVS_OP_SET_DEST, IPVS_CMD_SET_DEST }, { DIR_IPVS_OP_DEL_DEST, IPVS_CMD_DEL_DEST },
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		struct dir_ipvs_op op = { map[i].k, &s, &d };
		struct nl_msg *m = dir_ipvs_msg_op(FAM, &op);
		assert_int_equal(cmd_of(m), map[i].cmd);
		assert_string_not_equal(dir_ipvs_op_name(map[i].k), "?");
		nlmsg_free(m);
	}
}

/* append one message's bytes to a buffer */
static size_t append(uint8_t *buf, size_t off, size_t cap, struct nl_msg *m)
{
	size_t n = NLMSG_ALIGN(H(m)->nlmsg_len);
	assert_true(off + n <= cap);
	memcpy(buf + off, H(m), H(m)->nlmsg_len);
	memset(buf + off + H(m)->nlmsg_len, 0, n - H(m)->nlmsg_len);
	nlmsg_free(m);
	return off + n;
}

static size_t append_ctl_seq(uint8_t *buf, size_t off, uint16_t type, int err, uint32_t seq)
{
	struct nlmsghdr h = { .nlmsg_len = NLMSG_HDRLEN, .nlmsg_type = type, .nlmsg_seq = seq };
	if (type == NLMSG_ERROR)
		h.nlmsg_len = NLMSG_LENGTH(sizeof(struct nlmsgerr));
	memset(buf + off, 0, NLMSG_ALIGN(h.nlmsg_len));
	memcpy(buf + off, &h, sizeof(h));
	if (type == NLMSG_ERROR)
		memcpy(buf + off + NLMSG_HDRLEN, &err, sizeof(err));
	return off + NLMSG_ALIGN(h.nlmsg_len);
}

static size_t append_ctl(uint8_t *buf, size_t off, uint16_t type, int err)
{
	return append_ctl_seq(buf, off, type, err, 0);
}

struct acks { uint32_t seq[8]; int err[8]; unsigned n; };

static void record_ack(void *arg, uint32_t seq, int error)
{
	struct acks *a = arg;
	if (a->n < 8) {
		a->seq[a->n] = seq;
		a->err[a->n++] = error;
	}
}

static void test_reply_stream(void **state)
{
	static uint8_t buf[8192];
	struct dir_ipvs_svc a = svc4(), b = svc6();
	struct dir_ipvs_dest d1 = dest4("10.0.1.1", 80, 1), d2 = dest4("10.0.1.2", 80, 2);
	struct dir_ipvs_table t;
	struct dir_ipvs_reply r;
	struct dir_ipvs_info info = { 0x010201, 4096 };
	const char *why = NULL;
	size_t off = 0;

	off = append(buf, off, sizeof(buf), dir_ipvs_msg_svc_entry(FAM, &a));
	off = append(buf, off, sizeof(buf), dir_ipvs_msg_dest_entry(FAM, &d1));
	off = append(buf, off, sizeof(buf), dir_ipvs_msg_dest_entry(FAM, &d2));
	off = append(buf, off, sizeof(buf), dir_ipvs_msg_svc_entry(FAM, &b));
	off = append(buf, off, sizeof(buf), dir_ipvs_msg_info_reply(FAM, &info));
	off = append_ctl(buf, off, NLMSG_DONE, 0);

	dir_ipvs_table_init(&t);
	memset(&r, 0, sizeof(r));
	r.table = &t;
	assert_int_equal(dir_ipvs_reply_feed(&r, FAM, buf, off, &why), 0);
	assert_true(r.done);
	assert_true(r.has_info);
	assert_int_equal(r.info.conn_tab_size, 4096);
	assert_int_equal(t.nsvcs, 2);
	struct dir_ipvs_svc *sa = dir_ipvs_svc_find(&t, &a.key);
	assert_non_null(sa);
	assert_int_equal(sa->ndests, 2);
	assert_non_null(dir_ipvs_dest_find(sa, &d2.key));
	assert_int_equal(dir_ipvs_svc_find(&t, &b.key)->ndests, 0);

	/* the same stream again: duplicates are refused, with a reason */
	assert_int_equal(dir_ipvs_reply_feed(&r, FAM, buf, off, &why), -1);
	assert_string_equal(why, "duplicate service");
	/* another family's messages are refused */
	assert_int_equal(dir_ipvs_reply_feed(&r, FAM + 1, buf, off, &why), -1);
	dir_ipvs_table_free(&t);

	/* errors and acks, matched to their requests by sequence number */
	struct acks acks = { 0 };
	memset(&r, 0, sizeof(r));
	r.on_ack = record_ack;
	r.ack_arg = &acks;
	off = append_ctl_seq(buf, 0, NLMSG_ERROR, 0, 41);
	off = append_ctl_seq(buf, off, NLMSG_ERROR, -17, 42);
	off = append_ctl_seq(buf, off, NLMSG_ERROR, 0, 43);
	assert_int_equal(dir_ipvs_reply_feed(&r, FAM, buf, off, &why), 0);
	assert_int_equal(r.nacks, 2);
	assert_int_equal(r.error, 17);
	assert_int_equal(r.error_seq, 42);
	assert_int_equal(acks.n, 3);
	assert_int_equal(acks.seq[0], 41);
	assert_int_equal(acks.err[0], 0);
	assert_int_equal(acks.seq[1], 42);
	assert_int_equal(acks.err[1], 17);
	assert_int_equal(acks.seq[2], 43);
	r.on_ack = NULL;
	off = append_ctl(buf, 0, NLMSG_ERROR, 5);
	assert_int_equal(dir_ipvs_reply_feed(&r, FAM, buf, off, &why), -1);
	/* a dest entry with no service to go to */
	memset(&r, 0, sizeof(r));
	off = append(buf, 0, sizeof(buf), dir_ipvs_msg_dest_entry(FAM, &d1));
	assert_int_equal(dir_ipvs_reply_feed(&r, FAM, buf, off, &why), -1);
	/* daemons: at most two */
	struct dir_ipvs_daemon dm = { .state = IP_VS_STATE_MASTER, .ifname = "eth0" };
	off = 0;
	for (int i = 0; i < 3; i++)
		off = append(buf, off, sizeof(buf), dir_ipvs_msg_daemon(FAM, IPVS_CMD_NEW_DAEMON, &dm));
	assert_int_equal(dir_ipvs_reply_feed(&r, -1, buf, off, &why), -1);
	assert_int_equal(r.ndaemons, 2);
	assert_string_equal(r.daemons[1].ifname, "eth0");
}

/* With IPVS_WRITE_CORPUS=dir set, write the fuzz seeds (tests/fuzz/corpus/ipvs_reply/):
 * builders' output wrapped as the kernel's replies. Without it, only checks the streams
 * parse. */
static void write_seed(const char *dir, const char *name, const uint8_t *buf, size_t len)
{
	struct dir_ipvs_table t;
	struct dir_ipvs_reply r;
	const char *why = NULL;
	char path[512];
	FILE *f;

	dir_ipvs_table_init(&t);
	memset(&r, 0, sizeof(r));
	r.table = &t;
	assert_int_equal(dir_ipvs_reply_feed(&r, FAM, buf, len, &why), 0);
	dir_ipvs_table_free(&t);
	if (!dir)
		return;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	fclose(f);
}

static void test_fuzz_seeds(void **state)
{
	static uint8_t buf[16384];
	const char *dir = getenv("IPVS_WRITE_CORPUS");
	struct dir_ipvs_svc a = svc4(), b = svc6(), fw = svc4();
	struct dir_ipvs_dest d1 = dest4("10.0.1.1", 80, 1), d2 = dest4("10.0.1.2", 80, 2);
	struct dir_ipvs_info info = { 0x010201, 4096 };
	struct dir_ipvs_timeouts to = { 900, 120, 300 };
	struct dir_ipvs_daemon m = { .state = IP_VS_STATE_MASTER, .ifname = "eth0", .syncid = 7,
				     .maxlen = 1400, .mcast_af = AF_INET, .mcast_port = 8848,
				     .mcast_ttl = 1 };
	struct dir_ipvs_daemon bk = { .state = IP_VS_STATE_BACKUP, .ifname = "eth1", .syncid = 7,
				      .mcast_af = AF_INET6 };
	size_t off;

	inet_pton(AF_INET, "224.0.0.81", &m.mcast_group.v4);
	inet_pton(AF_INET6, "ff02::81", &bk.mcast_group.v6);
	dir_ipvs_svc_key_fwmark(&fw.key, AF_INET, 42);
	a.stats = (struct dir_ipvs_stats){ 10, 20, 30, 1ULL << 33, 50, 1, 2, 3, 4, 5 };
	d1.stats.conns = 5;
	d1.active_conns = 2;

	off = append(buf, 0, sizeof(buf), dir_ipvs_msg_svc_entry(FAM, &a));
	off = append(buf, off, sizeof(buf), dir_ipvs_msg_dest_entry(FAM, &d1));
	off = append(buf, off, sizeof(buf), dir_ipvs_msg_dest_entry(FAM, &d2));
	off = append(buf, off, sizeof(buf), dir_ipvs_msg_svc_entry(FAM, &b));
	off = append_ctl(buf, off, NLMSG_DONE, 0);
	write_seed(dir, "dump-services-dests", buf, off);

	off = append(buf, 0, sizeof(buf), dir_ipvs_msg_svc_entry(FAM, &b));
	write_seed(dir, "service-ipv6-pe", buf, off);

	d1.fwd = IP_VS_CONN_F_TUNNEL;
	d1.tun_type = IP_VS_CONN_F_TUNNEL_TYPE_GUE;
	d1.tun_port = 6080;
	d1.tun_flags = IP_VS_TUNNEL_ENCAP_FLAG_CSUM;
	off = append(buf, 0, sizeof(buf), dir_ipvs_msg_svc_entry(FAM, &fw));
	off = append(buf, off, sizeof(buf), dir_ipvs_msg_dest_entry(FAM, &d1));
	off = append_ctl(buf, off, NLMSG_DONE, 0);
	write_seed(dir, "fwmark-tun-gue", buf, off);

	off = append(buf, 0, sizeof(buf), dir_ipvs_msg_info_reply(FAM, &info));
	off = append_ctl(buf, off, NLMSG_ERROR, 0);
	write_seed(dir, "info-ack", buf, off);

	struct nl_msg *cfg = dir_ipvs_msg_timeouts(FAM, &to);
	off = append(buf, 0, sizeof(buf), cfg);
	write_seed(dir, "config-timeouts", buf, off);

	off = append(buf, 0, sizeof(buf), dir_ipvs_msg_daemon(FAM, IPVS_CMD_NEW_DAEMON, &m));
	off = append(buf, off, sizeof(buf), dir_ipvs_msg_daemon(FAM, IPVS_CMD_NEW_DAEMON, &bk));
	off = append_ctl(buf, off, NLMSG_DONE, 0);
	write_seed(dir, "daemons", buf, off);

	off = append_ctl(buf, 0, NLMSG_ERROR, -17);
	write_seed(dir, "error-eexist", buf, off);
}

/* hand-made malformed messages: each is refused with a reason, none crashes */
static void test_malformed(void **state)
{
	const char *why;
	struct dir_ipvs_svc s;
	struct dir_ipvs_dest d;
	struct dir_ipvs_reply r;
	struct nl_msg *m;
	struct nlattr *n;
	uint8_t buf[256];

	/* service with af 7 */
	m = dir_ipvs_msg_new(FAM, IPVS_CMD_NEW_SERVICE, 0);
	n = nla_nest_start(m, IPVS_CMD_ATTR_SERVICE);
	nla_put_u16(m, IPVS_SVC_ATTR_AF, 7);
	nla_put_u32(m, IPVS_SVC_ATTR_FWMARK, 1);
	nla_nest_end(m, n);
	why = NULL;
	assert_int_equal(dir_ipvs_parse_svc(H(m), &s, &why), -1);
	assert_non_null(why);
	nlmsg_free(m);

	/* IPv6 service with a 4-byte address */
	m = dir_ipvs_msg_new(FAM, IPVS_CMD_NEW_SERVICE, 0);
	n = nla_nest_start(m, IPVS_CMD_ATTR_SERVICE);
	nla_put_u16(m, IPVS_SVC_ATTR_AF, AF_INET6);
	nla_put_u16(m, IPVS_SVC_ATTR_PROTOCOL, IPPROTO_TCP);
	nla_put_u32(m, IPVS_SVC_ATTR_ADDR, 0x01020304);
	nla_put_u16(m, IPVS_SVC_ATTR_PORT, htons(1));
	nla_nest_end(m, n);
	assert_int_equal(dir_ipvs_parse_svc(H(m), &s, &why), -1);
	assert_string_equal(why, "address shorter than its family");
	nlmsg_free(m);

	/* scheduler name without NUL, and one too long */
	m = dir_ipvs_msg_new(FAM, IPVS_CMD_NEW_SERVICE, 0);
	n = nla_nest_start(m, IPVS_CMD_ATTR_SERVICE);
	nla_put_u16(m, IPVS_SVC_ATTR_AF, AF_INET);
	nla_put_u32(m, IPVS_SVC_ATTR_FWMARK, 1);
	nla_put(m, IPVS_SVC_ATTR_SCHED_NAME, 3, "wrr");
	nla_nest_end(m, n);
	assert_int_equal(dir_ipvs_parse_svc(H(m), &s, &why), -1);
	assert_string_equal(why, "bad scheduler name");
	nlmsg_free(m);
	m = dir_ipvs_msg_new(FAM, IPVS_CMD_NEW_SERVICE, 0);
	n = nla_nest_start(m, IPVS_CMD_ATTR_SERVICE);
	nla_put_u16(m, IPVS_SVC_ATTR_AF, AF_INET);
	nla_put_u32(m, IPVS_SVC_ATTR_FWMARK, 1);
	nla_put_string(m, IPVS_SVC_ATTR_SCHED_NAME, "a-scheduler-name-too-long");
	nla_nest_end(m, n);
	assert_int_equal(dir_ipvs_parse_svc(H(m), &s, &why), -1);
	nlmsg_free(m);

	/* short flags, short port */
	m = dir_ipvs_msg_new(FAM, IPVS_CMD_NEW_SERVICE, 0);
	n = nla_nest_start(m, IPVS_CMD_ATTR_SERVICE);
	nla_put_u16(m, IPVS_SVC_ATTR_AF, AF_INET);
	nla_put_u32(m, IPVS_SVC_ATTR_FWMARK, 1);
	nla_put_u32(m, IPVS_SVC_ATTR_FLAGS, 1);
	nla_nest_end(m, n);
	assert_int_equal(dir_ipvs_parse_svc(H(m), &s, &why), -1);
	assert_string_equal(why, "short service flags");
	nlmsg_free(m);
	m = dir_ipvs_msg_new(FAM, IPVS_CMD_NEW_DEST, 0);
	n = nla_nest_start(m, IPVS_CMD_ATTR_DEST);
	nla_put(m, IPVS_DEST_ATTR_ADDR, 16, buf);
	nla_put_u8(m, IPVS_DEST_ATTR_PORT, 1);
	nla_nest_end(m, n);
	assert_int_equal(dir_ipvs_parse_dest(H(m), AF_INET, &d, &why), -1);
	assert_string_equal(why, "destination without port");
	nlmsg_free(m);

	/* no service at all; header only; truncated buffers */
	m = dir_ipvs_msg_new(FAM, IPVS_CMD_NEW_SERVICE, 0);
	assert_int_equal(dir_ipvs_parse_svc(H(m), &s, &why), -1);
	assert_string_equal(why, "no service attribute");
	memset(&r, 0, sizeof(r));
	for (size_t cut = 0; cut < H(m)->nlmsg_len; cut++) {
		memcpy(buf, H(m), cut);
		why = NULL;
		assert_int_equal(dir_ipvs_reply_feed(&r, FAM, buf, cut, &why), cut ? -1 : 0);
	}
	nlmsg_free(m);
	/* a netlink length that lies about the buffer */
	struct nlmsghdr h = { .nlmsg_len = 200, .nlmsg_type = FAM };
	memcpy(buf, &h, sizeof(h));
	assert_int_equal(dir_ipvs_reply_feed(&r, FAM, buf, 64, &why), -1);
	assert_string_equal(why, "truncated netlink message");
	uint8_t cmd;
	assert_int_equal(dir_ipvs_parse_cmd((struct nlmsghdr *)buf, 64, &cmd, &why), -1);
}

static void test_kernel_rules(void **state)
{
	struct dir_ipvs_svc s = svc4(), s6 = svc6();
	struct dir_ipvs_dest d = dest4("10.1.0.1", 80, 1);
	const char *why = NULL;

	assert_int_equal(dir_ipvs_svc_check(&s, &why), 0);
	assert_int_equal(dir_ipvs_svc_check(&s6, &why), 0);
	s6.netmask = 0;
	assert_int_equal(dir_ipvs_svc_check(&s6, &why), -1);
	assert_string_equal(why, "IPv6 persistence prefix length not in 1..128");
	s.netmask = htonl(0xff00ff00);
	assert_int_equal(dir_ipvs_svc_check(&s, &why), -1);
	s = svc4();
	strcpy(s.sched, "fastest");
	assert_int_equal(dir_ipvs_svc_check(&s, &why), -1);
	assert_string_equal(why, "unknown scheduler");
	s = svc4();
	s.key.protocol = IPPROTO_ICMP;
	assert_int_equal(dir_ipvs_svc_check(&s, &why), -1);
	dir_ipvs_svc_key_fwmark(&s.key, AF_INET, 3);           /* fwmark: no protocol */
	assert_int_equal(dir_ipvs_svc_check(&s, &why), 0);
	s.flags |= IP_VS_SVC_F_HASHED;
	assert_int_equal(dir_ipvs_svc_check(&s, &why), -1);

	s = svc4();
	assert_int_equal(dir_ipvs_dest_check(&s, &d, &why), 0);
	d.weight = -1;
	assert_int_equal(dir_ipvs_dest_check(&s, &d, &why), -1);
	assert_string_equal(why, "negative weight");
	d = dest4("10.1.0.1", 80, 1);
	d.u_thresh = 0;                                        /* the kernel: l > u is ERANGE */
	assert_int_equal(dir_ipvs_dest_check(&s, &d, &why), -1);
	d.l_thresh = 0;
	assert_int_equal(dir_ipvs_dest_check(&s, &d, &why), 0);
	d.fwd = 5;
	assert_int_equal(dir_ipvs_dest_check(&s, &d, &why), -1);
	d.fwd = IP_VS_CONN_F_TUNNEL;
	d.tun_type = IP_VS_CONN_F_TUNNEL_TYPE_GUE;
	assert_int_equal(dir_ipvs_dest_check(&s, &d, &why), -1);
	assert_string_equal(why, "gue tunnel without a port");
	d.tun_port = 6080;
	assert_int_equal(dir_ipvs_dest_check(&s, &d, &why), 0);
	d.tun_type = 9;
	assert_int_equal(dir_ipvs_dest_check(&s, &d, &why), -1);
	/* IPv4 real server in an IPv6 service: TUN only */
	d = dest4("10.1.0.1", 80, 1);
	assert_int_equal(dir_ipvs_dest_check(&s6, &d, &why), -1);
	d.fwd = IP_VS_CONN_F_TUNNEL;
	assert_int_equal(dir_ipvs_dest_check(&s6, &d, &why), 0);
	const char *bad4[] = { "0.0.0.0", "255.255.255.255", "224.0.0.18" };
	for (size_t i = 0; i < 3; i++) {
		d = dest4(bad4[i], 80, 1);
		assert_int_equal(dir_ipvs_dest_check(&s, &d, &why), -1);
		assert_string_equal(why, "real server address not unicast");
	}
	const char *bad6[] = { "::", "ff02::1", "fe80::1" };
	s6 = svc6();
	for (size_t i = 0; i < 3; i++) {
		struct in6_addr a6;
		inet_pton(AF_INET6, bad6[i], &a6);
		dir_ipvs_dest_key_set(&d.key, AF_INET6, &a6, 80);
		d.fwd = IP_VS_CONN_F_DROUTE;
		assert_int_equal(dir_ipvs_dest_check(&s6, &d, &why), -1);
	}
	struct in6_addr ok6;
	inet_pton(AF_INET6, "2001:db8::5", &ok6);
	dir_ipvs_dest_key_set(&d.key, AF_INET6, &ok6, 80);
	assert_int_equal(dir_ipvs_dest_check(&s6, &d, &why), 0);
}

static void test_names(void **state)
{
	uint32_t bit = 0, fwd = 99, nm = 0;
	uint8_t tun = 9;
	uint16_t proto = 0;
	char buf[64];
	const char *all[] = { "rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq",
			      "fo", "ovf", "mh", "twos" };

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		assert_true(dir_ipvs_sched_known(all[i]));
	assert_false(dir_ipvs_sched_known("wrrr"));
	assert_false(dir_ipvs_sched_known(""));

	assert_int_equal(dir_ipvs_sched_flag("sh", "sh-fallback", &bit), 0);
	assert_int_equal(bit, IP_VS_SVC_F_SCHED1);
	assert_int_equal(dir_ipvs_sched_flag("sh", "sh-port", &bit), 0);
	assert_int_equal(bit, IP_VS_SVC_F_SCHED2);
	assert_int_equal(dir_ipvs_sched_flag("mh", "mh-fallback", &bit), 0);
	assert_int_equal(bit, IP_VS_SVC_F_SCHED1);
	assert_int_equal(dir_ipvs_sched_flag("mh", "mh-port", &bit), 0);
	assert_int_equal(bit, IP_VS_SVC_F_SCHED2);
	assert_int_equal(dir_ipvs_sched_flag("rr", "flag-3", &bit), 0);
	assert_int_equal(bit, IP_VS_SVC_F_SCHED3);
	assert_int_equal(dir_ipvs_sched_flag("rr", "sh-port", &bit), -1);
	assert_int_equal(dir_ipvs_sched_flag("mh", "sh-port", &bit), -1);
	assert_int_equal(dir_ipvs_sched_flag("sh", "nope", &bit), -1);

	dir_ipvs_sched_flags_str("sh", IP_VS_SVC_F_SCHED1 | IP_VS_SVC_F_SCHED2 | IP_VS_SVC_F_PERSISTENT,
				 buf, sizeof(buf));
	assert_string_equal(buf, "sh-fallback,sh-port");
	dir_ipvs_sched_flags_str("mh", IP_VS_SVC_F_SCHED2, buf, sizeof(buf));
	assert_string_equal(buf, "mh-port");
	dir_ipvs_sched_flags_str("rr", IP_VS_SVC_F_SCHED1 | IP_VS_SVC_F_SCHED3, buf, sizeof(buf));
	assert_string_equal(buf, "flag-1,flag-3");
	dir_ipvs_sched_flags_str("rr", 0, buf, sizeof(buf));
	assert_string_equal(buf, "");
	dir_ipvs_sched_flags_str("sh", IP_VS_SVC_F_SCHED1 | IP_VS_SVC_F_SCHED2, buf, 5);
	assert_true(strlen(buf) < 5);

	assert_int_equal(dir_ipvs_fwd_from_name("dr", &fwd), 0);
	assert_int_equal(fwd, IP_VS_CONN_F_DROUTE);
	assert_int_equal(dir_ipvs_fwd_from_name("NAT", &fwd), 0);
	assert_int_equal(fwd, IP_VS_CONN_F_MASQ);
	assert_int_equal(dir_ipvs_fwd_from_name("TUN", &fwd), 0);
	assert_string_equal(dir_ipvs_fwd_name(fwd), "TUN");
	assert_int_equal(dir_ipvs_fwd_from_name("FNAT", &fwd), -1);
	assert_int_equal(dir_ipvs_tun_from_name("gre", &tun), 0);
	assert_int_equal(tun, IP_VS_CONN_F_TUNNEL_TYPE_GRE);
	assert_string_equal(dir_ipvs_tun_name(IP_VS_CONN_F_TUNNEL_TYPE_GUE), "gue");
	assert_string_equal(dir_ipvs_tun_name(200), "?");
	assert_int_equal(dir_ipvs_proto_from_name("SCTP", &proto), 0);
	assert_int_equal(proto, IPPROTO_SCTP);
	assert_string_equal(dir_ipvs_proto_name(IPPROTO_UDP), "udp");
	assert_int_equal(dir_ipvs_proto_from_name("icmp", &proto), -1);

	assert_int_equal(dir_ipvs_netmask(AF_INET, 32, &nm), 0);
	assert_int_equal(nm, 0xffffffffu);
	assert_int_equal(dir_ipvs_netmask(AF_INET, 16, &nm), 0);
	assert_memory_equal(&nm, "\xff\xff\x00\x00", 4);
	assert_int_equal(dir_ipvs_netmask(AF_INET, 0, &nm), 0);
	assert_int_equal(nm, 0);
	assert_int_equal(dir_ipvs_netmask(AF_INET, 33, &nm), -1);
	assert_int_equal(dir_ipvs_netmask(AF_INET6, 128, &nm), 0);
	assert_int_equal(nm, 128);
	assert_int_equal(dir_ipvs_netmask(AF_INET6, 0, &nm), -1);
	assert_int_equal(dir_ipvs_netmask(AF_INET6, 129, &nm), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_service_round_trip),
		cmocka_unit_test(test_service_wire_forms),
		cmocka_unit_test(test_dest_round_trip),
		cmocka_unit_test(test_daemon_timeouts_info),
		cmocka_unit_test(test_entries_with_stats),
		cmocka_unit_test(test_largest_messages),
		cmocka_unit_test(test_old_kernel_entry),
		cmocka_unit_test(test_ops_to_messages),
		cmocka_unit_test(test_reply_stream),
		cmocka_unit_test(test_fuzz_seeds),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_kernel_rules),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
