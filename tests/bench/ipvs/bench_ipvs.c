/* tests/bench/ipvs/bench_ipvs.c - run in the test VM (tests/bench/ipvs/run.sh): tandem's IPVS
 * socket layer (director/ipvs_nl) against the real kernel.
 *
 *   bench_ipvs N RULES      N destinations, 1,000 per TCP service (the kernel walks a list per
 *                           service, so one service of 100,000 would measure only that)
 *
 * Writes RULES (the same table for `ipvsadm -R`), then from an empty table: loads it (the
 * diff's operations through the batched socket layer), dumps it back, changes one weight
 * (diff against the dump = one SET_DEST) and prints "RESULT name value" lines. The table is
 * left loaded so the caller can time `ipvsadm -Ln` on it. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "director/ipvs_nl.h"

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void build(struct dir_ipvs_table *t, long n, FILE *rules)
{
	struct in_addr vip;
	struct dir_ipvs_svc s, *ps = NULL;

	inet_pton(AF_INET, "10.0.0.1", &vip);
	for (long i = 0; i < n; i++) {
		struct dir_ipvs_dest d;
		struct in_addr a;
		uint16_t port = (uint16_t)(80 + i / 1000);

		if (i % 1000 == 0) {
			memset(&s, 0, sizeof(s));
			dir_ipvs_svc_key_inet(&s.key, AF_INET, IPPROTO_TCP, &vip, port);
			strcpy(s.sched, "wlc");
			dir_ipvs_netmask(AF_INET, 32, &s.netmask);
			ps = dir_ipvs_svc_add(t, &s, NULL);
			fprintf(rules, "-A -t 10.0.0.1:%u -s wlc\n", port);
		}
		memset(&d, 0, sizeof(d));
		a.s_addr = htonl((11u << 24) | (uint32_t)i);
		dir_ipvs_dest_key_set(&d.key, AF_INET, &a, port);
		d.fwd = IP_VS_CONN_F_DROUTE;
		d.weight = 1;
		dir_ipvs_dest_add(ps, &d, NULL);
		fprintf(rules, "-a -t 10.0.0.1:%u -r %s:%u -g -w 1\n", port, inet_ntoa(a), port);
	}
}

static int apply(struct dir_ipvs_nl *nl, const struct dir_ipvs_table *want,
		 const struct dir_ipvs_table *have, size_t *nops, double *t_diff, double *t_apply)
{
	struct dir_ipvs_ops ops = { 0 };
	double t0 = now(), t1;
	int *errs, rc, bad = 0;

	if (dir_ipvs_diff(want, have, NULL, NULL, 0, &ops) < 0)
		return -1;
	t1 = now();
	errs = calloc(ops.n + 1, sizeof(*errs));
	rc = dir_ipvs_nl_apply(nl, ops.v, ops.n, errs);
	*t_apply = now() - t1;
	*t_diff = t1 - t0;
	*nops = ops.n;
	for (size_t i = 0; i < ops.n; i++)
		bad += errs[i] != 0;
	if (rc < 0 || bad)
		fprintf(stderr, "apply: rc %d, %d operation(s) failed\n", rc, bad);
	free(errs);
	dir_ipvs_ops_free(&ops);
	return rc < 0 || bad ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct dir_ipvs_table want, empty, dump, want2;
	const struct dir_ipvs_io_stats *st;
	struct dir_ipvs_nl *nl;
	double t0, td, ta;
	size_t nops;
	char msg[256];
	long n;
	FILE *rules;
	uint64_t m0, s0;

	if (argc != 3 || (n = atol(argv[1])) <= 0 || !(rules = fopen(argv[2], "w"))) {
		fprintf(stderr, "usage: bench_ipvs N RULES\n");
		return 2;
	}
	if (dir_ipvs_nl_open(&nl, msg, sizeof(msg)) < 0) {
		fprintf(stderr, "%s\n", msg);
		return 1;
	}
	st = dir_ipvs_nl_stats(nl);
	dir_ipvs_table_init(&want);
	dir_ipvs_table_init(&empty);
	dir_ipvs_table_init(&dump);
	dir_ipvs_table_init(&want2);
	build(&want, n, rules);
	fclose(rules);
	dir_ipvs_nl_flush(nl);
	printf("RESULT n %ld\nRESULT window %zu\n", n, dir_ipvs_nl_window(nl));

	m0 = st->msgs;
	s0 = st->sends;
	t0 = now();
	if (apply(nl, &want, &empty, &nops, &td, &ta) < 0)
		return 1;
	printf("RESULT load_s %.3f\nRESULT load_msgs %llu\nRESULT load_sends %llu\n"
	       "RESULT load_overruns %llu\n", now() - t0, (unsigned long long)(st->msgs - m0),
	       (unsigned long long)(st->sends - s0), (unsigned long long)st->overruns);

	t0 = now();
	if (dir_ipvs_nl_dump(nl, &dump) < 0)
		return 1;
	printf("RESULT dump_s %.3f\nRESULT dump_dests %zu\n", now() - t0,
	       dir_ipvs_table_ndests(&dump));
	if (dir_ipvs_table_ndests(&dump) != (size_t)n)
		return 1;

	/* one weight, in the middle of the table */
	dir_ipvs_table_copy(&want2, &want);
	want2.svcs[want2.nsvcs / 2]->dests[want2.svcs[want2.nsvcs / 2]->ndests / 2].weight = 5;
	m0 = st->msgs;
	if (apply(nl, &want2, &dump, &nops, &td, &ta) < 0)
		return 1;
	printf("RESULT one_weight_msgs %llu\nRESULT one_weight_diff_ms %.3f\n"
	       "RESULT one_weight_apply_ms %.3f\n", (unsigned long long)(st->msgs - m0),
	       td * 1e3, ta * 1e3);
	dir_ipvs_table_free(&want);
	dir_ipvs_table_free(&want2);
	dir_ipvs_table_free(&dump);
	dir_ipvs_nl_close(nl);
	return 0;
}
