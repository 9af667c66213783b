/* tests/unit/test_relay_tap.c - the pure parts of the relay's local ends: relay_tap_parse
 * (which packets an AF_PACKET tap on the local interface takes as the kernel master thread's
 * sync datagrams: IPv4 and IPv6 UDP to the group and port, not our injector's, not
 * fragments, lengths consistent) and relay_conn_line_parse (lines of
 * /proc/net/ip_vs_conn_sync: connections, templates, IPv6, the header, unknown states,
 * garbage). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/ip_vs.h>
#include "sync/relay_os.h"
#include "sync/relay_resync.h"

static size_t ip4_udp(uint8_t *p, const char *dst, uint16_t sport, uint16_t dport,
                      const uint8_t *pl, size_t plen)
{
	size_t tot = 20 + 8 + plen;

	memset(p, 0, 28);
	p[0] = 0x45;
	p[2] = (uint8_t)(tot >> 8);
	p[3] = (uint8_t)tot;
	p[6] = 0x40;                 /* DF */
	p[8] = 1;
	p[9] = IPPROTO_UDP;
	inet_pton(AF_INET, "169.254.77.1", p + 12);
	inet_pton(AF_INET, dst, p + 16);
	p[20] = (uint8_t)(sport >> 8);
	p[21] = (uint8_t)sport;
	p[22] = (uint8_t)(dport >> 8);
	p[23] = (uint8_t)dport;
	p[24] = (uint8_t)((8 + plen) >> 8);
	p[25] = (uint8_t)(8 + plen);
	memcpy(p + 28, pl, plen);
	return tot;
}

static void test_tap_ipv4(void **state)
{
	struct relay_tap_filter f = { .af = AF_INET, .port = 8848, .own_port = 40000 };
	uint8_t pkt[2000], pl[100];
	const uint8_t *out;
	size_t olen, n;

	(void)state;
	inet_pton(AF_INET, "224.0.0.81", &f.group.v4);
	memset(pl, 0xab, sizeof(pl));
	n = ip4_udp(pkt, "224.0.0.81", 33000, 8848, pl, 44);
	assert_int_equal(relay_tap_parse(pkt, n, ETH_P_IP, &f, &out, &olen), 1);
	assert_int_equal(olen, 44);
	assert_ptr_equal(out, pkt + 28);
	/* trailing link padding after the IP packet is ignored */
	assert_int_equal(relay_tap_parse(pkt, n + 10, ETH_P_IP, &f, &out, &olen), 1);
	assert_int_equal(olen, 44);
	/* our injector's own datagram */
	n = ip4_udp(pkt, "224.0.0.81", 40000, 8848, pl, 44);
	assert_int_equal(relay_tap_parse(pkt, n, ETH_P_IP, &f, &out, &olen), 0);
	/* another port, another group, another protocol, IPv6 ethertype */
	n = ip4_udp(pkt, "224.0.0.81", 33000, 8849, pl, 44);
	assert_int_equal(relay_tap_parse(pkt, n, ETH_P_IP, &f, &out, &olen), 0);
	n = ip4_udp(pkt, "224.0.0.82", 33000, 8848, pl, 44);
	assert_int_equal(relay_tap_parse(pkt, n, ETH_P_IP, &f, &out, &olen), 0);
	n = ip4_udp(pkt, "224.0.0.81", 33000, 8848, pl, 44);
	assert_int_equal(relay_tap_parse(pkt, n, ETH_P_IPV6, &f, &out, &olen), 0);
	pkt[9] = IPPROTO_TCP;
	assert_int_equal(relay_tap_parse(pkt, n, ETH_P_IP, &f, &out, &olen), 0);
	pkt[9] = IPPROTO_UDP;
	/* malformed: truncated packet, UDP length past the packet, fragment */
	assert_int_equal(relay_tap_parse(pkt, n - 5, ETH_P_IP, &f, &out, &olen), -1);
	pkt[24] = 0x10;
	assert_int_equal(relay_tap_parse(pkt, n, ETH_P_IP, &f, &out, &olen), -1);
	pkt[24] = 0;
	pkt[6] = 0x20;              /* MF */
	assert_int_equal(relay_tap_parse(pkt, n, ETH_P_IP, &f, &out, &olen), -1);
	pkt[6] = 0x40;
	pkt[0] = 0x44;              /* IHL 16 bytes */
	assert_int_equal(relay_tap_parse(pkt, n, ETH_P_IP, &f, &out, &olen), -1);
	/* short */
	assert_int_equal(relay_tap_parse(pkt, 10, ETH_P_IP, &f, &out, &olen), 0);
}

static void test_tap_ipv6(void **state)
{
	struct relay_tap_filter f = { .af = AF_INET6, .port = 8848 };
	uint8_t pkt[200];
	const uint8_t *out;
	size_t olen;

	(void)state;
	inet_pton(AF_INET6, "ff02::81", &f.group.v6);
	memset(pkt, 0, sizeof(pkt));
	pkt[0] = 0x60;
	pkt[5] = 8 + 12;
	pkt[6] = IPPROTO_UDP;
	inet_pton(AF_INET6, "ff02::81", pkt + 24);
	pkt[40] = 0x80;
	pkt[42] = 0x22;
	pkt[43] = 0x90;             /* 8848 */
	pkt[45] = 20;
	assert_int_equal(relay_tap_parse(pkt, 60, ETH_P_IPV6, &f, &out, &olen), 1);
	assert_int_equal(olen, 12);
	assert_int_equal(relay_tap_parse(pkt, 50, ETH_P_IPV6, &f, &out, &olen), -1);
	assert_int_equal(relay_tap_parse(pkt, 60, ETH_P_IP, &f, &out, &olen), 0);
	pkt[6] = 0;                 /* hop-by-hop header first: not a plain UDP packet */
	assert_int_equal(relay_tap_parse(pkt, 60, ETH_P_IPV6, &f, &out, &olen), 0);
}

static void test_conn_lines(void **state)
{
	struct sync_entry e;

	(void)state;
	assert_int_equal(relay_conn_line_parse(
		"Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Origin Expires\n", &e), 0);
	assert_int_equal(relay_conn_line_parse(
		"TCP 0A000902 9C41 0A000001 0050 0A000102 1F90 ESTABLISHED Local      897\n", &e), 1);
	assert_int_equal(e.af, AF_INET);
	assert_int_equal(e.protocol, IPPROTO_TCP);
	assert_int_equal(ntohl(e.caddr.v4.s_addr), 0x0a000902);
	assert_int_equal(e.cport, 0x9c41);
	assert_int_equal(ntohl(e.vaddr.v4.s_addr), 0x0a000001);
	assert_int_equal(e.vport, 80);
	assert_int_equal(ntohl(e.daddr.v4.s_addr), 0x0a000102);
	assert_int_equal(e.dport, 8080);
	assert_int_equal(e.state, 1);
	assert_int_equal(e.timeout, 897);
	assert_int_equal(e.flags, 0);
	assert_int_equal(sync_entry_v1_len(&e), SYNC_V1_V4_LEN);

	assert_int_equal(relay_conn_line_parse(
		"TCP 0A000902 9C42 0A000001 0050 0A000102 0050 FIN_WAIT    Sync        12", &e), 1);
	assert_int_equal(e.state, 4);
	assert_true(e.flags & IP_VS_CONN_F_INACTIVE);
	assert_int_equal(relay_conn_line_parse(
		"UDP 0A000902 9C42 0A000001 0035 0A000102 0035 UDP         Local      300", &e), 1);
	assert_int_equal(e.protocol, IPPROTO_UDP);
	assert_int_equal(e.state, 0);
	assert_int_equal(relay_conn_line_parse(
		"TCP 0A000902 0000 0A000001 0051 0A000102 0050 TPL.ASSURED Local      299", &e), 1);
	assert_int_equal(e.flags, IP_VS_CONN_F_TEMPLATE);
	assert_int_equal(e.state, 1);
	assert_int_equal(e.cport, 0);
	/* 6.1 prints a template's state without "TPL." (seen in the VM): client port 0 */
	assert_int_equal(relay_conn_line_parse(
		"TCP 0A00070A 0000 0A000764 0051 0A00080A 0050 ASSURED     LOCAL      282", &e), 1);
	assert_int_equal(e.flags, IP_VS_CONN_F_TEMPLATE);
	assert_int_equal(e.state, 1);
	assert_int_equal(e.vport, 81);
	assert_int_equal(relay_conn_line_parse(
		"TCP 0A00070A 0000 0A000764 0051 0A00080A 0050 NONE        SYNC        60", &e), 1);
	assert_int_equal(e.flags, IP_VS_CONN_F_TEMPLATE);
	assert_int_equal(e.state, 0);
	assert_int_equal(relay_conn_line_parse(
		"TCP 0A000902 0000 0A000001 0051 0A000102 0050 TPL.WEIRD   Local      299", &e), 0);
	assert_int_equal(relay_conn_line_parse(
		"IP  0A000902 0000 00000000 0000 0A000102 0000 TPL.NONE    Local      100", &e), 1);
	assert_int_equal(e.protocol, 0);
	assert_int_equal(relay_conn_line_parse(
		"TCP 2001:0db8:0000:0000:0000:0000:0000:0009 9c41 2001:0db8:0000:0000:0000:0000:0000:0001 "
		"0050 2001:0db8:0000:0000:0000:0000:0001:0002 0050 ESTABLISHED Local      55", &e), 1);
	assert_int_equal(e.af, AF_INET6);
	assert_int_equal(e.caddr.v6.s6_addr[15], 9);
	assert_int_equal(sync_entry_v1_len(&e), SYNC_V1_V6_LEN);
	/* expired (0 s left) still gets a timeout */
	assert_int_equal(relay_conn_line_parse(
		"TCP 0A000902 9C41 0A000001 0050 0A000102 0050 CLOSE       Local        0", &e), 1);
	assert_int_equal(e.timeout, 1);
	/* unknown state or protocol: skipped; a destination of the other family: skipped */
	assert_int_equal(relay_conn_line_parse(
		"TCP 0A000902 9C41 0A000001 0050 0A000102 0050 WEIRD       Local        5", &e), 0);
	assert_int_equal(relay_conn_line_parse(
		"XYZ 0A000902 9C41 0A000001 0050 0A000102 0050 NONE        Local        5", &e), 0);
	assert_int_equal(relay_conn_line_parse(
		"TCP 0A000902 9C41 0A000001 0050 2001:0db8:0000:0000:0000:0000:0001:0002 0050 "
		"ESTABLISHED Local        5", &e), 0);
	/* malformed */
	assert_int_equal(relay_conn_line_parse("", &e), -1);
	assert_int_equal(relay_conn_line_parse("TCP 0A000902 9C41", &e), -1);
	assert_int_equal(relay_conn_line_parse(
		"TCP 0A0009 9C41 0A000001 0050 0A000102 0050 ESTABLISHED Local      897", &e), -1);
	assert_int_equal(relay_conn_line_parse(
		"TCP 0A000902 XYZW 0A000001 0050 0A000102 0050 ESTABLISHED Local      897", &e), -1);
	assert_int_equal(relay_conn_line_parse(
		"TCP 0A000902 19C41 0A000001 0050 0A000102 0050 ESTABLISHED Local      897", &e), -1);
	assert_int_equal(relay_conn_line_parse(
		"TCP 0A000902 9C41 0A000001 0050 0A000102 0050 ESTABLISHED Local      8x7", &e), -1);
}

static uint32_t fwd_dr(void *arg, int af, uint8_t protocol, const union sync_addr *vaddr,
                       uint16_t vport, const union sync_addr *daddr, uint16_t dport)
{
	(void)arg;
	(void)af;
	(void)protocol;
	(void)vaddr;
	(void)daddr;
	(void)dport;
	return vport == 80 ? IP_VS_CONN_F_DROUTE : IP_VS_CONN_F_MASQ;
}

static void test_conn_reader(void **state)
{
	char path[] = "/tmp/tdm-relay-tap-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	struct relay_conn_src src = { .path = path, .fwd = fwd_dr };
	struct sync_entry e;
	void *h;
	int n = 0, tpl_seen_after_conn = 0, conn_seen = 0, r;

	(void)state;
	fprintf(f, "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Origin Expires\n");
	fprintf(f, "TCP 0A000902 9C41 0A000001 0050 0A000102 0050 ESTABLISHED Local      897\n");
	fprintf(f, "TCP 0A000902 0000 0A000001 0050 0A000102 0050 TPL.ASSURED Local      299\n");
	fprintf(f, "garbage line\n");
	fprintf(f, "TCP 0A000903 9C41 0A000001 0051 0A000102 0050 ESTABLISHED Local      897\n");
	fclose(f);
	h = relay_conn_open(&src);
	assert_non_null(h);
	while ((r = relay_conn_next(&src, h, &e)) == 1) {
		n++;
		if (e.flags & IP_VS_CONN_F_TEMPLATE) {
			tpl_seen_after_conn |= conn_seen;
		} else {
			conn_seen = 1;
			assert_int_equal(e.flags & IP_VS_CONN_F_FWD_MASK,
			                 e.vport == 80 ? IP_VS_CONN_F_DROUTE : IP_VS_CONN_F_MASQ);
		}
	}
	assert_int_equal(r, 0);
	assert_int_equal(relay_conn_next(&src, h, &e), 0);   /* stays at the end */
	assert_int_equal(n, 3);
	assert_false(tpl_seen_after_conn);
	assert_int_equal(src.malformed, 2);                  /* once per pass */
	relay_conn_close(&src, h);
	/* one pass: file order, each line once */
	src.one_pass = 1;
	src.malformed = 0;
	h = relay_conn_open(&src);
	n = 0;
	while (relay_conn_next(&src, h, &e) == 1)
		n++;
	assert_int_equal(n, 3);
	assert_int_equal(src.malformed, 1);
	relay_conn_close(&src, h);
	unlink(path);
	src.path = "/nonexistent/ip_vs_conn_sync";
	assert_null(relay_conn_open(&src));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tap_ipv4),
		cmocka_unit_test(test_tap_ipv6),
		cmocka_unit_test(test_conn_lines),
		cmocka_unit_test(test_conn_reader),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
