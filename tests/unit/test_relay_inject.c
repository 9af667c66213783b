/* tests/unit/test_relay_inject.c - relay_inject_backlog and relay_inject_drops
 * (sync/relay_inject.c): the bytes waiting at, and the datagrams dropped by, UDP sockets bound
 * to a port, read from /proc/net/udp; the relay paces what it hands to the kernel backup thread
 * by the first and reports the second. Uses loopback sockets on ephemeral ports. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "sync/relay_os.h"

/* a receiving UDP socket on a free loopback port (its receive buffer rcvbuf bytes, 0: the
 * default; never read unless the test does), a sending one, and the receiver's address */
static uint16_t udp_pair(int *rx, int *tx, int rcvbuf, struct sockaddr_in *a)
{
	socklen_t al = sizeof(*a);

	memset(a, 0, sizeof(*a));
	a->sin_family = AF_INET;
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	*rx = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	*tx = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(*rx >= 0 && *tx >= 0);
	if (rcvbuf)
		assert_int_equal(setsockopt(*rx, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)), 0);
	assert_int_equal(bind(*rx, (struct sockaddr *)a, sizeof(*a)), 0);
	assert_int_equal(getsockname(*rx, (struct sockaddr *)a, &al), 0);
	return ntohs(a->sin_port);
}

static void test_backlog_follows_queue(void **state)
{
	struct sockaddr_in a;
	int rx, tx;
	char buf[1000];
	uint16_t port;

	(void)state;
	port = udp_pair(&rx, &tx, 0, &a);
	assert_int_equal(relay_inject_backlog(port), 0);
	memset(buf, 7, sizeof(buf));
	for (int i = 0; i < 5; i++)
		assert_int_equal(sendto(tx, buf, sizeof(buf), 0, (struct sockaddr *)&a, sizeof(a)),
		                 (ssize_t)sizeof(buf));
	assert_true(relay_inject_backlog(port) >= 5 * (long long)sizeof(buf));
	for (int i = 0; i < 5; i++)
		assert_int_equal(recv(rx, buf, sizeof(buf), 0), (ssize_t)sizeof(buf));
	assert_int_equal(relay_inject_backlog(port), 0);
	close(rx);
	close(tx);
}

/* a socket with a small receive buffer that is never read drops the datagrams that do not fit */
static void test_drops_counted(void **state)
{
	struct sockaddr_in a;
	int rx, tx;
	char buf[1000];
	uint16_t port;

	(void)state;
	port = udp_pair(&rx, &tx, 2048, &a);
	assert_int_equal(relay_inject_drops(port), 0);
	memset(buf, 7, sizeof(buf));
	for (int i = 0; i < 50; i++)
		assert_int_equal(sendto(tx, buf, sizeof(buf), 0, (struct sockaddr *)&a, sizeof(a)),
		                 (ssize_t)sizeof(buf));
	assert_true(relay_inject_drops(port) >= 40);
	assert_true(relay_inject_backlog(port) > 0);
	close(rx);
	close(tx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backlog_follows_queue),
		cmocka_unit_test(test_drops_counted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
