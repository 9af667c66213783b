/* tests/unit/test_vrrp_inst_os.c - the pure parts under the VRRP runtime's OS table: the
 * gratuitous ARP and unsolicited NA frames byte by byte, scope names for VIPs, and the
 * recording fake's bookkeeping (counts, last record, wrap-around). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <cmocka.h>

#include "vrrp/vrrp_addr.h"
#include "vrrp/vrrp_garp.h"
#include "vrrp/vrrp_os.h"

static const uint8_t MAC[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };

static void test_arp_frame(void **state)
{
	static const uint8_t want[VRRP_GARP_ARP_LEN] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x11, 0x22, 0x33, 0x44, 0x55, /* eth */
		0x08, 0x06,
		0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01,                 /* Ethernet/IPv4, request */
		0x02, 0x11, 0x22, 0x33, 0x44, 0x55, 192, 0, 2, 10,         /* sender = VIP */
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 192, 0, 2, 10,         /* target = VIP */
	};
	uint8_t buf[VRRP_GARP_ARP_LEN];
	struct in_addr ip;

	inet_pton(AF_INET, "192.0.2.10", &ip);
	assert_int_equal(vrrp_garp_build_arp(buf, MAC, ip), VRRP_GARP_ARP_LEN);
	assert_memory_equal(buf, want, sizeof(want));
}

static void test_na_message(void **state)
{
	uint8_t buf[VRRP_GARP_NA_LEN];
	struct in6_addr t;

	inet_pton(AF_INET6, "2001:db8::10", &t);
	assert_int_equal(vrrp_garp_build_na(buf, MAC, &t), VRRP_GARP_NA_LEN);
	assert_int_equal(buf[0], 136);              /* Neighbor Advertisement */
	assert_int_equal(buf[1], 0);
	assert_int_equal(buf[2] | buf[3], 0);       /* checksum: the kernel's */
	assert_int_equal(buf[4], 0x20);             /* Override only: not Router, not Solicited */
	assert_int_equal(buf[5] | buf[6] | buf[7], 0);
	assert_memory_equal(buf + 8, &t, 16);
	assert_int_equal(buf[24], 2);               /* target link-layer address option */
	assert_int_equal(buf[25], 1);               /* 8 bytes */
	assert_memory_equal(buf + 26, MAC, 6);
}

static void test_scope_names(void **state)
{
	assert_int_equal(vrrp_addr_scope("global"), RT_SCOPE_UNIVERSE);
	assert_int_equal(vrrp_addr_scope("link"), RT_SCOPE_LINK);
	assert_int_equal(vrrp_addr_scope("host"), RT_SCOPE_HOST);
	assert_int_equal(vrrp_addr_scope("site"), RT_SCOPE_SITE);
	assert_int_equal(vrrp_addr_scope("nowhere"), RT_SCOPE_NOWHERE);
	assert_int_equal(vrrp_addr_scope("42"), 42);
	assert_int_equal(vrrp_addr_scope("bogus"), -1);
	assert_int_equal(vrrp_addr_scope("300"), -1);
	assert_int_equal(vrrp_addr_scope(""), -1);
}

static void test_fake_records(void **state)
{
	static struct vrrp_os_fake f;
	union vrrp_pkt_ip dst = { .b = { 224, 0, 0, 18 } };
	uint8_t pkt[3] = { 1, 2, 3 };

	vrrp_os_fake_init(&f);
	assert_null(vrrp_os_fake_last(&f, VRRP_OS_SEND));
	f.ops.send(f.ops.arg, NULL, pkt, sizeof(pkt), &dst, &dst);
	f.ops.arm(f.ops.arg, NULL, 1234);
	assert_int_equal(vrrp_os_fake_count(&f, VRRP_OS_SEND, 0), 1);
	assert_int_equal(vrrp_os_fake_count(&f, VRRP_OS_ARM, 0), 1);
	assert_int_equal(vrrp_os_fake_count(&f, VRRP_OS_ARM, 1), 1);
	assert_int_equal(vrrp_os_fake_count(&f, VRRP_OS_SEND, 1), 0);
	assert_int_equal(f.armed_at, 1234);
	assert_int_equal(vrrp_os_fake_last(&f, VRRP_OS_SEND)->len, 3);
	f.fail_send = 1;
	assert_int_equal(f.ops.send(f.ops.arg, NULL, pkt, 3, &dst, &dst), -1);
	/* past the ring size the oldest records go; counts start at the oldest kept */
	for (int i = 0; i < VRRP_OS_FAKE_MAX + 10; i++)
		f.ops.arm(f.ops.arg, NULL, (uint64_t)i);
	assert_int_equal(vrrp_os_fake_count(&f, VRRP_OS_ARM, 0), VRRP_OS_FAKE_MAX);
	assert_int_equal(vrrp_os_fake_count(&f, VRRP_OS_SEND, 0), 0);
	assert_int_equal(vrrp_os_fake_last(&f, VRRP_OS_ARM)->at, VRRP_OS_FAKE_MAX + 9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arp_frame),
		cmocka_unit_test(test_na_message),
		cmocka_unit_test(test_scope_names),
		cmocka_unit_test(test_fake_records),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
