/* healthcheck/check_conf_build.c - builds struct check_conf from the validated tree (finish
 * callbacks of virtual_server, virtual_server_group, SSL), the object identities of virtual
 * servers, real servers and checkers, and the whole-config checks: duplicate virtual servers,
 * duplicate real servers in one virtual server, group references, fwmark vs address rules. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include "healthcheck/check_conf.h"

/* a statement whose arguments passed the engine's checks (count), usable by a builder */
#define USABLE(n) ((n)->def && (n)->argc >= (n)->def->min_args && \
                   !((n)->def->flags & (TDM_KW_UNSUPPORTED | TDM_KW_IGNORED)))

const char *const check_kind_names[CHECK__N] = {
	"TCP_CHECK", "HTTP_GET", "SSL_GET", "SMTP_CHECK", "DNS_CHECK", "UDP_CHECK", "PING_CHECK",
	"MISC_CHECK", "FILE_CHECK" };

struct check_conf *check_conf_get(struct tdm_conf_ctx *ctx)
{
	struct tdm_config *cfg = tdm_conf_ctx_config(ctx);

	if (!cfg->check)
		cfg->check = tdm_conf_alloc(ctx, sizeof(*cfg->check));
	return cfg->check;
}

/* ---- addresses, ranges, ports ---- */

static int parse_port(const char *s)
{
	char *end;
	long v;

	if (!s || s[0] < '0' || s[0] > '9')
		return -1;
	v = strtol(s, &end, 10);
	return (*end || v > 65535) ? -1 : (int)v;
}

int check_conf_parse_target(const char *addr, const char *port, struct check_vsg_entry *e)
{
	char buf[INET6_ADDRSTRLEN + 64];
	char *sep;
	size_t len = strlen(addr);

	memset(e, 0, sizeof(*e));
	e->port = 0;
	if (len >= sizeof(buf))
		return -1;
	memcpy(buf, addr, len + 1);
	sep = strpbrk(buf, "-/");
	if (sep) {
		char c = *sep;
		*sep = '\0';
		if (tdm_addr_parse(buf, &e->lo))
			return -1;
		e->hi = e->lo;
		if (c == '/') {
			char *end;
			long plen = strtol(sep + 1, &end, 10);
			int bits = e->lo.family == AF_INET ? 32 : 128;
			if (*end || end == sep + 1 || plen < 0 || plen > bits)
				return -1;
			for (int b = (int)plen; b < bits; b++) {
				uint8_t *p = e->lo.family == AF_INET ? (uint8_t *)&e->hi.u.v4 : e->hi.u.v6.s6_addr;
				p[b / 8] |= (uint8_t)(0x80 >> (b % 8));
			}
		} else if (strchr(sep + 1, '.') || strchr(sep + 1, ':')) {
			if (tdm_addr_parse(sep + 1, &e->hi) || e->hi.family != e->lo.family ||
			    memcmp(&e->hi.u, &e->lo.u, e->lo.family == AF_INET ? 4 : 16) < 0)
				return -1;
		} else {
			char *end;
			long last = strtol(sep + 1, &end, e->lo.family == AF_INET ? 10 : 16);
			if (*end || end == sep + 1)
				return -1;
			if (e->lo.family == AF_INET) {
				uint8_t *p = (uint8_t *)&e->hi.u.v4;
				if (last < p[3] || last > 255)
					return -1;
				p[3] = (uint8_t)last;
			} else {
				uint8_t *p = e->hi.u.v6.s6_addr;
				long cur = (p[14] << 8) | p[15];
				if (last < cur || last > 0xffff)
					return -1;
				p[14] = (uint8_t)(last >> 8);
				p[15] = (uint8_t)last;
			}
		}
	} else if (tdm_addr_parse(buf, &e->lo)) {
		return -1;
	} else {
		e->hi = e->lo;
	}
	e->family = e->lo.family;
	if (port) {
		e->port = parse_port(port);
		if (e->port < 0)
			return -2;
	}
	return 0;
}

int check_conf_parse_vsg_line(const struct tdm_cnode *n, struct check_vsg_entry *e)
{
	if (!strcmp(n->kw, "fwmark")) {
		char *end;
		long long v;
		memset(e, 0, sizeof(*e));
		e->is_fwmark = 1;
		if (n->argc < 1)
			return -1;
		v = strtoll(n->argv[0], &end, 0);
		if (*end || end == n->argv[0] || v < 1 || v > 4294967295LL)
			return -1;
		e->fwmark = v;
		if (n->argc > 1) {
			if (!strcmp(n->argv[1], "inet"))
				e->family = AF_INET;
			else if (!strcmp(n->argv[1], "inet6"))
				e->family = AF_INET6;
			else
				return -2;
		}
		return 0;
	}
	return check_conf_parse_target(n->kw, n->argc ? n->argv[0] : NULL, e);
}

int check_conf_vsg_line(struct tdm_conf_ctx *ctx, struct tdm_cnode *n)
{
	struct check_vsg_entry e;
	int r = check_conf_parse_vsg_line(n, &e);

	if (!r)
		return 0;
	if (!strcmp(n->kw, "fwmark"))
		tdm_conf_err(ctx, n, r == -2 ? 1 : 0, r == -2 ? "expected inet or inet6" :
		             "expected fwmark <1..4294967295> [inet|inet6]");
	else if (r == -2)
		tdm_conf_err(ctx, n, 0, "expected <port> 0..65535, got '%s'", n->argv[0]);
	else
		tdm_conf_err(ctx, n, -1, "expected <address>, <first>-<last> or <address>/<len> [<port>], or fwmark <n>, got '%s'", n->kw);
	return -1;
}

/* ---- forwarding method ---- */

int check_conf_parse_fwd(const struct tdm_cnode *n, struct check_fwd *f)
{
	uint32_t i = 1;

	memset(f, 0, sizeof(*f));
	f->method = CHECK_FWD_DEFAULT;
	if (n->argc < 1)
		return -1;
	if (!strcmp(n->argv[0], "NAT"))
		f->method = CHECK_FWD_NAT;
	else if (!strcmp(n->argv[0], "DR"))
		f->method = CHECK_FWD_DR;
	else if (!strcmp(n->argv[0], "TUN"))
		f->method = CHECK_FWD_TUN;
	else if (!strcmp(n->argv[0], "FNAT"))
		f->method = CHECK_FWD_FNAT;
	else
		return 0;
	/* errors return -(index of the offending token + 1) */
	if (f->method != CHECK_FWD_TUN)
		return 1;
	if (i < n->argc && !strcmp(n->argv[i], "type")) {
		if (++i >= n->argc)
			return -(int)i;
		if (!strcmp(n->argv[i], "ipip"))
			f->tun_type = 0;
		else if (!strcmp(n->argv[i], "gre"))
			f->tun_type = 2;
		else if (!strcmp(n->argv[i], "gue")) {
			f->tun_type = 1;
			if (i + 2 >= n->argc || strcmp(n->argv[i + 1], "port") ||
			    (f->tun_port = parse_port(n->argv[i + 2])) < 1)
				return -(int)(i + 1) - 1;
			i += 2;
		} else {
			return -(int)i - 1;
		}
		i++;
	}
	if (i < n->argc) {
		if (!strcmp(n->argv[i], "nocsum"))
			f->tun_csum = 1;
		else if (!strcmp(n->argv[i], "csum"))
			f->tun_csum = 2;
		else if (!strcmp(n->argv[i], "remcsum"))
			f->tun_csum = 3;
		else
			return -(int)i - 1;
		i++;
	}
	return i == n->argc ? 1 : -(int)i - 1;
}

int check_conf_fwd_check(struct tdm_conf_ctx *ctx, struct tdm_cnode *n)
{
	struct check_fwd f;
	int r = check_conf_parse_fwd(n, &f);

	if (r == 0) {
		tdm_conf_err(ctx, n, 0, "expected NAT, DR, TUN or FNAT, got '%s'", n->argv[0]);
		return -1;
	}
	if (r < 0) {
		int at = -r - 1;
		if (at >= (int)n->argc)
			at = (int)n->argc - 1;
		tdm_conf_err(ctx, n, at, "%s: expected NAT|DR|TUN|FNAT [type ipip|gue port <port>|gre] [nocsum|csum|remcsum]", n->kw);
		return -1;
	}
	if (f.method != CHECK_FWD_TUN && n->argc > 1) {
		tdm_conf_err(ctx, n, 1, "unexpected '%s': only TUN takes options", n->argv[1]);
		return -1;
	}
	return 0;
}

/* ---- identities ---- */

static void fmt_addr(const struct tdm_addr *a, int port, int with_port, char *buf, size_t cap)
{
	char s[INET6_ADDRSTRLEN];

	inet_ntop(a->family, &a->u, s, sizeof(s));
	if (!with_port)
		snprintf(buf, cap, "%s", s);
	else if (a->family == AF_INET6)
		snprintf(buf, cap, "[%s]:%d", s, port);
	else
		snprintf(buf, cap, "%s:%d", s, port);
}

static const char *proto_name(const struct tdm_cnode *vs)
{
	const struct tdm_cnode *p = tdm_cnode_find(vs, "protocol");

	/* no protocol: UDP, as keepalived (and the kernel) default to */
	if (p && p->argc) {
		if (!strcasecmp(p->argv[0], "TCP"))
			return "tcp";
		if (!strcasecmp(p->argv[0], "SCTP"))
			return "sctp";
	}
	return "udp";
}

const char *check_conf_vs_ident(struct tdm_conf_ctx *ctx, const struct tdm_cnode *n)
{
	char buf[INET6_ADDRSTRLEN + 300];
	struct check_vsg_entry e;

	if (n->argc >= 2 && !strcmp(n->argv[0], "fwmark")) {
		const struct tdm_cnode *f = tdm_cnode_find(n, "ip_family");
		snprintf(buf, sizeof(buf), "fwmark %s%s", n->argv[1],
		         f && f->argc && !strcmp(f->argv[0], "inet6") ? " inet6" : "");
	} else if (n->argc >= 2 && !strcmp(n->argv[0], "group")) {
		snprintf(buf, sizeof(buf), "%s group %.200s", proto_name(n), n->argv[1]);
	} else if (n->argc >= 1 && !check_conf_parse_target(n->argv[0], n->argc > 1 ? n->argv[1] : NULL, &e)) {
		char a[INET6_ADDRSTRLEN + 16];
		fmt_addr(&e.lo, e.port, n->argc > 1, a, sizeof(a));
		snprintf(buf, sizeof(buf), "%s %s", proto_name(n), a);
	} else {
		return NULL;
	}
	return tdm_conf_strdup(ctx, buf);
}

/* decimal digits of v at p, returns the end (no NUL) */
static char *put_uint(char *p, unsigned v)
{
	char tmp[12];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

/* called once per real server: kept cheap (100,000 real servers are parsed in well under a
 * second), so IPv4 is formatted by hand */
const char *check_conf_rs_ident(struct tdm_conf_ctx *ctx, const struct tdm_cnode *n)
{
	char buf[INET6_ADDRSTRLEN + 16], *p = buf;
	struct tdm_addr a;
	int port = n->argc > 1 ? parse_port(n->argv[1]) : 0;

	if (n->argc < 1)
		return NULL;
	if (n->vals && n->vals[0].addr.family)
		a = n->vals[0].addr;
	else if (tdm_addr_parse(n->argv[0], &a))
		return NULL;
	if (a.family != AF_INET) {
		fmt_addr(&a, port, n->argc > 1, buf, sizeof(buf));
		return tdm_conf_strdup(ctx, buf);
	}
	for (int i = 0; i < 4; i++) {
		if (i)
			*p++ = '.';
		p = put_uint(p, ((const uint8_t *)&a.u.v4)[i]);
	}
	if (n->argc > 1) {
		*p++ = ':';
		p = put_uint(p, (unsigned)(port < 0 ? 0 : port));
	}
	*p = '\0';
	return tdm_conf_strdup(ctx, buf);
}

const char *check_conf_checker_ident(struct tdm_conf_ctx *ctx, const struct tdm_cnode *n)
{
	char buf[64], *p;
	unsigned idx = 0;
	size_t len = strnlen(n->kw, 40);
	const struct tdm_cnode *s;

	if (n->parent)
		for (s = n->parent->child; s && s != n; s = s->next)
			if (s->kw == n->kw || !strcmp(s->kw, n->kw))
				idx++;
	/* "<KIND>#<index>", once per checker: formatted by hand (100,000 of them) */
	memcpy(buf, n->kw, len);
	buf[len] = '#';
	p = put_uint(buf + len + 1, idx);
	*p = '\0';
	return tdm_conf_strdup(ctx, buf);
}

/* ---- builders ---- */

static void timing_init(struct check_timing *t)
{
	t->connect_timeout_us = t->delay_before_retry_us = t->warmup_us = t->delay_loop_us = -1;
	t->retry = -1;
	t->alpha = -1;
}

static int opt_bool(const struct tdm_cnode *c)
{
	return c->argc == 0 ? 1 : (int)c->vals[0].i;
}

/* 1 when c was a timing keyword */
static int timing_kw(const struct tdm_cnode *c, struct check_timing *t)
{
	const char *k = c->kw;

	if (!strcmp(k, "connect_timeout"))
		t->connect_timeout_us = (int64_t)c->vals[0].us;
	else if (!strcmp(k, "delay_before_retry"))
		t->delay_before_retry_us = (int64_t)c->vals[0].us;
	else if (!strcmp(k, "warmup"))
		t->warmup_us = (int64_t)c->vals[0].us;
	else if (!strcmp(k, "delay_loop"))
		t->delay_loop_us = (int64_t)c->vals[0].us;
	else if (!strcmp(k, "retry") || !strcmp(k, "nb_get_retry"))
		t->retry = (int)c->vals[0].i;
	else if (!strcmp(k, "alpha"))
		t->alpha = opt_bool(c);
	else
		return 0;
	return 1;
}

/* 1 when c was a connection keyword (connect_ip, bindto, connect_port, bind_port, bind_if,
 * fwmark) */
static int conn_kw(const struct tdm_cnode *c, struct check_checker_conf *k)
{
	const char *w = c->kw;

	if (!strcmp(w, "connect_ip")) {
		k->connect_ip = c->vals[0].addr;
		k->has_connect_ip = 1;
	} else if (!strcmp(w, "bindto")) {
		k->bindto = c->vals[0].addr;
		k->has_bindto = 1;
	} else if (!strcmp(w, "connect_port"))
		k->connect_port = (int)c->vals[0].i;
	else if (!strcmp(w, "bind_port"))
		k->bind_port = (int)c->vals[0].i;
	else if (!strcmp(w, "bind_if"))
		k->bind_if = c->argv[0];
	else if (!strcmp(w, "fwmark"))
		k->fwmark = c->vals[0].i;
	else
		return 0;
	return 1;
}

static struct check_checker_conf *build_checker(struct tdm_conf_ctx *ctx,
                                                const struct tdm_cnode *n, enum check_kind kind,
                                                int index)
{
	struct check_checker_conf *k = tdm_conf_alloc(ctx, sizeof(*k));
	const struct tdm_cnode *c, *u;
	size_t nu = 0;

	k->kind = kind;
	k->index = index;
	k->node = n;
	k->connect_port = k->bind_port = -1;
	k->fwmark = -1;
	k->log_all_failures = -1;
	timing_init(&k->t);
	TDM_CNODE_FOREACH(c, n)
		if (USABLE(c) && !strcmp(c->kw, "url"))
			nu++;
	k->u.http.urls = nu ? tdm_conf_alloc(ctx, nu * sizeof(*k->u.http.urls)) : NULL;
	TDM_CNODE_FOREACH(c, n) {
		const char *w = c->kw;
		if (!USABLE(c) || timing_kw(c, &k->t) || conn_kw(c, k))
			continue;
		if (!strcmp(w, "log_all_failures"))
			k->log_all_failures = opt_bool(c);
		else if (!strcmp(w, "virtualhost"))
			k->u.http.virtualhost = c->argv[0];
		else if (!strcmp(w, "http_protocol"))
			k->u.http.http_protocol = c->argv[0];
		else if (!strcmp(w, "enable_sni"))
			k->u.http.enable_sni = 1;
		else if (!strcmp(w, "reuse_connection"))
			k->u.http.reuse = (uint8_t)opt_bool(c);
		else if (!strcmp(w, "fast_recovery"))
			k->u.http.fast_recovery = (uint8_t)opt_bool(c);
		else if (!strcmp(w, "helo_name"))
			k->u.smtp.helo_name = c->argv[0];
		else if (!strcmp(w, "type"))
			k->u.dns.type = c->argv[0];
		else if (!strcmp(w, "name"))
			k->u.dns.name = c->argv[0];
		else if (!strcmp(w, "misc_path"))
			k->u.misc.path = c->argv[0];
		else if (!strcmp(w, "misc_timeout"))
			k->u.misc.timeout_us = (uint64_t)c->vals[0].i * 1000000u;
		else if (!strcmp(w, "misc_dynamic"))
			k->u.misc.dynamic = 1;
		else if (!strcmp(w, "user")) {
			k->u.misc.user = c->argv[0];
			k->u.misc.group = c->argc > 1 ? c->argv[1] : NULL;
		} else if (!strcmp(w, "payload"))
			k->u.udp.payload = c->argv[0];
		else if (!strcmp(w, "require_reply")) {
			k->u.udp.has_require_reply = 1;
			k->u.udp.require_reply = c->argc ? c->argv[0] : NULL;
		} else if (!strcmp(w, "min_reply_length"))
			k->u.udp.min_reply_length = (int)c->vals[0].i;
		else if (!strcmp(w, "max_reply_length"))
			k->u.udp.max_reply_length = (int)c->vals[0].i;
		else if (!strcmp(w, "track_file"))
			k->u.file.track_file = c->argv[0];
		else if (!strcmp(w, "dynamic"))
			k->u.file.dynamic = 1;
		else if (!strcmp(w, "weight")) {
			k->u.file.weight = c->vals[0].i;
			k->u.file.reverse = c->argc > 1;
		} else if (!strcmp(w, "url")) {
			struct check_url *url = &k->u.http.urls[k->u.http.nurls++];
			TDM_CNODE_FOREACH(u, c) {
				if (!USABLE(u))
					continue;
				if (!strcmp(u->kw, "path"))
					url->path = u->argv[0];
				else if (!strcmp(u->kw, "digest"))
					url->digest = u->argv[0];
				else if (!strcmp(u->kw, "virtualhost"))
					url->virtualhost = u->argv[0];
				else if (!strcmp(u->kw, "regex"))
					url->regex = u->argv[0];
				else if (!strcmp(u->kw, "regex_no_match"))
					url->regex_no_match = 1;
				else if (!strcmp(u->kw, "status_code")) {
					url->status = tdm_conf_alloc(ctx, u->argc * sizeof(*url->status));
					for (uint32_t i = 0; i < u->argc; i++) {
						char *end;
						url->status[i].lo = url->status[i].hi = (int)strtol(u->argv[i], &end, 10);
						if (*end == '-')
							url->status[i].hi = (int)strtol(end + 1, NULL, 10);
					}
					url->nstatus = u->argc;
				}
			}
		}
	}
	return k;
}

int check_conf_is_smtp_host(const struct tdm_cnode *c)
{
	return USABLE(c) && (c->def->flags & TDM_KW_BLOCK) && !strcmp(c->kw, "host");
}

/* SMTP_CHECK n's host blocks: n when the check has n of them, 0 when it checks its own
 * target */
static size_t smtp_hosts(const struct tdm_cnode *n)
{
	const struct tdm_cnode *c;
	size_t nh = 0;

	TDM_CNODE_FOREACH(c, n)
		nh += check_conf_is_smtp_host(c);
	return nh;
}

/* one host block h of SMTP_CHECK n as a check of its own: the SMTP_CHECK's settings, with the
 * host's connection keywords over its own (connect_ip, ports, bindto, bind_if, fwmark,
 * connect_timeout). node is the host block; its parent holds the other keywords. */
static struct check_checker_conf *build_smtp_host(struct tdm_conf_ctx *ctx,
                                                  const struct tdm_cnode *n,
                                                  const struct tdm_cnode *h, int index)
{
	struct check_checker_conf *k = build_checker(ctx, n, CHECK_SMTP, index);
	const struct tdm_cnode *c;

	k->node = h;
	TDM_CNODE_FOREACH(c, h)
		if (USABLE(c) && !timing_kw(c, &k->t))
			conn_kw(c, k);
	return k;
}

/* the checker kind of a real_server statement; only blocks can be checkers, and this runs for
 * every statement of 100,000 real servers, so plain keywords leave at once */
static enum check_kind kind_of(const struct tdm_cnode *c)
{
	const char *kw = c->kw;

	if (!(c->def->flags & TDM_KW_BLOCK))
		return CHECK__N;
	for (int i = 0; i < CHECK__N; i++)
		if (!strcmp(kw, check_kind_names[i]))
			return (enum check_kind)i;
	return CHECK__N;
}

struct check_rs_conf *check_conf_build_rs(struct tdm_conf_ctx *ctx, const struct tdm_cnode *n)
{
	struct check_rs_conf *rs = tdm_conf_alloc(ctx, sizeof(*rs));
	const struct tdm_cnode *c;
	int idx[CHECK__N] = { 0 };
	size_t nk = 0;

	rs->node = n;
	rs->weight = 1;
	rs->fwd.method = CHECK_FWD_DEFAULT;
	rs->inhibit_on_failure = -1;
	rs->uthreshold = rs->lthreshold = -1;
	rs->smtp_alert = -1;
	timing_init(&rs->t);
	if (n->argc >= 1)
		rs->addr = n->vals[0].addr;
	if (n->argc >= 2)
		rs->port = (int)n->vals[1].i;
	TDM_CNODE_FOREACH(c, n) {
		enum check_kind kk = USABLE(c) ? kind_of(c) : CHECK__N;
		size_t nh = kk == CHECK_SMTP ? smtp_hosts(c) : 0;
		if (kk != CHECK__N)
			nk += nh ? nh : 1;
	}
	rs->checkers = nk ? tdm_conf_alloc(ctx, nk * sizeof(*rs->checkers)) : NULL;
	TDM_CNODE_FOREACH(c, n) {
		const char *w = c->kw;
		enum check_kind kk;
		if (!USABLE(c))
			continue;
		if (!strcmp(w, "weight")) {     /* the most frequent statement: tested first */
			rs->weight = (int)c->vals[0].i;
			rs->weight_set = 1;
			continue;
		}
		if (timing_kw(c, &rs->t))
			continue;
		kk = kind_of(c);
		if (kk == CHECK_SMTP && smtp_hosts(c)) {
			/* only the hosts are checked, each a check of its own (all with the
			 * SMTP_CHECK's index); the real server is up when all of them pass, as with
			 * keepalived's SMTP_CHECK checking them in turn */
			const struct tdm_cnode *h;
			TDM_CNODE_FOREACH(h, c)
				if (check_conf_is_smtp_host(h))
					rs->checkers[rs->ncheckers++] = build_smtp_host(ctx, c, h, idx[kk]);
			idx[kk]++;
		} else if (kk != CHECK__N) {
			rs->checkers[rs->ncheckers++] = build_checker(ctx, c, kk, idx[kk]++);
		} else if (!strcmp(w, "lvs_method"))
			check_conf_parse_fwd(c, &rs->fwd);
		else if (!strcmp(w, "uthreshold"))
			rs->uthreshold = c->vals[0].i;
		else if (!strcmp(w, "lthreshold"))
			rs->lthreshold = c->vals[0].i;
		else if (!strcmp(w, "inhibit_on_failure"))
			rs->inhibit_on_failure = opt_bool(c);
		else if (!strcmp(w, "notify_up"))
			rs->notify_up = c->argv[0];
		else if (!strcmp(w, "notify_down"))
			rs->notify_down = c->argv[0];
		else if (!strcmp(w, "smtp_alert"))
			rs->smtp_alert = opt_bool(c);
		else if (!strcmp(w, "virtualhost"))
			rs->virtualhost = c->argv[0];
		else if (!strcmp(w, "snmp_name"))
			rs->snmp_name = c->argv[0];
	}
	return rs;
}

