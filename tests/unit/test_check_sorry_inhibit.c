/* tests/unit/test_check_sorry_inhibit.c - sorry_server_inhibit in the desired IPVS table
 * (director/ipvs_desired): with it, a sorry server out of use stays in the service with weight
 * 0 and gets weight 1 when the quorum is lost; without it, it is absent until then. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <sys/socket.h>
#include "tests/unit/ipvs_fake.h"
#include "director/ipvs_desired.h"
#include "healthcheck/check_conf.h"

static const char *conf =
	"virtual_server 10.0.0.1 80 {\n"
	"    protocol TCP\n"
	"    sorry_server 10.3.0.1 8080\n"
	"    sorry_server_inhibit\n"
	"    real_server 10.1.0.1 80 {\n"
	"    }\n"
	"}\n"
	"virtual_server 10.0.0.2 80 {\n"
	"    protocol TCP\n"
	"    sorry_server 10.3.0.2 8080\n"
	"    real_server 10.1.0.2 80 {\n"
	"    }\n"
	"}\n";

static int lost;                /* the quorum of every service is lost */

static int sorry_cb(void *arg, const char *vs_id)
{
	return lost;
}

/* weight of dest a:port in service vip:80, -1 = absent */
static int weight_of(struct dir_ipvs_desired *d, const char *vip, const char *a, int port)
{
	struct dir_ipvs_svc_key k;
	struct dir_ipvs_dest_key dk;
	struct dir_ipvs_svc *s;
	struct dir_ipvs_dest *x;
	union dir_ipvs_addr da;
	struct in_addr v;

	inet_pton(AF_INET, vip, &v);
	dir_ipvs_svc_key_inet(&k, AF_INET, IPPROTO_TCP, &v, 80);
	s = dir_ipvs_svc_find(&d->table, &k);
	assert_non_null(s);
	memset(&da, 0, sizeof(da));
	inet_pton(AF_INET, a, &da);
	dir_ipvs_dest_key_set(&dk, AF_INET, &da, (uint16_t)port);
	x = dir_ipvs_dest_find(s, &dk);
	return x ? (int)x->weight : -1;
}

static void test_sorry_inhibit(void **state)
{
	struct test_cfg t;
	struct dir_ipvs_desired d;

	assert_int_equal(test_cfg_load(&t, "t.conf", conf), 0);
	for (lost = 0; lost < 2; lost++) {
		dir_ipvs_desired_init(&d);
		assert_int_equal(dir_ipvs_desired_build(&d, t.cfg, NULL, sorry_cb, NULL), 0);
		assert_int_equal(weight_of(&d, "10.0.0.1", "10.3.0.1", 8080), lost ? 1 : 0);
		assert_int_equal(weight_of(&d, "10.0.0.2", "10.3.0.2", 8080), lost ? 1 : -1);
		assert_int_equal(weight_of(&d, "10.0.0.1", "10.1.0.1", 80), 1);
		dir_ipvs_desired_free(&d);
	}
	test_cfg_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sorry_inhibit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
