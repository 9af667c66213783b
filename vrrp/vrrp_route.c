/* vrrp/vrrp_route.c - virtual_routes / virtual_rules through libnl-route-3.
 * Routes: [to] DEST|default [type] via|gw ADDR, dev|oif IF, src ADDR, table T, metric|
 * priority|preference N, scope S, protocol|proto P, onlink, inet|inet6, no_track,
 * track_group G (the last two are for tracking and ignored here), append (else the route is
 * prepended, the kernel's default). Types: blackhole,
 * unreachable, prohibit, throw, local, unicast (before or after the destination).
 * Rules: from ADDR, to ADDR, table|lookup T, priority|preference|pref|order N, fwmark M[/MASK],
 * iif|dev IF, oif IF, tos|dsfield N, goto N, protocol P, blackhole|prohibit|unreachable|nop,
 * inet|inet6, no_track, track_group G. A line that could be either family is IPv4 unless it
 * says inet6 (keepalived's rule). */
#include "vrrp/vrrp_route.h"

#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/route/route.h>
#include <netlink/route/rule.h>
#include <netlink/route/rtnl.h>
#include "lib/log.h"

#define MAXTOK 64

static size_t tokens(const struct tdm_cnode *line, const char **t)
{
	size_t n = 0;

	t[n++] = line->kw;
	for (uint32_t i = 0; i < line->argc && n < MAXTOK; i++)
		t[n++] = line->argv[i];
	return n;
}

static int num(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || !*s || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

static int table_id(const char *s, unsigned long *out)
{
	int t = rtnl_route_str2table(s);

	if (t >= 0) {
		*out = (unsigned long)t;
		return 0;
	}
	return num(s, 0xffffffffUL, out);
}

static int addr(const char *s, int *family, struct nl_addr **out)
{
	struct nl_addr *a = NULL;

	if (nl_addr_parse(s, *family ? *family : AF_UNSPEC, &a) < 0) {
		if (*family || nl_addr_parse(s, AF_INET6, &a) < 0)
			return -1;
	}
	if (!*family)
		*family = nl_addr_get_family(a);
	nl_addr_put(*out);
	*out = a;
	return 0;
}

static void bad(const struct tdm_cnode *line, const char *what, const char *word)
{
	tdm_log_warn("virtual route/rule '%s ...': %s '%s': line not applied", line->kw, what,
	             word ? word : "");
}

int vrrp_route_apply(struct nl_sock *sk, int add, const struct tdm_cnode *line, int family,
                     int dflt_ifindex)
{
	const char *t[MAXTOK];
	size_t n = tokens(line, t);
	struct rtnl_route *r = rtnl_route_alloc();
	struct rtnl_nexthop *nh = NULL;
	struct nl_addr *dst = NULL, *via = NULL, *src = NULL;
	unsigned long v, table = RT_TABLE_MAIN, metric = 0;
	int fam = 0, type = RTN_UNICAST, scope = -1, proto = RTPROT_BOOT, ifindex = 0;
	int onlink = 0, append = 0, has_metric = 0, rc = -1, err;
	const char *dst_s = NULL;

	(void)family;
	for (size_t i = 0; i < n; i++) {
		const char *w = t[i], *val = i + 1 < n ? t[i + 1] : NULL;
		int rtype;

		if (!strcmp(w, "to") || !strcmp(w, "no_track"))
			continue;
		if (!strcmp(w, "inet") || !strcmp(w, "inet6")) {
			fam = w[4] ? AF_INET6 : AF_INET;
			continue;
		}
		if (!strcmp(w, "onlink")) {
			onlink = 1;
			continue;
		}
		if (!strcmp(w, "append")) {
			append = 1;
			continue;
		}
		if (strcmp(w, "local") && strcmp(w, "nat") && (rtype = nl_str2rtntype(w)) >= 0) {
			type = rtype;
			continue;
		}
		if (!strcmp(w, "local")) {
			type = RTN_LOCAL;
			continue;
		}
		if (!val && (!strcmp(w, "via") || !strcmp(w, "gw") || !strcmp(w, "src") ||
		             !strcmp(w, "dev") || !strcmp(w, "oif") || !strcmp(w, "table") ||
		             !strcmp(w, "metric") || !strcmp(w, "priority") ||
		             !strcmp(w, "preference") || !strcmp(w, "scope") ||
		             !strcmp(w, "protocol") || !strcmp(w, "proto") ||
		             !strcmp(w, "track_group"))) {
			bad(line, "missing value after", w);
			goto out;
		}
		if (!strcmp(w, "via") || !strcmp(w, "gw")) {
			if (addr(val, &fam, &via) < 0) {
				bad(line, "bad gateway", val);
				goto out;
			}
		} else if (!strcmp(w, "src")) {
			if (addr(val, &fam, &src) < 0) {
				bad(line, "bad source", val);
				goto out;
			}
		} else if (!strcmp(w, "dev") || !strcmp(w, "oif")) {
			ifindex = (int)if_nametoindex(val);
			if (!ifindex) {
				bad(line, "no interface", val);
				goto out;
			}
		} else if (!strcmp(w, "table")) {
			if (table_id(val, &table) < 0) {
				bad(line, "bad table", val);
				goto out;
			}
		} else if (!strcmp(w, "metric") || !strcmp(w, "priority") ||
		           !strcmp(w, "preference")) {
			if (num(val, 0xffffffffUL, &metric) < 0) {
				bad(line, "bad metric", val);
				goto out;
			}
			has_metric = 1;
		} else if (!strcmp(w, "scope")) {
			scope = rtnl_str2scope(val);
			if (scope < 0 && num(val, 255, &v) == 0)
				scope = (int)v;
			if (scope < 0) {
				bad(line, "bad scope", val);
				goto out;
			}
		} else if (!strcmp(w, "protocol") || !strcmp(w, "proto")) {
			proto = rtnl_route_str2proto(val);
			if (proto < 0 && num(val, 255, &v) == 0)
				proto = (int)v;
			if (proto < 0) {
				bad(line, "bad protocol", val);
				goto out;
			}
		} else if (!strcmp(w, "track_group")) {
			/* tracking: not here */
		} else if (!dst_s) {
			dst_s = w;
			continue;
		} else {
			bad(line, "unsupported word", w);
			goto out;
		}
		i++;                    /* the value */
	}
	if (!r || !dst_s) {
		bad(line, "no destination", NULL);
		goto out;
	}
	if (!fam && !strcmp(dst_s, "default"))
		fam = AF_INET;          /* either family: IPv4 unless inet6 (keepalived's rule) */
	if (addr(dst_s, &fam, &dst) < 0) {
		bad(line, "bad destination", dst_s);
		goto out;
	}
	rtnl_route_set_family(r, (uint8_t)fam);
	rtnl_route_set_dst(r, dst);
	rtnl_route_set_table(r, (uint32_t)table);
	rtnl_route_set_type(r, (uint8_t)type);
	if (has_metric)
		rtnl_route_set_priority(r, (uint32_t)metric);
	if (src)
		rtnl_route_set_pref_src(r, src);
	if (type == RTN_UNICAST && !ifindex && !via)
		ifindex = dflt_ifindex;
	if (scope < 0)
		scope = !add ? RT_SCOPE_NOWHERE
		      : type == RTN_LOCAL ? RT_SCOPE_HOST
		      : type == RTN_UNICAST && !via ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
	rtnl_route_set_scope(r, (uint8_t)scope);
	rtnl_route_set_protocol(r, (uint8_t)proto);     /* delete matches on it too */
	if (ifindex || via) {
		nh = rtnl_route_nh_alloc();
		if (!nh)
			goto out;
		if (ifindex)
			rtnl_route_nh_set_ifindex(nh, ifindex);
		if (via)
			rtnl_route_nh_set_gateway(nh, via);
		if (onlink)
			rtnl_route_nh_set_flags(nh, RTNH_F_ONLINK);
		rtnl_route_add_nexthop(r, nh);      /* the route owns it now */
	}
	/* prepend by default (the kernel's default, as keepalived), or append */
	err = add ? rtnl_route_add(sk, r, NLM_F_CREATE | (append ? NLM_F_APPEND : 0))
	          : rtnl_route_delete(sk, r, 0);
	if (add && err == -NLE_EXIST)
		err = 0;
	if (!add && (err == -NLE_OBJ_NOTFOUND || err == -NLE_NODEV))
		err = 0;
	if (err < 0) {
		tdm_log_warn("virtual route '%s ...' %s: %s", line->kw, add ? "add" : "remove",
		             nl_geterror(err));
		goto out;
	}
	rc = 0;
out:
	nl_addr_put(dst);
	nl_addr_put(via);
	nl_addr_put(src);
	if (r)
		rtnl_route_put(r);
	return rc;
}

int vrrp_rule_apply(struct nl_sock *sk, int add, const struct tdm_cnode *line, int family)
{
	const char *t[MAXTOK];
	size_t n = tokens(line, t);
	struct rtnl_rule *r = rtnl_rule_alloc();
	struct nl_addr *from = NULL, *to = NULL;
	unsigned long v;
	int fam = 0, rc = -1, err, action = FR_ACT_TO_TBL, has_table = 0;

	if (!r)
		goto out;
	for (size_t i = 0; i < n; i++) {
		const char *w = t[i], *val = i + 1 < n ? t[i + 1] : NULL;

		if (!strcmp(w, "no_track"))
			continue;
		if (!strcmp(w, "inet") || !strcmp(w, "inet6")) {
			fam = w[4] ? AF_INET6 : AF_INET;
			continue;
		}
		if (!strcmp(w, "blackhole") || !strcmp(w, "prohibit") || !strcmp(w, "unreachable") ||
		    !strcmp(w, "nop")) {
			action = w[0] == 'b' ? FR_ACT_BLACKHOLE : w[0] == 'p' ? FR_ACT_PROHIBIT
			       : w[0] == 'u' ? FR_ACT_UNREACHABLE : FR_ACT_NOP;
			continue;
		}
		if (!val) {
			bad(line, "missing value or unsupported word", w);
			goto out;
		}
		if (!strcmp(w, "from") || !strcmp(w, "to")) {
			if (strcmp(val, "all") && addr(val, &fam, w[0] == 'f' ? &from : &to) < 0) {
				bad(line, "bad address", val);
				goto out;
			}
		} else if (!strcmp(w, "table") || !strcmp(w, "lookup")) {
			if (table_id(val, &v) < 0) {
				bad(line, "bad table", val);
				goto out;
			}
			rtnl_rule_set_table(r, (uint32_t)v);
			has_table = 1;
		} else if (!strcmp(w, "priority") || !strcmp(w, "preference") ||
		           !strcmp(w, "pref") || !strcmp(w, "order")) {
			if (num(val, 0xffffffffUL, &v) < 0) {
				bad(line, "bad priority", val);
				goto out;
			}
			rtnl_rule_set_prio(r, (uint32_t)v);
		} else if (!strcmp(w, "fwmark")) {
			char buf[64], *slash;

			snprintf(buf, sizeof(buf), "%s", val);
			slash = strchr(buf, '/');
			if (slash)
				*slash++ = 0;
			if (num(buf, 0xffffffffUL, &v) < 0) {
				bad(line, "bad fwmark", val);
				goto out;
			}
			rtnl_rule_set_mark(r, (uint32_t)v);
			if (slash) {
				if (num(slash, 0xffffffffUL, &v) < 0) {
					bad(line, "bad fwmark mask", val);
					goto out;
				}
				rtnl_rule_set_mask(r, (uint32_t)v);
			}
		} else if (!strcmp(w, "iif") || !strcmp(w, "dev")) {
			rtnl_rule_set_iif(r, val);
		} else if (!strcmp(w, "oif")) {
			rtnl_rule_set_oif(r, val);
		} else if (!strcmp(w, "tos") || !strcmp(w, "dsfield")) {
			if (num(val, 255, &v) < 0) {
				bad(line, "bad tos", val);
				goto out;
			}
			rtnl_rule_set_dsfield(r, (uint8_t)v);
		} else if (!strcmp(w, "goto")) {
			if (num(val, 0xffffffffUL, &v) < 0) {
				bad(line, "bad goto", val);
				goto out;
			}
			rtnl_rule_set_goto(r, (uint32_t)v);
			action = FR_ACT_GOTO;
		} else if (!strcmp(w, "protocol")) {
			if (num(val, 255, &v) < 0) {
				bad(line, "bad protocol", val);
				goto out;
			}
			rtnl_rule_set_protocol(r, (uint8_t)v);
		} else if (!strcmp(w, "track_group")) {
			/* tracking: not here */
		} else {
			bad(line, "unsupported word", w);
			goto out;
		}
		i++;
	}
	if (!fam)
		fam = AF_INET;          /* either family: IPv4 unless inet6 (keepalived's rule) */
	rtnl_rule_set_family(r, fam);
	if (from)
		rtnl_rule_set_src(r, from);
	if (to)
		rtnl_rule_set_dst(r, to);
	if (action == FR_ACT_TO_TBL && !has_table) {
		bad(line, "no table", NULL);
		goto out;
	}
	rtnl_rule_set_action(r, (uint8_t)action);
	err = add ? rtnl_rule_add(sk, r, NLM_F_CREATE) : rtnl_rule_delete(sk, r, 0);
	if (add && err == -NLE_EXIST)
		err = 0;
	if (!add && (err == -NLE_OBJ_NOTFOUND || err == -NLE_NOADDR))
		err = 0;
	if (err < 0) {
		tdm_log_warn("virtual rule '%s ...' %s: %s", line->kw, add ? "add" : "remove",
		             nl_geterror(err));
		goto out;
	}
	rc = 0;
out:
	nl_addr_put(from);
	nl_addr_put(to);
	if (r)
		rtnl_rule_put(r);
	return rc;
}
