/* tests/unit/relay_test.h - what the relay tests (test_relay_core*.c, test_relay_flow.c)
 * share: the key, the simulated address of node `id`, and the xorshift step of their seeded
 * pseudo-random numbers (each file keeps its own seed). */
#ifndef TESTS_UNIT_RELAY_TEST_H
#define TESTS_UNIT_RELAY_TEST_H

#include <stdint.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#define KEY "unit-test-relay-key-0123456789"

static inline struct sockaddr_in addr_of(int id)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(8849) };

	a.sin_addr.s_addr = htonl(0x0a000001 + (uint32_t)id);
	return a;
}

/* the next number of the xorshift64 sequence in *state */
static inline uint64_t xorshift64(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

#endif
