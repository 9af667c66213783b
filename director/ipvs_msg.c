/* director/ipvs_msg.c - IPVS generic netlink message builders and parsers (no socket);
 * see ipvs_msg.h for the wire rules. */
#include "director/ipvs_msg.h"

#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#define DROP(reason) do { *why = (reason); return -1; } while (0)

/* ---- building ------------------------------------------------------------------------ */

struct nl_msg *dir_ipvs_msg_new(int family, uint8_t cmd, int nlflags)
{
	/* the largest IPVS message (a dump entry with both stats nests) is under 512 bytes */
	struct nl_msg *m = nlmsg_alloc_size(1024);

	if (m && !genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, nlflags, cmd,
			      IPVS_GENL_VERSION)) {
		nlmsg_free(m);
		m = NULL;
	}
	return m;
}

static size_t addr_len(uint16_t af)
{
	return af == AF_INET6 ? 16 : 4;
}

static int put_stats(struct nl_msg *m, int type, const struct dir_ipvs_stats *st, bool wide)
{
	struct nlattr *n = nla_nest_start(m, type);
	const uint64_t v[] = { st->conns, st->inpkts, st->outpkts, st->inbytes, st->outbytes,
			       st->cps, st->inpps, st->outpps, st->inbps, st->outbps };

	if (!n)
		return -1;
	for (int i = 0; i < 10; i++) {
		int attr = IPVS_STATS_ATTR_CONNS + i;
		bool u64 = wide || attr == IPVS_STATS_ATTR_INBYTES || attr == IPVS_STATS_ATTR_OUTBYTES;
		if ((u64 ? nla_put_u64(m, attr, v[i]) : nla_put_u32(m, attr, (uint32_t)v[i])) < 0)
			return -1;
	}
	return nla_nest_end(m, n);
}

/* the service nest; full adds what NEW/SET need, entry adds stats (kernel side) */
static int put_svc(struct nl_msg *m, const struct dir_ipvs_svc *s, bool full, bool entry)
{
	struct nlattr *n = nla_nest_start(m, IPVS_CMD_ATTR_SERVICE);
	const struct dir_ipvs_svc_key *k = &s->key;

	if (!n || nla_put_u16(m, IPVS_SVC_ATTR_AF, k->af) < 0)
		return -1;
	if (k->fwmark) {
		if (nla_put_u32(m, IPVS_SVC_ATTR_FWMARK, k->fwmark) < 0)
			return -1;
	} else if (nla_put_u16(m, IPVS_SVC_ATTR_PROTOCOL, k->protocol) < 0 ||
		   nla_put(m, IPVS_SVC_ATTR_ADDR, sizeof(k->addr), k->addr.b) < 0 ||
		   nla_put_u16(m, IPVS_SVC_ATTR_PORT, htons(k->port)) < 0) {
		return -1;
	}
	if (full) {
		struct ip_vs_flags fl = { s->flags & ~IP_VS_SVC_F_HASHED, ~0u };
		char sched[IP_VS_SCHEDNAME_MAXLEN], pe[IP_VS_PENAME_MAXLEN];

		if (entry)
			fl.flags |= IP_VS_SVC_F_HASHED;   /* as the kernel reports it */
		memcpy(sched, s->sched, sizeof(sched));
		sched[sizeof(sched) - 1] = 0;
		memcpy(pe, s->pe, sizeof(pe));
		pe[sizeof(pe) - 1] = 0;
		if (nla_put_string(m, IPVS_SVC_ATTR_SCHED_NAME, sched) < 0 ||
		    (pe[0] && nla_put_string(m, IPVS_SVC_ATTR_PE_NAME, pe) < 0) ||
		    nla_put(m, IPVS_SVC_ATTR_FLAGS, sizeof(fl), &fl) < 0 ||
		    nla_put_u32(m, IPVS_SVC_ATTR_TIMEOUT, s->timeout) < 0 ||
		    nla_put_u32(m, IPVS_SVC_ATTR_NETMASK, s->netmask) < 0)
			return -1;
	}
	if (entry && (put_stats(m, IPVS_SVC_ATTR_STATS, &s->stats, false) < 0 ||
		      put_stats(m, IPVS_SVC_ATTR_STATS64, &s->stats, true) < 0))
		return -1;
	return nla_nest_end(m, n);
}

static int put_dest(struct nl_msg *m, const struct dir_ipvs_dest *d, bool full, bool entry)
{
	struct nlattr *n = nla_nest_start(m, IPVS_CMD_ATTR_DEST);
	const struct dir_ipvs_dest_key *k = &d->key;

	if (!n || nla_put(m, IPVS_DEST_ATTR_ADDR, sizeof(k->addr), k->addr.b) < 0 ||
	    nla_put_u16(m, IPVS_DEST_ATTR_PORT, htons(k->port)) < 0 ||
	    nla_put_u16(m, IPVS_DEST_ATTR_ADDR_FAMILY, k->af) < 0)
		return -1;
	if (full) {
		uint32_t fwd = d->fwd & IP_VS_CONN_F_FWD_MASK;
		if (nla_put_u32(m, IPVS_DEST_ATTR_FWD_METHOD, fwd) < 0 ||
		    nla_put_u32(m, IPVS_DEST_ATTR_WEIGHT, (uint32_t)d->weight) < 0 ||
		    nla_put_u32(m, IPVS_DEST_ATTR_U_THRESH, d->u_thresh) < 0 ||
		    nla_put_u32(m, IPVS_DEST_ATTR_L_THRESH, d->l_thresh) < 0)
			return -1;
		if ((fwd == IP_VS_CONN_F_TUNNEL || entry) &&
		    (nla_put_u8(m, IPVS_DEST_ATTR_TUN_TYPE, d->tun_type) < 0 ||
		     nla_put_u16(m, IPVS_DEST_ATTR_TUN_PORT, htons(d->tun_port)) < 0 ||
		     nla_put_u16(m, IPVS_DEST_ATTR_TUN_FLAGS, d->tun_flags) < 0))
			return -1;
	}
	if (entry && (nla_put_u32(m, IPVS_DEST_ATTR_ACTIVE_CONNS, d->active_conns) < 0 ||
		      nla_put_u32(m, IPVS_DEST_ATTR_INACT_CONNS, d->inact_conns) < 0 ||
		      nla_put_u32(m, IPVS_DEST_ATTR_PERSIST_CONNS, d->persist_conns) < 0 ||
		      put_stats(m, IPVS_DEST_ATTR_STATS, &d->stats, false) < 0 ||
		      put_stats(m, IPVS_DEST_ATTR_STATS64, &d->stats, true) < 0))
		return -1;
	return nla_nest_end(m, n);
}

static struct nl_msg *fail(struct nl_msg *m)
{
	nlmsg_free(m);
	return NULL;
}

struct nl_msg *dir_ipvs_msg_svc(int family, uint8_t cmd, int nlflags,
				const struct dir_ipvs_svc *svc)
{
	struct nl_msg *m = dir_ipvs_msg_new(family, cmd, nlflags);
	bool full = cmd == IPVS_CMD_NEW_SERVICE || cmd == IPVS_CMD_SET_SERVICE;

	if (m && put_svc(m, svc, full, false) < 0)
		return fail(m);
	return m;
}

struct nl_msg *dir_ipvs_msg_dest(int family, uint8_t cmd, const struct dir_ipvs_svc *svc,
				 const struct dir_ipvs_dest *dest)
{
	struct nl_msg *m = dir_ipvs_msg_new(family, cmd, 0);
	bool full = cmd == IPVS_CMD_NEW_DEST || cmd == IPVS_CMD_SET_DEST;

	if (m && (put_svc(m, svc, false, false) < 0 || put_dest(m, dest, full, false) < 0))
		return fail(m);
	return m;
}

struct nl_msg *dir_ipvs_msg_daemon(int family, uint8_t cmd, const struct dir_ipvs_daemon *d)
{
	struct nl_msg *m = dir_ipvs_msg_new(family, cmd, 0);
	struct nlattr *n;
	char ifn[IP_VS_IFNAME_MAXLEN];

	if (!m)
		return NULL;
	if (!(n = nla_nest_start(m, IPVS_CMD_ATTR_DAEMON)) ||
	    nla_put_u32(m, IPVS_DAEMON_ATTR_STATE, d->state) < 0)
		return fail(m);
	if (cmd != IPVS_CMD_DEL_DAEMON) {
		memcpy(ifn, d->ifname, sizeof(ifn));
		ifn[sizeof(ifn) - 1] = 0;
		if (nla_put_string(m, IPVS_DAEMON_ATTR_MCAST_IFN, ifn) < 0 ||
		    nla_put_u32(m, IPVS_DAEMON_ATTR_SYNC_ID, d->syncid) < 0 ||
		    (d->maxlen && nla_put_u16(m, IPVS_DAEMON_ATTR_SYNC_MAXLEN, d->maxlen) < 0) ||
		    (d->mcast_af == AF_INET &&
		     nla_put_u32(m, IPVS_DAEMON_ATTR_MCAST_GROUP, d->mcast_group.w[0]) < 0) ||
		    (d->mcast_af == AF_INET6 &&
		     nla_put(m, IPVS_DAEMON_ATTR_MCAST_GROUP6, 16, d->mcast_group.b) < 0) ||
		    (d->mcast_port && nla_put_u16(m, IPVS_DAEMON_ATTR_MCAST_PORT, d->mcast_port) < 0) ||
		    (d->mcast_ttl && nla_put_u8(m, IPVS_DAEMON_ATTR_MCAST_TTL, d->mcast_ttl) < 0))
			return fail(m);
	}
	if (nla_nest_end(m, n) < 0)
		return fail(m);
	return m;
}

struct nl_msg *dir_ipvs_msg_timeouts(int family, const struct dir_ipvs_timeouts *t)
{
	struct nl_msg *m = dir_ipvs_msg_new(family, IPVS_CMD_SET_CONFIG, 0);

	if (m && (nla_put_u32(m, IPVS_CMD_ATTR_TIMEOUT_TCP, t->tcp) < 0 ||
		  nla_put_u32(m, IPVS_CMD_ATTR_TIMEOUT_TCP_FIN, t->tcp_fin) < 0 ||
		  nla_put_u32(m, IPVS_CMD_ATTR_TIMEOUT_UDP, t->udp) < 0))
		return fail(m);
	return m;
}

struct nl_msg *dir_ipvs_msg_op(int family, const struct dir_ipvs_op *op)
{
	switch (op->kind) {
	case DIR_IPVS_OP_NEW_SVC: return dir_ipvs_msg_svc(family, IPVS_CMD_NEW_SERVICE, 0, op->svc);
	case DIR_IPVS_OP_SET_SVC: return dir_ipvs_msg_svc(family, IPVS_CMD_SET_SERVICE, 0, op->svc);
	case DIR_IPVS_OP_DEL_SVC: return dir_ipvs_msg_svc(family, IPVS_CMD_DEL_SERVICE, 0, op->svc);
	case DIR_IPVS_OP_NEW_DEST:
		return dir_ipvs_msg_dest(family, IPVS_CMD_NEW_DEST, op->svc, op->dest);
	case DIR_IPVS_OP_SET_DEST:
		return dir_ipvs_msg_dest(family, IPVS_CMD_SET_DEST, op->svc, op->dest);
	case DIR_IPVS_OP_DEL_DEST:
		return dir_ipvs_msg_dest(family, IPVS_CMD_DEL_DEST, op->svc, op->dest);
	}
	return NULL;
}

struct nl_msg *dir_ipvs_msg_svc_entry(int family, const struct dir_ipvs_svc *svc)
{
	struct nl_msg *m = dir_ipvs_msg_new(family, IPVS_CMD_NEW_SERVICE, NLM_F_MULTI);

	if (m && put_svc(m, svc, true, true) < 0)
		return fail(m);
	return m;
}

struct nl_msg *dir_ipvs_msg_dest_entry(int family, const struct dir_ipvs_dest *dest)
{
	struct nl_msg *m = dir_ipvs_msg_new(family, IPVS_CMD_NEW_DEST, NLM_F_MULTI);

	if (m && put_dest(m, dest, true, true) < 0)
		return fail(m);
	return m;
}

struct nl_msg *dir_ipvs_msg_info_reply(int family, const struct dir_ipvs_info *info)
{
	struct nl_msg *m = dir_ipvs_msg_new(family, IPVS_CMD_SET_INFO, 0);

	if (m && (nla_put_u32(m, IPVS_INFO_ATTR_VERSION, info->version) < 0 ||
		  nla_put_u32(m, IPVS_INFO_ATTR_CONN_TAB_SIZE, info->conn_tab_size) < 0))
		return fail(m);
	return m;
}

/* ---- parsing ------------------------------------------------------------------------- */

static int top_attrs(const struct nlmsghdr *nlh, struct nlattr **tb, int max, const char **why)
{
	struct nlmsghdr *h = (struct nlmsghdr *)nlh;   /* libnl takes non-const; reads only */

	if (!genlmsg_valid_hdr(h, 0))
		DROP("message shorter than its generic netlink header");
	if (nla_parse(tb, max, genlmsg_attrdata(genlmsg_hdr(h), 0),
		      genlmsg_attrlen(genlmsg_hdr(h), 0), NULL) < 0)
		DROP("malformed attributes");
	return 0;
}

static int nested(struct nlattr **tb, int max, struct nlattr *a, const char **why)
{
	if (nla_parse_nested(tb, max, a, NULL) < 0)
		DROP("malformed nested attributes");
	return 0;
}

static bool get_u8(const struct nlattr *a, uint8_t *v)
{
	if (!a || nla_len(a) < 1)
		return false;
	memcpy(v, nla_data(a), 1);
	return true;
}

static bool get_u16(const struct nlattr *a, uint16_t *v)
{
	if (!a || nla_len(a) < 2)
		return false;
	memcpy(v, nla_data(a), 2);
	return true;
}

static bool get_u32(const struct nlattr *a, uint32_t *v)
{
	if (!a || nla_len(a) < 4)
		return false;
	memcpy(v, nla_data(a), 4);
	return true;
}

/* 4 or 8 bytes (stats carry both widths) */
static bool get_uint(const struct nlattr *a, uint64_t *v)
{
	uint32_t v32;

	if (!a)
		return false;
	if (nla_len(a) >= 8) {
		memcpy(v, nla_data(a), 8);
		return true;
	}
	if (!get_u32(a, &v32))
		return false;
	*v = v32;
	return true;
}

/* a NUL-terminated string that fits in len bytes with its NUL */
static bool get_str(const struct nlattr *a, char *out, size_t len)
{
	const char *s;
	size_t n;

	if (!a || nla_len(a) < 1)
		return false;
	s = nla_data(a);
	n = strnlen(s, (size_t)nla_len(a));
	if (n == (size_t)nla_len(a) || n >= len)
		return false;
	memcpy(out, s, n);
	out[n] = 0;
	return true;
}

static int parse_stats(struct nlattr *a, struct dir_ipvs_stats *st, const char **why)
{
	struct nlattr *tb[IPVS_STATS_ATTR_MAX + 1];
	uint64_t *v[] = { &st->conns, &st->inpkts, &st->outpkts, &st->inbytes, &st->outbytes,
			  &st->cps, &st->inpps, &st->outpps, &st->inbps, &st->outbps };

	if (nested(tb, IPVS_STATS_ATTR_MAX, a, why) < 0)
		return -1;
	for (int i = 0; i < 10; i++) {
		struct nlattr *x = tb[IPVS_STATS_ATTR_CONNS + i];
		*v[i] = 0;
		if (x && !get_uint(x, v[i]))
			DROP("short stats attribute");
	}
	return 0;
}

static int read_addr(const struct nlattr *a, uint16_t af, union dir_ipvs_addr *out,
		     const char **why)
{
	size_t n = addr_len(af);

	if (!a)
		DROP("address missing");
	if ((size_t)nla_len(a) < n)
		DROP("address shorter than its family");
	memset(out, 0, sizeof(*out));
	memcpy(out->b, nla_data(a), n);
	return 0;
}

static int svc_nest(const struct nlattr *a, struct dir_ipvs_svc *out, const char **why)
{
	struct nlattr *tb[IPVS_SVC_ATTR_MAX + 1];
	struct ip_vs_flags fl;
	uint16_t port;

	memset(out, 0, sizeof(*out));
	if (nested(tb, IPVS_SVC_ATTR_MAX, (struct nlattr *)a, why) < 0)
		return -1;
	if (!get_u16(tb[IPVS_SVC_ATTR_AF], &out->key.af))
		DROP("service without address family");
	if (out->key.af != AF_INET && out->key.af != AF_INET6)
		DROP("service address family neither IPv4 nor IPv6");
	if (tb[IPVS_SVC_ATTR_FWMARK]) {
		if (!get_u32(tb[IPVS_SVC_ATTR_FWMARK], &out->key.fwmark))
			DROP("short fwmark");
	}
	if (!out->key.fwmark) {
		if (!get_u16(tb[IPVS_SVC_ATTR_PROTOCOL], &out->key.protocol))
			DROP("service without fwmark or protocol");
		if (read_addr(tb[IPVS_SVC_ATTR_ADDR], out->key.af, &out->key.addr, why) < 0)
			return -1;
		if (!get_u16(tb[IPVS_SVC_ATTR_PORT], &port))
			DROP("service without port");
		out->key.port = ntohs(port);
	}
	if (tb[IPVS_SVC_ATTR_SCHED_NAME] &&
	    !get_str(tb[IPVS_SVC_ATTR_SCHED_NAME], out->sched, sizeof(out->sched)))
		DROP("bad scheduler name");
	if (tb[IPVS_SVC_ATTR_PE_NAME] && !get_str(tb[IPVS_SVC_ATTR_PE_NAME], out->pe, sizeof(out->pe)))
		DROP("bad persistence engine name");
	if (tb[IPVS_SVC_ATTR_FLAGS]) {
		if (nla_len(tb[IPVS_SVC_ATTR_FLAGS]) < (int)sizeof(fl))
			DROP("short service flags");
		memcpy(&fl, nla_data(tb[IPVS_SVC_ATTR_FLAGS]), sizeof(fl));
		out->flags = fl.flags & fl.mask & ~IP_VS_SVC_F_HASHED;
	}
	if (tb[IPVS_SVC_ATTR_TIMEOUT] && !get_u32(tb[IPVS_SVC_ATTR_TIMEOUT], &out->timeout))
		DROP("short service timeout");
	if (tb[IPVS_SVC_ATTR_NETMASK] && !get_u32(tb[IPVS_SVC_ATTR_NETMASK], &out->netmask))
		DROP("short service netmask");
	if (tb[IPVS_SVC_ATTR_STATS64] || tb[IPVS_SVC_ATTR_STATS]) {
		struct nlattr *st = tb[IPVS_SVC_ATTR_STATS64] ? tb[IPVS_SVC_ATTR_STATS64] :
								tb[IPVS_SVC_ATTR_STATS];
		if (parse_stats(st, &out->stats, why) < 0)
			return -1;
		out->has_stats = true;
	}
	return 0;
}

int dir_ipvs_parse_cmd(const struct nlmsghdr *nlh, size_t len, uint8_t *cmd, const char **why)
{
	if (len < NLMSG_HDRLEN || nlh->nlmsg_len < NLMSG_HDRLEN || nlh->nlmsg_len > len)
		DROP("truncated netlink message");
	if (!genlmsg_valid_hdr((struct nlmsghdr *)nlh, 0))
		DROP("message shorter than its generic netlink header");
	*cmd = genlmsg_hdr((struct nlmsghdr *)nlh)->cmd;
	return 0;
}

int dir_ipvs_parse_svc(const struct nlmsghdr *nlh, struct dir_ipvs_svc *out, const char **why)
{
	struct nlattr *tb[IPVS_CMD_ATTR_MAX + 1];

	if (top_attrs(nlh, tb, IPVS_CMD_ATTR_MAX, why) < 0)
		return -1;
	if (!tb[IPVS_CMD_ATTR_SERVICE])
		DROP("no service attribute");
	return svc_nest(tb[IPVS_CMD_ATTR_SERVICE], out, why);
}

int dir_ipvs_parse_dest(const struct nlmsghdr *nlh, uint16_t svc_af, struct dir_ipvs_dest *out,
			const char **why)
{
	struct nlattr *tb[IPVS_CMD_ATTR_MAX + 1], *d[IPVS_DEST_ATTR_MAX + 1];
	uint16_t port;
	uint32_t weight;

	memset(out, 0, sizeof(*out));
	if (top_attrs(nlh, tb, IPVS_CMD_ATTR_MAX, why) < 0)
		return -1;
	if (!tb[IPVS_CMD_ATTR_DEST])
		DROP("no destination attribute");
	if (nested(d, IPVS_DEST_ATTR_MAX, tb[IPVS_CMD_ATTR_DEST], why) < 0)
		return -1;
	if (d[IPVS_DEST_ATTR_ADDR_FAMILY]) {
		if (!get_u16(d[IPVS_DEST_ATTR_ADDR_FAMILY], &out->key.af))
			DROP("short destination address family");
	} else if (svc_af) {
		out->key.af = svc_af;
	} else if (tb[IPVS_CMD_ATTR_SERVICE]) {
		struct nlattr *s[IPVS_SVC_ATTR_MAX + 1];
		if (nested(s, IPVS_SVC_ATTR_MAX, tb[IPVS_CMD_ATTR_SERVICE], why) < 0)
			return -1;
		if (!get_u16(s[IPVS_SVC_ATTR_AF], &out->key.af))
			DROP("destination without address family");
	}
	if (out->key.af != AF_INET && out->key.af != AF_INET6)
		DROP("destination address family neither IPv4 nor IPv6");
	if (read_addr(d[IPVS_DEST_ATTR_ADDR], out->key.af, &out->key.addr, why) < 0)
		return -1;
	if (!get_u16(d[IPVS_DEST_ATTR_PORT], &port))
		DROP("destination without port");
	out->key.port = ntohs(port);
	if (d[IPVS_DEST_ATTR_FWD_METHOD]) {
		if (!get_u32(d[IPVS_DEST_ATTR_FWD_METHOD], &out->fwd))
			DROP("short forwarding method");
		out->fwd &= IP_VS_CONN_F_FWD_MASK;
	}
	if (d[IPVS_DEST_ATTR_WEIGHT]) {
		if (!get_u32(d[IPVS_DEST_ATTR_WEIGHT], &weight))
			DROP("short weight");
		out->weight = (int32_t)weight;
	}
	if ((d[IPVS_DEST_ATTR_U_THRESH] && !get_u32(d[IPVS_DEST_ATTR_U_THRESH], &out->u_thresh)) ||
	    (d[IPVS_DEST_ATTR_L_THRESH] && !get_u32(d[IPVS_DEST_ATTR_L_THRESH], &out->l_thresh)))
		DROP("short threshold");
	if ((d[IPVS_DEST_ATTR_ACTIVE_CONNS] &&
	     !get_u32(d[IPVS_DEST_ATTR_ACTIVE_CONNS], &out->active_conns)) ||
	    (d[IPVS_DEST_ATTR_INACT_CONNS] &&
	     !get_u32(d[IPVS_DEST_ATTR_INACT_CONNS], &out->inact_conns)) ||
	    (d[IPVS_DEST_ATTR_PERSIST_CONNS] &&
	     !get_u32(d[IPVS_DEST_ATTR_PERSIST_CONNS], &out->persist_conns)))
		DROP("short connection count");
	if (d[IPVS_DEST_ATTR_TUN_TYPE] && !get_u8(d[IPVS_DEST_ATTR_TUN_TYPE], &out->tun_type))
		DROP("short tunnel type");
	if (d[IPVS_DEST_ATTR_TUN_PORT]) {
		if (!get_u16(d[IPVS_DEST_ATTR_TUN_PORT], &port))
			DROP("short tunnel port");
		out->tun_port = ntohs(port);
	}
	if (d[IPVS_DEST_ATTR_TUN_FLAGS] && !get_u16(d[IPVS_DEST_ATTR_TUN_FLAGS], &out->tun_flags))
		DROP("short tunnel flags");
	if (d[IPVS_DEST_ATTR_STATS64] || d[IPVS_DEST_ATTR_STATS]) {
		struct nlattr *st = d[IPVS_DEST_ATTR_STATS64] ? d[IPVS_DEST_ATTR_STATS64] :
								d[IPVS_DEST_ATTR_STATS];
		if (parse_stats(st, &out->stats, why) < 0)
			return -1;
		out->has_stats = true;
	}
	return 0;
}

int dir_ipvs_parse_daemon(const struct nlmsghdr *nlh, struct dir_ipvs_daemon *out,
			  const char **why)
{
	struct nlattr *tb[IPVS_CMD_ATTR_MAX + 1], *d[IPVS_DAEMON_ATTR_MAX + 1];

	memset(out, 0, sizeof(*out));
	if (top_attrs(nlh, tb, IPVS_CMD_ATTR_MAX, why) < 0)
		return -1;
	if (!tb[IPVS_CMD_ATTR_DAEMON])
		DROP("no daemon attribute");
	if (nested(d, IPVS_DAEMON_ATTR_MAX, tb[IPVS_CMD_ATTR_DAEMON], why) < 0)
		return -1;
	if (!get_u32(d[IPVS_DAEMON_ATTR_STATE], &out->state))
		DROP("daemon without state");
	if (d[IPVS_DAEMON_ATTR_MCAST_IFN] &&
	    !get_str(d[IPVS_DAEMON_ATTR_MCAST_IFN], out->ifname, sizeof(out->ifname)))
		DROP("bad daemon interface name");
	if (d[IPVS_DAEMON_ATTR_SYNC_ID] && !get_u32(d[IPVS_DAEMON_ATTR_SYNC_ID], &out->syncid))
		DROP("short sync id");
	if (d[IPVS_DAEMON_ATTR_SYNC_MAXLEN] &&
	    !get_u16(d[IPVS_DAEMON_ATTR_SYNC_MAXLEN], &out->maxlen))
		DROP("short sync maxlen");
	if (d[IPVS_DAEMON_ATTR_MCAST_GROUP]) {
		if (!get_u32(d[IPVS_DAEMON_ATTR_MCAST_GROUP], &out->mcast_group.w[0]))
			DROP("short multicast group");
		out->mcast_af = AF_INET;
	} else if (d[IPVS_DAEMON_ATTR_MCAST_GROUP6]) {
		if (read_addr(d[IPVS_DAEMON_ATTR_MCAST_GROUP6], AF_INET6, &out->mcast_group, why) < 0)
			return -1;
		out->mcast_af = AF_INET6;
	}
	if (d[IPVS_DAEMON_ATTR_MCAST_PORT] &&
	    !get_u16(d[IPVS_DAEMON_ATTR_MCAST_PORT], &out->mcast_port))
		DROP("short multicast port");
	if (d[IPVS_DAEMON_ATTR_MCAST_TTL] && !get_u8(d[IPVS_DAEMON_ATTR_MCAST_TTL], &out->mcast_ttl))
		DROP("short multicast ttl");
	return 0;
}

int dir_ipvs_parse_info(const struct nlmsghdr *nlh, struct dir_ipvs_info *out, const char **why)
{
	struct nlattr *tb[IPVS_INFO_ATTR_MAX + 1];

	memset(out, 0, sizeof(*out));
	if (top_attrs(nlh, tb, IPVS_INFO_ATTR_MAX, why) < 0)
		return -1;
	if (!get_u32(tb[IPVS_INFO_ATTR_VERSION], &out->version))
		DROP("info without version");
	if (!get_u32(tb[IPVS_INFO_ATTR_CONN_TAB_SIZE], &out->conn_tab_size))
		DROP("info without connection table size");
	return 0;
}

int dir_ipvs_parse_timeouts(const struct nlmsghdr *nlh, struct dir_ipvs_timeouts *out,
			    const char **why)
{
	struct nlattr *tb[IPVS_CMD_ATTR_MAX + 1];

	memset(out, 0, sizeof(*out));
	if (top_attrs(nlh, tb, IPVS_CMD_ATTR_MAX, why) < 0)
		return -1;
	if ((tb[IPVS_CMD_ATTR_TIMEOUT_TCP] && !get_u32(tb[IPVS_CMD_ATTR_TIMEOUT_TCP], &out->tcp)) ||
	    (tb[IPVS_CMD_ATTR_TIMEOUT_TCP_FIN] &&
	     !get_u32(tb[IPVS_CMD_ATTR_TIMEOUT_TCP_FIN], &out->tcp_fin)) ||
	    (tb[IPVS_CMD_ATTR_TIMEOUT_UDP] && !get_u32(tb[IPVS_CMD_ATTR_TIMEOUT_UDP], &out->udp)))
		DROP("short timeout");
	return 0;
}

/* ---- reply stream -------------------------------------------------------------------- */

static int feed_genl(struct dir_ipvs_reply *r, const struct nlmsghdr *nlh, size_t len,
		     const char **why)
{
	uint8_t cmd;

	if (dir_ipvs_parse_cmd(nlh, len, &cmd, why) < 0)
		return -1;
	switch (cmd) {
	case IPVS_CMD_NEW_SERVICE: {
		struct dir_ipvs_svc s, *n, *dup;
		if (!r->table)
			DROP("service entry without a table to fill");
		if (dir_ipvs_parse_svc(nlh, &s, why) < 0)
			return -1;
		if (!(n = dir_ipvs_svc_add(r->table, &s, &dup)))
			DROP(dup ? "duplicate service" : "out of memory");
		r->last_svc = n;
		return 0;
	}
	case IPVS_CMD_NEW_DEST: {
		struct dir_ipvs_svc *s = r->svc ? r->svc : r->last_svc;
		struct dir_ipvs_dest d, *dup;
		if (!s)
			DROP("destination entry without its service");
		if (dir_ipvs_parse_dest(nlh, s->key.af, &d, why) < 0)
			return -1;
		if (!dir_ipvs_dest_add(s, &d, &dup))
			DROP(dup ? "duplicate destination" : "out of memory");
		return 0;
	}
	case IPVS_CMD_SET_INFO:
		if (dir_ipvs_parse_info(nlh, &r->info, why) < 0)
			return -1;
		r->has_info = true;
		return 0;
	case IPVS_CMD_SET_CONFIG:
		if (dir_ipvs_parse_timeouts(nlh, &r->timeouts, why) < 0)
			return -1;
		r->has_timeouts = true;
		return 0;
	case IPVS_CMD_NEW_DAEMON:
		if (r->ndaemons >= 2)
			DROP("more than two sync daemons");
		if (dir_ipvs_parse_daemon(nlh, &r->daemons[r->ndaemons], why) < 0)
			return -1;
		r->ndaemons++;
		return 0;
	default:
		DROP("unexpected IPVS command in a reply");
	}
}

int dir_ipvs_reply_feed(struct dir_ipvs_reply *r, int family, const void *buf, size_t len,
			const char **why)
{
	const struct nlmsghdr *nlh = buf;
	int rem = len > INT32_MAX ? INT32_MAX : (int)len;

	if (!buf && len)
		DROP("no buffer");
	for (; rem > 0; nlh = nlmsg_next((struct nlmsghdr *)nlh, &rem)) {
		if (!nlmsg_ok(nlh, rem))
			DROP("truncated netlink message");
		r->nmsgs++;
		switch (nlh->nlmsg_type) {
		case NLMSG_NOOP:
			continue;
		case NLMSG_DONE:
			r->done = true;
			continue;
		case NLMSG_OVERRUN:
			DROP("netlink overrun");
		case NLMSG_ERROR: {
			struct nlmsgerr e;
			if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(int))
				DROP("truncated netlink error");
			memcpy(&e.error, NLMSG_DATA(nlh), sizeof(int));
			if (e.error > 0 || e.error == INT32_MIN)
				DROP("netlink error code out of range");
			if (e.error) {
				r->error = -e.error;
				r->error_seq = nlh->nlmsg_seq;
			} else {
				r->nacks++;
			}
			if (r->on_ack)
				r->on_ack(r->ack_arg, nlh->nlmsg_seq, -e.error);
			continue;
		}
		default:
			if (nlh->nlmsg_type < NLMSG_MIN_TYPE ||
			    (family >= 0 && nlh->nlmsg_type != family))
				DROP("message of another netlink family");
			if (feed_genl(r, nlh, (size_t)rem, why) < 0)
				return -1;
		}
	}
	return 0;
}
