/* tests/unit/test_relay_mirror.c - the relay's connection mirror (sync/relay_mirror.c): one
 * entry per connection identity with the latest state, only_new for the start-up read,
 * invalid entries and a full mirror refused, expiry and sweeping, the resync walk (templates
 * first, live entries only, the seconds left as timeout, nothing lost while the table grows
 * under the walk), and a relay serving a restarted peer from its mirror (relay_core). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/ip_vs.h>
#include "sync/relay_mirror.h"

static size_t enc(uint8_t *raw, uint32_t caddr, uint16_t cport, uint16_t state, uint32_t flags,
                  uint32_t timeout)
{
	struct sync_entry e;

	memset(&e, 0, sizeof(e));
	e.af = AF_INET;
	e.protocol = IPPROTO_TCP;
	e.flags = flags;
	e.state = state;
	e.cport = cport;
	e.vport = 80;
	e.dport = 80;
	e.timeout = timeout;
	e.caddr.v4.s_addr = htonl(caddr);
	e.vaddr.v4.s_addr = htonl(0x0a000001);
	e.daddr.v4.s_addr = htonl(0x0a000102);
	return sync_entry_v1_encode(&e, raw, SYNC_V1_ENTRY_MAX);
}

static void test_put_update_expire(void **state)
{
	struct relay_mirror m;
	struct relay_mirror_iter *it = malloc(sizeof(*it));
	uint8_t raw[SYNC_V1_ENTRY_MAX];
	struct sync_entry e;
	size_t n;
	int got = 0;

	(void)state;
	assert_int_equal(relay_mirror_init(&m, 3), 0);
	n = enc(raw, 0x0a090001, 1000, 2, 0, 60);
	assert_int_equal(relay_mirror_put(&m, raw, n, 0, 0), 1);
	n = enc(raw, 0x0a090001, 1000, 1, 0, 900);         /* same connection, new state */
	assert_int_equal(relay_mirror_put(&m, raw, n, 0, 0), 0);
	n = enc(raw, 0x0a090001, 1000, 5, 0, 10);          /* start-up read: older, ignored */
	assert_int_equal(relay_mirror_put(&m, raw, n, 0, 1), 0);
	assert_int_equal(m.n, 1);
	n = enc(raw, 0x0a090001, 0, 1, IP_VS_CONN_F_TEMPLATE, 300);   /* its template */
	assert_int_equal(relay_mirror_put(&m, raw, n, 0, 0), 1);
	n = enc(raw, 0x0a090002, 1000, 1, 0, 5);
	assert_int_equal(relay_mirror_put(&m, raw, n, 0, 0), 1);
	n = enc(raw, 0x0a090003, 1000, 1, 0, 5);
	assert_int_equal(relay_mirror_put(&m, raw, n, 0, 0), -1);      /* full */
	assert_int_equal(relay_mirror_put(&m, raw, 20, 0, 0), -1);     /* not an entry */
	raw[2] = 0x70;                                                 /* entry version bits */
	assert_int_equal(relay_mirror_put(&m, raw, n, 0, 0), -1);
	assert_int_equal(m.refused, 3);
	assert_int_equal(m.n, 3);

	/* at 100 s: the 5 s entry is gone from the walk; template first, timeouts = seconds left */
	relay_mirror_iter_init(it);
	while (relay_mirror_next(&m, it, 100000000, &e) == 1) {
		if (got == 0) {
			assert_true(e.flags & IP_VS_CONN_F_TEMPLATE);
			assert_int_equal(e.timeout, 200);
		} else {
			assert_false(e.flags & IP_VS_CONN_F_TEMPLATE);
			assert_int_equal(e.state, 1);
			assert_int_equal(e.timeout, 800);
		}
		got++;
	}
	assert_int_equal(got, 2);
	assert_int_equal(relay_mirror_next(&m, it, 100000000, &e), 0);
	relay_mirror_sweep(&m, 100000000, m.nb);
	assert_int_equal(m.n, 2);
	assert_int_equal(m.expired, 1);
	relay_mirror_sweep(&m, 2000000000, m.nb);
	assert_int_equal(m.n, 0);
	relay_mirror_free(&m);
	free(it);
}

static void test_walk_while_growing(void **state)
{
	struct relay_mirror m;
	struct relay_mirror_iter *it = malloc(sizeof(*it));
	uint8_t raw[SYNC_V1_ENTRY_MAX], *seen = calloc(70000, 1);
	struct sync_entry e;
	size_t n, got = 0;

	(void)state;
	assert_int_equal(relay_mirror_init(&m, 100000), 0);
	for (uint32_t i = 0; i < 20000; i++) {
		n = enc(raw, 0x0b000000 + i, (uint16_t)i, 1, 0, 900);
		assert_int_equal(relay_mirror_put(&m, raw, n, 0, 0), 1);
	}
	relay_mirror_iter_init(it);
	for (uint32_t i = 0; relay_mirror_next(&m, it, 1, &e) == 1; i++) {
		uint32_t k = ntohl(e.caddr.v4.s_addr) - 0x0b000000;

		assert_true(k < 70000);
		if (!seen[k])
			got += k < 20000;
		seen[k] = 1;
		/* live updates grow the table (and its buckets) under the walk */
		if (i < 50000) {
			n = enc(raw, 0x0b000000 + 20000 + i, (uint16_t)i, 1, 0, 900);
			relay_mirror_put(&m, raw, n, 1, 0);
		}
	}
	assert_int_equal(got, 20000);         /* every entry there at the start came */
	assert_true(m.nb >= 65536);
	relay_mirror_free(&m);
	free(it);
	free(seen);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_update_expire),
		cmocka_unit_test(test_walk_while_growing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
