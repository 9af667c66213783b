/* vrrp/vrrp_conf_items.c - validation of the free-form item lines of the VRRP blocks:
 * virtual/static addresses, routes, rules, track_* references, unicast peers, interface lists.
 * Routes and rules follow `ip route` / `ip rule` words as keepalived accepts them. As in
 * keepalived, a route or rule whose address cannot be parsed is dropped with a warning (Debian's
 * own sample configs contain such lines); every other malformed item is an error. */
#include <arpa/inet.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "vrrp/vrrp_conf.h"

/* ctx may be NULL when a builder re-parses an item that was already validated */
#define ERR(...) do { if (ctx) tdm_conf_err(ctx, __VA_ARGS__); } while (0)

/* token i of an item line: 0 is the first word (node->kw); argi for messages is i - 1 */
static const char *tok(const struct tdm_cnode *n, uint32_t i)
{
	return i == 0 ? n->kw : (i <= n->argc ? n->argv[i - 1] : NULL);
}

static uint32_t ntok(const struct tdm_cnode *n)
{
	return n->argc + 1;
}

int vrrp_conf_parse_addr(const char *s, int allow_plen, struct tdm_addr *a)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *slash = strchr(s, '/');
	size_t len = slash ? (size_t)(slash - s) : strlen(s);
	long plen = -1;

	if (len == 0 || len >= INET6_ADDRSTRLEN)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, buf, &a->u.v4) == 1) {
		a->family = AF_INET;
		a->plen = 32;
	} else if (inet_pton(AF_INET6, buf, &a->u.v6) == 1) {
		a->family = AF_INET6;
		a->plen = 128;
	} else {
		return -1;
	}
	if (slash) {
		char *end;
		if (!allow_plen || !slash[1])
			return -1;
		plen = strtol(slash + 1, &end, 10);
		if (*end || plen < 0 || plen > a->plen)
			return -1;
		a->plen = (uint8_t)plen;
	}
	return 0;
}

static int parse_ll(const char *s, long long min, long long max, long long *v)
{
	char *end;

	if (!s || !*s)
		return -1;
	*v = strtoll(s, &end, 0);
	return (*end || *v < min || *v > max) ? -1 : 0;
}

void vrrp_conf_check_ifname(struct tdm_conf_ctx *ctx, const struct tdm_cnode *node, int argi,
                            const char *name, const char *what)
{
	const struct tdm_conf_opts *o = ctx ? tdm_conf_ctx_opts(ctx) : NULL;

	if (o && o->check_interfaces && name && if_nametoindex(name) == 0)
		tdm_conf_warn(ctx, node, argi, "%s %s does not exist (yet)", what, name);
}

static int ifname_ok(const char *s)
{
	size_t l = strlen(s);
	return l >= 1 && l <= 15 && !strchr(s, '/') && strcmp(s, ".") && strcmp(s, "..");
}

/* ---- virtual_ipaddress / static_ipaddress ---- */

static const char *const vip_flags[] = {
	"home", "-nodad", "nodad", "mngtmpaddr", "noprefixroute", "autojoin", "no_track",
	"use_vmac", NULL };

static int word_in(const char *w, const char *const *list)
{
	for (int i = 0; list[i]; i++)
		if (!strcmp(w, list[i]))
			return i;
	return -1;
}

int vrrp_conf_parse_vip(struct tdm_conf_ctx *ctx, const struct tdm_cnode *n, int is_static,
                        struct vrrp_vip *v)
{
	uint32_t i, nt = ntok(n);
	long long ll;

	memset(v, 0, sizeof(*v));
	v->preferred_lft = -1;
	v->node = n;
	if (vrrp_conf_parse_addr(n->kw, 1, &v->addr)) {
		ERR(n, -1, "expected <address>[/<prefix length>], got '%s'", n->kw);
		return -1;
	}
	for (i = 1; i < nt; i++) {
		const char *w = tok(n, i), *val = tok(n, i + 1);
		int f = word_in(w, vip_flags);
		if (f >= 0) {
			switch (f) {
			case 0: v->home = 1; break;
			case 1: case 2: v->nodad = 1; break;
			case 3: v->mngtmpaddr = 1; break;
			case 4: v->noprefixroute = 1; break;
			case 5: v->autojoin = 1; break;
			case 6: v->no_track = 1; break;
			default: v->use_vmac = 1; break;
			}
			if (f == 7 && val && !strchr(val, '.') && word_in(val, vip_flags) < 0 &&
			    strcmp(val, "dev") && strcmp(val, "brd") && strcmp(val, "scope") &&
			    strcmp(val, "label") && strcmp(val, "peer") && strcmp(val, "preferred_lft") &&
			    strcmp(val, "track_group") && ifname_ok(val))
				i++;                       /* use_vmac NAME */
			continue;
		}
		if (!val) {
			ERR(n, (int)i - 1, "'%s' needs a value", w);
			return -1;
		}
		if (!strcmp(w, "brd") || !strcmp(w, "broadcast")) {
			if (strcmp(val, "+") && strcmp(val, "-")) {
				if (vrrp_conf_parse_addr(val, 0, &v->brd) || v->brd.family != v->addr.family) {
					ERR(n, (int)i, "expected broadcast <address> of the same family, '+' or '-', got '%s'", val);
					return -1;
				}
				v->has_brd = 1;
			}
		} else if (!strcmp(w, "dev")) {
			if (!ifname_ok(val)) {
				ERR(n, (int)i, "expected <interface name> (1..15 chars), got '%s'", val);
				return -1;
			}
			v->dev = val;
			vrrp_conf_check_ifname(ctx, n, (int)i, val, "interface");
		} else if (!strcmp(w, "scope")) {
			static const char *const scopes[] = { "global", "site", "link", "host", "nowhere", NULL };
			if (word_in(val, scopes) < 0 && parse_ll(val, 0, 255, &ll)) {
				ERR(n, (int)i, "expected scope global|site|link|host|nowhere|0..255, got '%s'", val);
				return -1;
			}
			v->scope = val;
		} else if (!strcmp(w, "label")) {
			if (strlen(val) > 15) {
				ERR(n, (int)i, "label '%s' is longer than 15 characters", val);
				return -1;
			}
			v->label = val;
		} else if (!strcmp(w, "peer")) {
			if (vrrp_conf_parse_addr(val, 1, &v->peer) || v->peer.family != v->addr.family) {
				ERR(n, (int)i, "expected peer <address> of the same family, got '%s'", val);
				return -1;
			}
			v->has_peer = 1;
		} else if (!strcmp(w, "preferred_lft")) {
			if (!strcmp(val, "forever"))
				v->preferred_lft = -2;
			else if (parse_ll(val, 0, 4294967295LL, &ll)) {
				ERR(n, (int)i, "expected preferred_lft <seconds>|forever, got '%s'", val);
				return -1;
			} else {
				v->preferred_lft = (int)(ll > 2147483647LL ? 2147483647LL : ll);
			}
		} else if (!strcmp(w, "track_group")) {
			if (!is_static) {
				ERR(n, (int)i - 1, "track_group applies only to static addresses");
				return -1;
			}
			v->track_group = val;
		} else {
			ERR(n, (int)i - 1, "unknown address option '%s': expected brd, dev, scope, label, peer, home, -nodad, mngtmpaddr, noprefixroute, autojoin, no_track, use_vmac, preferred_lft%s",
			             w, is_static ? ", track_group" : "");
			return -1;
		}
		i++;
	}
	return 0;
}

int vrrp_conf_item_vip(struct tdm_conf_ctx *ctx, struct tdm_cnode *node)
{
	struct vrrp_vip v;
	return vrrp_conf_parse_vip(ctx, node, 0, &v);
}

int vrrp_conf_item_static_addr(struct tdm_conf_ctx *ctx, struct tdm_cnode *node)
{
	struct vrrp_vip v;
	return vrrp_conf_parse_vip(ctx, node, 1, &v);
}

/* ---- routes and rules ---- */

enum { W_FLAG, W_VAL, W_ADDR, W_NUM, W_IF, W_REST };

struct word { const char *w; int kind; long long max; const char *depr; };

static const struct word route_words[] = {
	{ "src", W_ADDR, 0, NULL }, { "via", W_ADDR, 0, NULL },
	{ "gw", W_ADDR, 0, "\"gw\" is deprecated, use \"via\"" },
	{ "or", W_ADDR, 0, "\"or\" is deprecated, use \"nexthop\"" },
	{ "from", W_ADDR, 0, NULL }, { "dev", W_IF, 0, NULL }, { "oif", W_IF, 0, NULL },
	{ "table", W_VAL, 0, NULL }, { "tos", W_VAL, 0, NULL }, { "dsfield", W_VAL, 0, NULL },
	{ "protocol", W_VAL, 0, NULL }, { "proto", W_VAL, 0, NULL }, { "scope", W_VAL, 0, NULL },
	{ "metric", W_NUM, 4294967295LL, NULL }, { "priority", W_NUM, 4294967295LL, NULL },
	{ "preference", W_NUM, 4294967295LL, NULL }, { "pref", W_VAL, 0, NULL },
	{ "mtu", W_NUM, 4294967295LL, NULL }, { "hoplimit", W_NUM, 255, NULL },
	{ "advmss", W_NUM, 4294967295LL, NULL }, { "rtt", W_VAL, 0, NULL },
	{ "rttvar", W_VAL, 0, NULL }, { "reordering", W_NUM, 4294967295LL, NULL },
	{ "window", W_NUM, 4294967295LL, NULL }, { "cwnd", W_NUM, 4294967295LL, NULL },
	{ "ssthresh", W_NUM, 4294967295LL, NULL }, { "realms", W_VAL, 0, NULL },
	{ "realm", W_VAL, 0, NULL },
	{ "rto_min", W_VAL, 0, NULL }, { "initcwnd", W_NUM, 4294967295LL, NULL },
	{ "initrwnd", W_NUM, 4294967295LL, NULL }, { "features", W_VAL, 0, NULL },
	{ "quickack", W_NUM, 1, NULL }, { "congctl", W_VAL, 0, NULL },
	{ "fastopen_no_cookie", W_NUM, 1, NULL }, { "ttl-propagate", W_VAL, 0, NULL },
	{ "expires", W_NUM, 4294967295LL, NULL }, { "weight", W_NUM, 256, NULL },
	{ "vrf", W_IF, 0, NULL }, { "track_group", W_VAL, 0, NULL }, { "encap", W_REST, 0, NULL },
	{ "nexthop", W_FLAG, 0, NULL }, { "lock", W_FLAG, 0, NULL }, { "onlink", W_FLAG, 0, NULL },
	{ "pervasive", W_FLAG, 0, NULL }, { "append", W_FLAG, 0, NULL },
	{ "no_track", W_FLAG, 0, NULL }, { "inet", W_FLAG, 0, NULL }, { "inet6", W_FLAG, 0, NULL },
	{ "to", W_FLAG, 0, NULL }, { NULL, 0, 0, NULL } };

static const char *const route_types[] = {
	"unicast", "blackhole", "unreachable", "prohibit", "throw", "local", "broadcast",
	"multicast", "anycast", "nat", NULL };

static const struct word rule_words[] = {
	{ "from", W_ADDR, 0, NULL }, { "to", W_ADDR, 0, NULL }, { "table", W_VAL, 0, NULL },
	{ "lookup", W_VAL, 0, NULL }, { "iif", W_IF, 0, NULL }, { "dev", W_IF, 0, NULL },
	{ "oif", W_IF, 0, NULL }, { "tos", W_VAL, 0, NULL }, { "dsfield", W_VAL, 0, NULL },
	{ "fwmark", W_VAL, 0, NULL }, { "preference", W_NUM, 4294967295LL, NULL },
	{ "priority", W_NUM, 4294967295LL, NULL }, { "order", W_NUM, 4294967295LL, NULL },
	{ "pref", W_NUM, 4294967295LL, NULL }, { "realms", W_VAL, 0, NULL },
	{ "goto", W_NUM, 4294967295LL, NULL }, { "suppress_prefixlength", W_NUM, 128, NULL },
	{ "sup_pl", W_NUM, 128, NULL }, { "suppress_ifgroup", W_VAL, 0, NULL },
	{ "sup_group", W_VAL, 0, NULL }, { "uidrange", W_VAL, 0, NULL },
	{ "protocol", W_VAL, 0, NULL }, { "ipproto", W_VAL, 0, NULL },
	{ "ip_proto", W_VAL, 0, NULL }, { "sport", W_VAL, 0, NULL }, { "dport", W_VAL, 0, NULL },
	{ "tunnel_id", W_VAL, 0, NULL }, { "track_group", W_VAL, 0, NULL },
	{ "not", W_FLAG, 0, NULL }, { "l3mdev", W_FLAG, 0, NULL }, { "no_track", W_FLAG, 0, NULL },
	{ "inet", W_FLAG, 0, NULL }, { "inet6", W_FLAG, 0, NULL }, { "blackhole", W_FLAG, 0, NULL },
	{ "prohibit", W_FLAG, 0, NULL }, { "unreachable", W_FLAG, 0, NULL },
	{ "nop", W_FLAG, 0, NULL }, { NULL, 0, 0, NULL } };

static const struct word *find_word(const struct word *t, const char *w)
{
	for (; t->w; t++)
		if (!strcmp(t->w, w))
			return t;
	return NULL;
}

static int addr_word_ok(const char *v)
{
	struct tdm_addr a;
	return !strcmp(v, "default") || !strcmp(v, "all") || !vrrp_conf_parse_addr(v, 1, &a);
}

/* 0 ok, 1 item dropped with a warning, -1 error */
static int check_words(struct tdm_conf_ctx *ctx, struct tdm_cnode *n, const struct word *tab,
                       int is_route)
{
	uint32_t i, nt = ntok(n);
	int have_dst = 0;
	long long ll;

	for (i = 0; i < nt; i++) {
		const char *w = tok(n, i), *val = tok(n, i + 1);
		const struct word *d = find_word(tab, w);

		if (!d) {
			if (is_route && !have_dst && word_in(w, route_types) >= 0)
				continue;
			if (is_route && !have_dst) {
				have_dst = 1;
				if (!addr_word_ok(w)) {
					tdm_conf_warn(ctx, n, (int)i - 1, "invalid route destination '%s': route ignored", w);
					return 1;
				}
				continue;
			}
			ERR(n, (int)i - 1, "unknown %s option '%s'", is_route ? "route" : "rule", w);
			return -1;
		}
		if (d->depr)
			tdm_conf_warn(ctx, n, (int)i - 1, "%s", d->depr);
		if (d->kind == W_FLAG) {
			if (is_route && !strcmp(w, "to") && !have_dst) {
				if (!val) {
					ERR(n, (int)i - 1, "'to' needs a destination");
					return -1;
				}
				if (!addr_word_ok(val)) {
					tdm_conf_warn(ctx, n, (int)i, "invalid route destination '%s': route ignored", val);
					return 1;
				}
				have_dst = 1;
				i++;
			}
			continue;
		}
		if (d->kind == W_REST)
			break;
		if (!val) {
			ERR(n, (int)i - 1, "'%s' needs a value", w);
			return -1;
		}
		if (d->kind == W_ADDR && is_route && (!strcmp(val, "inet") || !strcmp(val, "inet6")) &&
		    tok(n, i + 2)) {
			i++;                    /* "via inet6 fe80::1" */
			val = tok(n, i + 1);
		}
		if (d->kind == W_ADDR && !addr_word_ok(val)) {
			tdm_conf_warn(ctx, n, (int)i, "invalid address '%s' for '%s': %s ignored", val, w,
			              is_route ? "route" : "rule");
			return 1;
		}
		if (d->kind == W_NUM && !(is_route && !strcmp(val, "lock")) &&
		    parse_ll(val, 0, d->max, &ll)) {
			ERR(n, (int)i, "'%s' expects a number 0..%lld, got '%s'", w, d->max, val);
			return -1;
		}
		if (d->kind == W_NUM && is_route && !strcmp(val, "lock")) {
			i++;
			val = tok(n, i + 1);
			if (!val || parse_ll(val, 0, d->max, &ll)) {
				ERR(n, (int)i, "'%s lock' expects a number 0..%lld", w, d->max);
				return -1;
			}
		}
		if (d->kind == W_IF) {
			if (!ifname_ok(val)) {
				ERR(n, (int)i, "expected <interface name>, got '%s'", val);
				return -1;
			}
			vrrp_conf_check_ifname(ctx, n, (int)i, val, "interface");
		}
		i++;
	}
	if (is_route && !have_dst) {
		ERR(n, -1, "route has no destination");
		return -1;
	}
	return 0;
}

int vrrp_conf_item_route(struct tdm_conf_ctx *ctx, struct tdm_cnode *node)
{
	return check_words(ctx, node, route_words, 1) < 0 ? -1 : 0;
}

int vrrp_conf_item_rule(struct tdm_conf_ctx *ctx, struct tdm_cnode *node)
{
	return check_words(ctx, node, rule_words, 0) < 0 ? -1 : 0;
}

/* ---- tracking references ---- */

static int track_common(struct tdm_conf_ctx *ctx, struct tdm_cnode *n, long long lim)
{
	long long w;

	if (n->argc == 0)
		return 0;
	if (strcmp(n->argv[0], "weight")) {
		ERR(n, 0, "expected 'weight <%lld..%lld> [reverse]' after '%s', got '%s'",
		             -lim, lim, n->kw, n->argv[0]);
		return -1;
	}
	if (n->argc < 2 || parse_ll(n->argv[1], -lim, lim, &w)) {
		ERR(n, n->argc < 2 ? 0 : 1, "weight must be %lld..%lld", -lim, lim);
		return -1;
	}
	if (n->argc >= 3 && strcmp(n->argv[2], "reverse") && strcmp(n->argv[2], "noreverse") &&
	    strcmp(n->argv[2], "no_reverse")) {
		ERR(n, 2, "expected reverse or noreverse, got '%s'", n->argv[2]);
		return -1;
	}
	if (n->argc > 3) {
		ERR(n, 3, "unexpected '%s'", n->argv[3]);
		return -1;
	}
	return 0;
}

int vrrp_conf_item_track_if(struct tdm_conf_ctx *ctx, struct tdm_cnode *node)
{
	if (!ifname_ok(node->kw)) {
		ERR(node, -1, "expected <interface name> (1..15 chars), got '%s'", node->kw);
		return -1;
	}
	vrrp_conf_check_ifname(ctx, node, -1, node->kw, "tracked interface");
	return track_common(ctx, node, 253);
}

int vrrp_conf_item_track_ref(struct tdm_conf_ctx *ctx, struct tdm_cnode *node)
{
	return track_common(ctx, node, 253);
}

int vrrp_conf_item_track_ref254(struct tdm_conf_ctx *ctx, struct tdm_cnode *node)
{
	return track_common(ctx, node, 254);
}

int vrrp_conf_item_name(struct tdm_conf_ctx *ctx, struct tdm_cnode *node)
{
	if (node->argc) {
		ERR(node, 0, "expected one name per line, got extra '%s'", node->argv[0]);
		return -1;
	}
	return 0;
}

int vrrp_conf_item_ifname(struct tdm_conf_ctx *ctx, struct tdm_cnode *node)
{
	if (vrrp_conf_item_name(ctx, node))
		return -1;
	if (!ifname_ok(node->kw)) {
		ERR(node, -1, "expected <interface name> (1..15 chars), got '%s'", node->kw);
		return -1;
	}
	vrrp_conf_check_ifname(ctx, node, -1, node->kw, "interface");
	return 0;
}

int vrrp_conf_item_linkbeat(struct tdm_conf_ctx *ctx, struct tdm_cnode *node)
{
	if (!ifname_ok(node->kw)) {
		ERR(node, -1, "expected <interface name> (1..15 chars), got '%s'", node->kw);
		return -1;
	}
	if (node->argc > 1 || (node->argc == 1 && strcmp(node->argv[0], "MII") &&
	    strcmp(node->argv[0], "ETHTOOL") && strcmp(node->argv[0], "IOCTL"))) {
		ERR(node, 0, "expected <interface> [MII|ETHTOOL|IOCTL]");
		return -1;
	}
	vrrp_conf_check_ifname(ctx, node, -1, node->kw, "interface");
	return 0;
}

int vrrp_conf_item_updown(struct tdm_conf_ctx *ctx, struct tdm_cnode *node)
{
	if (!ifname_ok(node->kw)) {
		ERR(node, -1, "expected <interface name> (1..15 chars), got '%s'", node->kw);
		return -1;
	}
	if (node->argc < 1 || node->argc > 2) {
		ERR(node, -1, "expected <interface> <down delay> [<up delay>] (seconds 0..255)");
		return -1;
	}
	for (uint32_t i = 0; i < node->argc; i++) {
		char *end;
		double d = strtod(node->argv[i], &end);
		if (*end || end == node->argv[i] || d < 0 || d > 255) {
			ERR(node, (int)i, "expected a delay in seconds 0..255, got '%s'", node->argv[i]);
			return -1;
		}
	}
	vrrp_conf_check_ifname(ctx, node, -1, node->kw, "interface");
	return 0;
}

int vrrp_conf_item_peer(struct tdm_conf_ctx *ctx, struct tdm_cnode *node)
{
	struct tdm_addr a;
	long long v;

	if (vrrp_conf_parse_addr(node->kw, 0, &a)) {
		ERR(node, -1, "expected unicast peer <address>, got '%s'", node->kw);
		return -1;
	}
	for (uint32_t i = 0; i < node->argc; i += 2) {
		if (strcmp(node->argv[i], "min_ttl") && strcmp(node->argv[i], "max_ttl")) {
			ERR(node, (int)i, "expected min_ttl or max_ttl, got '%s'", node->argv[i]);
			return -1;
		}
		if (i + 1 >= node->argc || parse_ll(node->argv[i + 1], 0, 255, &v)) {
			ERR(node, (int)i + (i + 1 < node->argc), "%s must be 0..255", node->argv[i]);
			return -1;
		}
	}
	return 0;
}
