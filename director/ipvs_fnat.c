/* director/ipvs_fnat.c - the nftables text of FULLNAT: tandem's source-NAT rules for the FNAT
 * destinations of a desired IPVS table, and the script that installs them atomically in
 * tandem's own table. Pure: no I/O. See ipvs_fnat.h. */
#include "director/ipvs_fnat.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int dir_ipvs_fnat_any(const struct dir_ipvs_table *t)
{
	for (size_t i = 0; i < t->nsvcs; i++)
		for (size_t j = 0; j < t->svcs[i]->ndests; j++)
			if (t->svcs[i]->dests[j].fnat)
				return 1;
	return 0;
}

static const char *l4name(uint16_t p)
{
	switch (p) {
	case IPPROTO_TCP: return "tcp";
	case IPPROTO_UDP: return "udp";
	case IPPROTO_SCTP: return "sctp";
	default: return NULL;
	}
}

static void addr_str(int af, const union dir_ipvs_addr *a, char *buf, size_t len)
{
	if (!inet_ntop(af, a->b, buf, (socklen_t)len))
		snprintf(buf, len, "?");
}

/* the action of the service's rules */
static void action(FILE *f, const struct dir_ipvs_svc *s)
{
	char a[INET6_ADDRSTRLEN];

	if (!s->has_fnat_src) {
		fputs(" masquerade", f);
		return;
	}
	addr_str(s->key.af, &s->fnat_src, a, sizeof(a));
	fprintf(f, " snat %s to %s", s->key.af == AF_INET6 ? "ip6" : "ip", a);
}

/* the service part of the match */
static void svc_match(FILE *f, const struct dir_ipvs_svc *s, int with_ports)
{
	const char *fam = s->key.af == AF_INET6 ? "ip6" : "ip";
	char a[INET6_ADDRSTRLEN];

	if (s->key.fwmark) {
		fprintf(f, "meta mark 0x%x", (unsigned)s->key.fwmark);
		if (with_ports)
			fputs(" meta l4proto { tcp, udp, sctp }", f);
		return;
	}
	addr_str(s->key.af, &s->key.addr, a, sizeof(a));
	fprintf(f, "meta l4proto %s ct original %s daddr %s", l4name(s->key.protocol), fam, a);
	if (s->key.port)
		fprintf(f, " ct original proto-dst %u", (unsigned)s->key.port);
}

/* one rule for the FNAT destinations of s with (with_ports) or without a port */
static int svc_rule(FILE *f, const struct dir_ipvs_svc *s, int with_ports)
{
	const char *fam = s->key.af == AF_INET6 ? "ip6" : "ip";
	char ks[DIR_IPVS_KEY_STRLEN], a[INET6_ADDRSTRLEN];
	size_t n = 0;

	for (size_t j = 0; j < s->ndests; j++) {
		const struct dir_ipvs_dest *d = &s->dests[j];

		if (!d->fnat || d->key.af != s->key.af || !d->key.port != !with_ports)
			continue;
		if (!n++) {
			fputs("\t\t", f);
			svc_match(f, s, with_ports);
			fprintf(f, " %s daddr%s {", fam, with_ports ? " . th dport" : "");
		}
		addr_str(d->key.af, &d->key.addr, a, sizeof(a));
		fprintf(f, "%s\n\t\t\t%s", n > 1 ? "," : "", a);
		if (with_ports)
			fprintf(f, " . %u", (unsigned)d->key.port);
	}
	if (!n)
		return 0;
	fputs(" }", f);
	action(f, s);
	dir_ipvs_svc_key_str(&s->key, ks, sizeof(ks));
	fprintf(f, " comment \"%s\"\n", ks);
	return 1;
}

char *dir_ipvs_fnat_rules(const struct dir_ipvs_table *t, size_t *nrules)
{
	char *buf = NULL;
	size_t len = 0, n = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	for (size_t i = 0; i < t->nsvcs; i++) {
		const struct dir_ipvs_svc *s = t->svcs[i];

		if (!s->key.fwmark && !l4name(s->key.protocol))
			continue;
		n += (size_t)svc_rule(f, s, 1);
		n += (size_t)svc_rule(f, s, 0);
	}
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	if (nrules)
		*nrules = n;
	return buf;
}

char *dir_ipvs_fnat_script(const char *rules)
{
	static const char head[] =
		"add table inet " DIR_IPVS_FNAT_TABLE "\n"
		"delete table inet " DIR_IPVS_FNAT_TABLE "\n";
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fputs(head, f);
	if (rules && *rules)
		fprintf(f, "table inet " DIR_IPVS_FNAT_TABLE " {\n"
			"\tchain " DIR_IPVS_FNAT_CHAIN " {\n"
			"\t\ttype nat hook postrouting priority srcnat; policy accept;\n"
			"%s"
			"\t}\n"
			"}\n", rules);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}
