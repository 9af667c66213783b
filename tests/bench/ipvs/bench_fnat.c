/* tests/bench/ipvs/bench_fnat.c - FULLNAT's nftables cost, run in the test VM
 * (tests/bench/ipvs/fnat.sh), in the network namespace it is started in.
 *
 *   bench_fnat N        N FNAT destinations, 1,000 per TCP service (as bench_ipvs), every
 *                       other service with an fnat_source (snat) and the rest masquerade
 *
 * Times, with the real libnftables and kernel: building the rules and the script (tandem's
 * pure code), the first apply (start), the same script again (restart: replaces the table),
 * a script with one real server changed (reload), and the removal (stop). Wall time and the
 * process's own CPU time (user+sys) for each; prints "RESULT name value" lines. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include "director/ipvs_fnat.h"

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static void build(struct dir_ipvs_table *t, long n, uint32_t shift)
{
	struct in_addr vip, src;
	struct dir_ipvs_svc s, *ps = NULL;

	inet_pton(AF_INET, "10.0.0.1", &vip);
	inet_pton(AF_INET, "10.255.0.1", &src);
	for (long i = 0; i < n; i++) {
		struct dir_ipvs_dest d;
		struct in_addr a;
		uint16_t port = (uint16_t)(80 + i / 1000);

		if (i % 1000 == 0) {
			memset(&s, 0, sizeof(s));
			dir_ipvs_svc_key_inet(&s.key, AF_INET, IPPROTO_TCP, &vip, port);
			strcpy(s.sched, "wlc");
			if ((i / 1000) % 2) {
				s.has_fnat_src = true;
				memcpy(s.fnat_src.b, &src, 4);
			}
			ps = dir_ipvs_svc_add(t, &s, NULL);
		}
		memset(&d, 0, sizeof(d));
		a.s_addr = htonl((11u << 24) | (uint32_t)i | (i == 0 ? shift : 0));
		dir_ipvs_dest_key_set(&d.key, AF_INET, &a, port);
		d.fwd = IP_VS_CONN_F_MASQ;
		d.fnat = true;
		d.weight = 1;
		dir_ipvs_dest_add(ps, &d, NULL);
	}
}

static int run(const char *name, const char *script)
{
	char err[512];
	double w = now(), c = cpu();

	if (dir_ipvs_fnat_nft_run(script, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s\n", name, err);
		return -1;
	}
	printf("RESULT %s_ms %.1f\nRESULT %s_cpu_ms %.1f\n", name, (now() - w) * 1e3, name,
	       (cpu() - c) * 1e3);
	return 0;
}

int main(int argc, char **argv)
{
	struct dir_ipvs_table t, t2;
	char *rules, *script, *script2, *rm;
	size_t nrules;
	long n;
	double w, c;

	if (argc != 2 || (n = atol(argv[1])) <= 0) {
		fprintf(stderr, "usage: bench_fnat N\n");
		return 2;
	}
	dir_ipvs_table_init(&t);
	dir_ipvs_table_init(&t2);
	build(&t, n, 0);
	build(&t2, n, 1u << 23);        /* one real server moved: a reload */
	w = now();
	c = cpu();
	rules = dir_ipvs_fnat_rules(&t, &nrules);
	script = dir_ipvs_fnat_script(rules);
	printf("RESULT rules %zu\nRESULT script_bytes %zu\nRESULT build_ms %.1f\n"
	       "RESULT build_cpu_ms %.1f\n", nrules, strlen(script), (now() - w) * 1e3,
	       (cpu() - c) * 1e3);
	free(rules);
	rules = dir_ipvs_fnat_rules(&t2, NULL);
	script2 = dir_ipvs_fnat_script(rules);
	free(rules);
	rm = dir_ipvs_fnat_script("");
	if (run("start", script) < 0 || run("restart", script) < 0 ||
	    run("reload_one", script2) < 0 || run("stop", rm) < 0)
		return 1;
	free(script);
	free(script2);
	free(rm);
	dir_ipvs_table_free(&t);
	dir_ipvs_table_free(&t2);
	return 0;
}
