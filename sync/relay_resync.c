/* sync/relay_resync.c - reading /proc/net/ip_vs_conn_sync into sync entries for a bulk
 * resync (relay_resync.h). The file's lines (ip_vs_conn.c, ip_vs_conn_sync_seq_show):
 *   "TCP 0A000902 9C41 0A000001 0050 0A000102 0050 ESTABLISHED Local      897"
 * IPv4 addresses as 8 hex digits (host order of the value), IPv6 ones in full colon form,
 * ports as 4 hex digits, the state name (templates: "TPL.NONE", "TPL.ASSURED"; 6.1 prints
 * "NONE" / "ASSURED" with client port 0), origin ("LOCAL" or "SYNC") and the seconds left. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/ip_vs.h>
#include "sync/relay_resync.h"

struct names {
	const char *const *v;
	unsigned n;
};

static const char *const tcp_states[] = { "NONE", "ESTABLISHED", "SYN_SENT", "SYN_RECV",
	"FIN_WAIT", "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "SYNACK" };
static const char *const udp_states[] = { "UDP" };
static const char *const sctp_states[] = { "NONE", "INIT1", "INIT", "COOKIE_SENT",
	"COOKIE_REPLIED", "COOKIE_WAIT", "COOKIE_ECHOED", "ESTABLISHED", "SHUTDOWN_SENT",
	"SHUTDOWN_RECEIVED", "SHUTDOWN_ACK_SENT", "REJECTED", "CLOSED" };
static const char *const ah_states[] = { "NONE" };

static int find(const char *const *v, unsigned n, const char *s)
{
	for (unsigned i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return (int)i;
	return -1;
}

static int protocol_of(const char *s)
{
	if (!strcmp(s, "TCP"))
		return IPPROTO_TCP;
	if (!strcmp(s, "UDP"))
		return IPPROTO_UDP;
	if (!strcmp(s, "SCTP"))
		return IPPROTO_SCTP;
	if (!strcmp(s, "AH"))
		return IPPROTO_AH;
	if (!strcmp(s, "ESP"))
		return IPPROTO_ESP;
	if (!strcmp(s, "IP"))
		return 0;
	if (!strncmp(s, "IP_", 3)) {
		char *end;
		long v = strtol(s + 3, &end, 10);

		return *end || v < 0 || v > 255 ? -1 : (int)v;
	}
	return -1;
}

static int addr_of(const char *s, int *af, union sync_addr *a)
{
	char *end;
	unsigned long v;

	memset(a, 0, sizeof(*a));
	if (strchr(s, ':')) {
		if (*af && *af != AF_INET6)
			return -1;
		*af = AF_INET6;
		return inet_pton(AF_INET6, s, &a->v6) == 1 ? 0 : -1;
	}
	if (strlen(s) != 8)
		return -1;
	v = strtoul(s, &end, 16);
	if (*end || (*af && *af != AF_INET))
		return -1;
	*af = AF_INET;
	a->v4.s_addr = htonl((uint32_t)v);
	return 0;
}

static int port_of(const char *s, uint16_t *p)
{
	char *end;
	unsigned long v = strtoul(s, &end, 16);

	if (!*s || *end || v > 0xffff)
		return -1;
	*p = (uint16_t)v;
	return 0;
}

int relay_conn_line_parse(const char *line, struct sync_entry *e)
{
	char buf[512], *tok[12], *save = NULL, *t;
	int n = 0, proto, st, af = 0, daf = 0;
	char *end;
	unsigned long exp;

	if (strlen(line) >= sizeof(buf))
		return -1;
	strcpy(buf, line);
	for (t = strtok_r(buf, " \t\r\n", &save); t && n < 12; t = strtok_r(NULL, " \t\r\n", &save))
		tok[n++] = t;
	if (n >= 1 && !strcmp(tok[0], "Pro"))
		return 0;
	if (n < 10)
		return -1;
	memset(e, 0, sizeof(*e));
	proto = protocol_of(tok[0]);
	if (proto < 0)
		return 0;
	if (addr_of(tok[1], &af, &e->caddr) || port_of(tok[2], &e->cport) ||
	    addr_of(tok[3], &af, &e->vaddr) || port_of(tok[4], &e->vport) ||
	    addr_of(tok[5], &daf, &e->daddr) || port_of(tok[6], &e->dport))
		return -1;
	if (daf != af)
		return 0;                /* a destination of another family: not in sync v1 */
	exp = strtoul(tok[9], &end, 10);
	if (*end)
		return -1;
	e->af = (uint8_t)af;
	e->protocol = (uint8_t)proto;
	e->version = 1;
	e->timeout = exp ? (uint32_t)exp : 1;
	/* a template: "TPL.NONE" / "TPL.ASSURED" in newer kernels; 6.1 prints the bare names
	 * "NONE" / "ASSURED" (client port 0; no TCP connection is ASSURED) */
	if (!strncmp(tok[7], "TPL.", 4) ||
	    (!e->cport && (!strcmp(tok[7], "ASSURED") || !strcmp(tok[7], "NONE")))) {
		const char *name = strncmp(tok[7], "TPL.", 4) ? tok[7] : tok[7] + 4;

		st = !strcmp(name, "ASSURED") ? 1 : !strcmp(name, "NONE") ? 0 : -1;
		if (st < 0)
			return 0;
		e->flags = IP_VS_CONN_F_TEMPLATE;
		e->state = (uint16_t)st;
		return 1;
	}
	switch (proto) {
	case IPPROTO_TCP:
		st = find(tcp_states, sizeof(tcp_states) / sizeof(*tcp_states), tok[7]);
		break;
	case IPPROTO_UDP:
		st = find(udp_states, 1, tok[7]);
		break;
	case IPPROTO_SCTP:
		st = find(sctp_states, sizeof(sctp_states) / sizeof(*sctp_states), tok[7]);
		break;
	case IPPROTO_AH:
	case IPPROTO_ESP:
		st = find(ah_states, 1, tok[7]);
		break;
	default:
		st = -1;
	}
	if (st < 0)
		return 0;
	e->state = (uint16_t)st;
	if (!((proto == IPPROTO_TCP && st == 1) || (proto == IPPROTO_SCTP && st == 7)))
		e->flags |= IP_VS_CONN_F_INACTIVE;
	return 1;
}

struct conn_h {
	FILE *f;
	int pass;                   /* 0 templates, 1 connections, 2 done */
	char line[512];
};

void *relay_conn_open(void *ud)
{
	struct relay_conn_src *src = ud;
	struct conn_h *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->f = fopen(src->path, "re");
	if (!h->f) {
		free(h);
		return NULL;
	}
	return h;
}

int relay_conn_next(void *ud, void *hv, struct sync_entry *e)
{
	struct relay_conn_src *src = ud;
	struct conn_h *h = hv;

	while (h->pass < 2) {
		int r, tpl;

		if (!fgets(h->line, sizeof(h->line), h->f)) {
			if (ferror(h->f))
				return -1;
			if (src->one_pass)
				h->pass = 2;
			else if (++h->pass < 2) {
				/* the second pass reads the file again: the table as it is now */
				FILE *f = freopen(src->path, "re", h->f);

				if (!f) {
					h->f = NULL;
					h->pass = 2;
					return -1;
				}
				h->f = f;
			}
			continue;
		}
		r = relay_conn_line_parse(h->line, e);
		if (r < 0) {
			src->malformed++;
			continue;
		}
		if (r == 0) {
			if (strncmp(h->line, "Pro", 3))
				src->skipped++;
			continue;
		}
		tpl = (e->flags & IP_VS_CONN_F_TEMPLATE) != 0;
		if (!src->one_pass && tpl != (h->pass == 0))
			continue;
		if (src->fwd)
			e->flags |= src->fwd(src->arg, e->af, e->protocol, &e->vaddr, e->vport,
			                     &e->daddr, e->dport) & IP_VS_CONN_F_FWD_MASK;
		return 1;
	}
	return 0;
}

void relay_conn_close(void *ud, void *hv)
{
	struct conn_h *h = hv;

	(void)ud;
	if (h && h->f)
		fclose(h->f);
	free(h);
}
