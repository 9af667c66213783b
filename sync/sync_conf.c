/* sync/sync_conf.c - argument checking of global_defs `lvs_sync_daemon` and the keyword table
 * of tandem's `sync_relay` block, and the builder of struct sync_conf. */
#include <arpa/inet.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "sync/sync_conf.h"
#include "vrrp/vrrp_conf.h"

/* a statement whose arguments passed the engine's checks (count), usable by a builder */
#define USABLE(n) ((n)->def && (n)->argc >= (n)->def->min_args && \
                   !((n)->def->flags & (TDM_KW_UNSUPPORTED | TDM_KW_IGNORED)))

#define N TDM_KW_NOTYET
#define KWA(nm, fl, mn, mx, a, h) { .name = nm, .flags = (fl), .min_args = mn, .max_args = mx, \
		.args = a, .nargs = TDM_NELEM(a), .help = h }
#define KWK(nm, fl, mn, mx, a, chk, h) { .name = nm, .flags = (fl), .min_args = mn, \
		.max_args = mx, .args = a, .nargs = TDM_NELEM(a), .check = chk, .help = h }

struct sync_conf *sync_conf_get(struct tdm_conf_ctx *ctx)
{
	struct tdm_config *cfg = tdm_conf_ctx_config(ctx);

	if (!cfg->sync) {
		cfg->sync = tdm_conf_alloc(ctx, sizeof(*cfg->sync));
		cfg->sync->lvs.syncid = -1;
		cfg->sync->relay.syncid = -1;
	}
	return cfg->sync;
}

static int num(const char *s, long long min, long long max, long long *v)
{
	char *end;

	if (!*s)
		return -1;
	*v = strtoll(s, &end, 10);
	return (*end || *v < min || *v > max) ? -1 : 0;
}

/* shared by check (ctx reports) and build (out filled) */
static int lvs_parse(struct tdm_conf_ctx *ctx, const struct tdm_cnode *n, int report,
                     struct sync_lvs_daemon_conf *o)
{
	static const struct { const char *w; long long min, max; } opt[] = {
		{ "id", 0, 255 }, { "maxlen", 1, 65507 }, { "port", 1, 65535 }, { "ttl", 1, 255 } };
	long long v;
	uint32_t i;

	memset(o, 0, sizeof(*o));
	o->syncid = -1;
	o->node = n;
	if (n->argc < 1) {
		if (report)
			tdm_conf_err(ctx, n, -1, "lvs_sync_daemon: expected <interface> [[inst] <instance>] [id N] [maxlen N] [port N] [ttl N] [group ADDR]");
		return -1;
	}
	o->ifname = n->argv[0];
	if (strlen(o->ifname) > 15 || strchr(o->ifname, '/')) {
		if (report)
			tdm_conf_err(ctx, n, 0, "expected <interface name> (1..15 chars), got '%s'", o->ifname);
		return -1;
	}
	for (i = 1; i < n->argc; i++) {
		const char *w = n->argv[i], *val = i + 1 < n->argc ? n->argv[i + 1] : NULL;
		size_t j;
		for (j = 0; j < TDM_NELEM(opt) && strcmp(opt[j].w, w); j++)
			;
		if (j < TDM_NELEM(opt)) {
			if (!val || num(val, opt[j].min, opt[j].max, &v)) {
				if (report)
					tdm_conf_err(ctx, n, (int)i + (val != NULL), "lvs_sync_daemon %s: expected %lld..%lld", w, opt[j].min, opt[j].max);
				return -1;
			}
			if (j == 0)
				o->syncid = (int)v;
			else if (j == 1)
				o->maxlen = (int)v;
			else if (j == 2)
				o->port = (int)v;
			else
				o->ttl = (int)v;
			i++;
		} else if (!strcmp(w, "group")) {
			if (!val || tdm_addr_parse(val, &o->group)) {
				if (report)
					tdm_conf_err(ctx, n, (int)i + (val != NULL), "lvs_sync_daemon group: expected a multicast <address>");
				return -1;
			}
			o->has_group = 1;
			i++;
		} else if (!strcmp(w, "inst") && val && !o->instance) {
			o->instance = val;
			i++;
		} else if (!o->instance && i == 1) {
			o->instance = w;                  /* "inst" may be omitted */
		} else if (o->instance && o->syncid < 0 && !num(w, 0, 255, &v)) {
			o->syncid = (int)v;               /* old form: IF INSTANCE SYNCID */
		} else {
			if (report)
				tdm_conf_err(ctx, n, (int)i, "lvs_sync_daemon: unexpected '%s' (expected inst, id, maxlen, port, ttl or group)", w);
			return -1;
		}
	}
	return 0;
}

int sync_conf_lvs_sync_daemon_check(struct tdm_conf_ctx *ctx, struct tdm_cnode *node)
{
	struct sync_lvs_daemon_conf o;

	if (lvs_parse(ctx, node, 1, &o))
		return -1;
	vrrp_conf_check_ifname(ctx, node, 0, o.ifname, "lvs_sync_daemon interface");
	return 0;
}

void sync_conf_lvs_sync_daemon_build(struct tdm_conf_ctx *ctx, const struct tdm_cnode *node)
{
	struct sync_lvs_daemon_conf o;
	struct sync_conf *s;

	if (lvs_parse(ctx, node, 0, &o))
		return;
	s = sync_conf_get(ctx);
	if (s->lvs.set) {
		tdm_conf_warn(ctx, node, -1, "lvs_sync_daemon given twice: the first one is used");
		return;
	}
	s->lvs = o;
	s->lvs.set = 1;
	tdm_conf_ctx_config(ctx)->parts |= TDM_PART_SYNC;
}

/* ---- sync_relay ---- */

static const struct tdm_arg a_name[] = { { "name", TDM_A_STR, 0, 0, NULL } };
static const struct tdm_arg a_if[] = { { "interface", TDM_A_IFNAME, 0, 0, NULL } };
static const struct tdm_arg a_ip[] = { { "address", TDM_A_IP, 0, 0, NULL } };
static const struct tdm_arg a_port[] = { { "port", TDM_A_PORT, 1, 65535, NULL } };
static const struct tdm_arg a_key[] = { { "key", TDM_A_STR, 16, 1024, NULL } };
static const struct tdm_arg a_path[] = { { "path", TDM_A_PATH, 0, 0, NULL } };
static const struct tdm_arg a_sender[] = { { "id", TDM_A_INT, 1, 4294967295LL, NULL } };
static const struct tdm_arg a_syncid[] = { { "syncid", TDM_A_INT, 0, 255, NULL } };
static const struct tdm_arg a_ttl[] = { { "ttl", TDM_A_INT, 1, 255, NULL } };
static const struct tdm_arg a_queue[] = { { "frames", TDM_A_INT, 16, 1048576, NULL } };
static const struct tdm_arg a_window[] = { { "frames", TDM_A_INT, 64, 65536, NULL } };
static const struct tdm_arg a_ms[] = { { "seconds", TDM_A_TIMER, 1000, 60000000, NULL } };
static const struct tdm_arg a_frame[] = { { "bytes", TDM_A_INT, 512, 65507, NULL } };
static const struct tdm_arg a_rate[] = { { "entries_per_s", TDM_A_INT, 0, 100000000, NULL } };
static const struct tdm_arg a_mirror[] = { { "entries", TDM_A_INT, 0, 16777216, NULL } };

static int chk_if(struct tdm_conf_ctx *ctx, struct tdm_cnode *node)
{
	vrrp_conf_check_ifname(ctx, node, 0, node->argv[0], "interface");
	return 0;
}

static int chk_group(struct tdm_conf_ctx *ctx, struct tdm_cnode *node)
{
	const struct tdm_addr *a = &node->vals[0].addr;
	int mc = a->family == AF_INET ? ((ntohl(a->u.v4.s_addr) >> 28) == 14)
	                              : a->u.v6.s6_addr[0] == 0xff;
	if (!mc) {
		tdm_conf_err(ctx, node, 0, "sync_relay group: %s is not a multicast address", node->argv[0]);
		return -1;
	}
	return 0;
}

static const struct tdm_kw relay_kws[] = {
	KWA("instance", TDM_KW_REQUIRED, 1, 1, a_name, "VRRP instance or sync group whose role the relay follows"),
	KWK("interface", TDM_KW_REQUIRED, 1, 1, a_if, chk_if, "interface where the peers are reached"),
	KWK("local_interface", 0, 1, 1, a_if, chk_if, "interface of the local kernel sync threads (default: lvs_sync_daemon's, else lo)"),
	KWA("peer", TDM_KW_MULTI, 1, 1, a_ip, "a peer's address (repeatable); or use group"),
	KWK("group", 0, 1, 1, a_ip, chk_group, "multicast group reaching the peers"),
	KWA("port", 0, 1, 1, a_port, "UDP port of the relay (default 8849)"),
	KWA("auth_key", 0, 1, 1, a_key, "HMAC-SHA256 key, 16..1024 characters"),
	KWA("auth_key_file", 0, 1, 1, a_path, "file holding the HMAC-SHA256 key"),
	KWA("sender_id", 0, 1, 1, a_sender, "this director's id in frames (default: from the host)"),
	KWA("syncid", 0, 1, 1, a_syncid, "IPVS sync id, 0..255 (default: lvs_sync_daemon id or the VRID)"),
	KWA("ttl", 0, 1, 1, a_ttl, "TTL / hop limit of relay frames"),
	KWA("resend_queue", 0, 1, 1, a_queue, "frames kept for resending, 16..1048576 (default 4096)"),
	KWA("replay_window", 0, 1, 1, a_window, "accepted out-of-order frames, 64..65536 (default 1024)"),
	KWA("ack_interval", 0, 1, 1, a_ms, "seconds between acknowledgements, 0.001..60 (default 0.05)"),
	KWA("resend_timeout", 0, 1, 1, a_ms, "seconds before an unacknowledged frame is resent (default 0.2)"),
	KWA("max_frame_size", 0, 1, 1, a_frame, "largest frame in bytes, 512..65507 (default 1400)"),
	KWA("resync_rate", 0, 1, 1, a_rate, "entries per second in a bulk resync, 0 = unlimited"),
	KWA("resync_mirror", 0, 1, 1, a_mirror, "connections kept for resync answers (default 2000000); 0 = read /proc/net/ip_vs_conn_sync for each"),
};

static int relay_finish(struct tdm_conf_ctx *ctx, struct tdm_cnode *node)
{
	struct sync_conf *s = sync_conf_get(ctx);
	struct sync_relay_conf *r = &s->relay;
	const struct tdm_cnode *c;
	size_t np = 0;
	int rc = 0;

	if (r->set) {
		tdm_conf_err(ctx, node, -1, "only one sync_relay block is allowed");
		return -1;
	}
	memset(r, 0, sizeof(*r));
	r->set = 1;
	r->node = node;
	r->syncid = -1;
	r->port = 8849;
	r->resend_queue = 4096;
	r->replay_window = 1024;
	r->ack_interval_us = 50000;
	r->resend_timeout_us = 200000;
	r->max_frame_size = 1400;
	r->resync_mirror = 2000000;
	TDM_CNODE_FOREACH(c, node)
		if (USABLE(c) && !strcmp(c->kw, "peer"))
			np++;
	r->peers = np ? tdm_conf_alloc(ctx, np * sizeof(*r->peers)) : NULL;
	TDM_CNODE_FOREACH(c, node) {
		const char *k = c->kw;
		if (!USABLE(c))
			continue;
		if (!strcmp(k, "instance"))
			r->instance = c->argv[0];
		else if (!strcmp(k, "interface"))
			r->interface = c->argv[0];
		else if (!strcmp(k, "local_interface"))
			r->local_interface = c->argv[0];
		else if (!strcmp(k, "peer"))
			r->peers[r->npeers++] = c->vals[0].addr;
		else if (!strcmp(k, "group")) {
			r->group = c->vals[0].addr;
			r->has_group = 1;
		} else if (!strcmp(k, "port"))
			r->port = (int)c->vals[0].i;
		else if (!strcmp(k, "auth_key"))
			r->auth_key = c->argv[0];
		else if (!strcmp(k, "auth_key_file"))
			r->auth_key_file = c->argv[0];
		else if (!strcmp(k, "sender_id"))
			r->sender_id = (uint32_t)c->vals[0].i;
		else if (!strcmp(k, "syncid"))
			r->syncid = (int)c->vals[0].i;
		else if (!strcmp(k, "ttl"))
			r->ttl = (int)c->vals[0].i;
		else if (!strcmp(k, "resend_queue"))
			r->resend_queue = (int)c->vals[0].i;
		else if (!strcmp(k, "replay_window"))
			r->replay_window = (int)c->vals[0].i;
		else if (!strcmp(k, "ack_interval"))
			r->ack_interval_us = c->vals[0].us;
		else if (!strcmp(k, "resend_timeout"))
			r->resend_timeout_us = c->vals[0].us;
		else if (!strcmp(k, "max_frame_size"))
			r->max_frame_size = (int)c->vals[0].i;
		else if (!strcmp(k, "resync_rate"))
			r->resync_rate = (int)c->vals[0].i;
		else if (!strcmp(k, "resync_mirror"))
			r->resync_mirror = (int)c->vals[0].i;
	}
	if (!r->npeers && !r->has_group) {
		tdm_conf_err(ctx, node, -1, "sync_relay: needs at least one 'peer' or a 'group'");
		rc = -1;
	}
	if (r->npeers && r->has_group) {
		tdm_conf_err(ctx, node, -1, "sync_relay: use either 'peer' or 'group', not both");
		rc = -1;
	}
	if (!r->auth_key == !r->auth_key_file) {
		tdm_conf_err(ctx, node, -1, "sync_relay: exactly one of 'auth_key' or 'auth_key_file' is required (frames are always authenticated)");
		rc = -1;
	}
	for (size_t i = 1; i < r->npeers; i++) {
		if (r->peers[i].family != r->peers[0].family) {
			tdm_conf_err(ctx, node, -1, "sync_relay: all peers must be of one address family");
			rc = -1;
			break;
		}
	}
	tdm_conf_ctx_config(ctx)->parts |= TDM_PART_SYNC;
	return rc;
}

static const char *relay_ident(struct tdm_conf_ctx *ctx, const struct tdm_cnode *node)
{
	(void)ctx;
	(void)node;
	return "sync";
}

const struct tdm_block sync_conf_relay_block = {
	"sync_relay", relay_kws, TDM_NELEM(relay_kws), relay_finish, 1, TDM_OBJ_SYNC, relay_ident };

/* instance names can only be checked once every vrrp_instance / vrrp_sync_group is known */
static int instance_known(const struct vrrp_conf *vc, const char *name)
{
	if (!vc)
		return 0;
	for (size_t i = 0; i < vc->ninstances; i++)
		if (!strcmp(vc->instances[i]->name, name))
			return 1;
	for (size_t i = 0; i < vc->ngroups; i++)
		if (!strcmp(vc->groups[i]->name, name))
			return 1;
	return 0;
}

int sync_conf_finish_all(struct tdm_conf_ctx *ctx, struct tdm_cnode *root)
{
	struct tdm_config *cfg = tdm_conf_ctx_config(ctx);
	struct sync_conf *s = cfg->sync;
	int rc = 0;

	(void)root;
	if (!s)
		return 0;
	if (s->lvs.set && s->lvs.instance && !instance_known(cfg->vrrp, s->lvs.instance)) {
		tdm_conf_err(ctx, s->lvs.node, 1, "lvs_sync_daemon: no vrrp_instance or vrrp_sync_group named %s", s->lvs.instance);
		rc = -1;
	}
	if (s->relay.set && s->relay.instance && !instance_known(cfg->vrrp, s->relay.instance)) {
		const struct tdm_cnode *n = tdm_cnode_find(s->relay.node, "instance");
		tdm_conf_err(ctx, n ? n : s->relay.node, n ? 0 : -1, "sync_relay: no vrrp_instance or vrrp_sync_group named %s", s->relay.instance);
		rc = -1;
	}
	return rc;
}
