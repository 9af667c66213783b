/* director/conf_top.c - the top level of the configuration: every top-level block and keyword
 * of every part (tdm_conf_top), keepalived's and tandem's own (sync_relay), the refused ones
 * (bfd_instance), and the top finish callback that runs each part's whole-config checks and
 * decides which children the config needs (cfg->parts). */
#include <string.h>
#include "director/global_conf.h"
#include "healthcheck/check_conf.h"
#include "snmp/snmp_conf.h"
#include "sync/sync_conf.h"
#include "vrrp/vrrp_conf.h"

#define N TDM_KW_NOTYET
#define M TDM_KW_MULTI

static const struct tdm_arg a_ns[] = { { "namespace", TDM_A_STR, 1, 255, NULL } };
static const struct tdm_arg a_secs[] = { { "seconds", TDM_A_INT, 1, 2147483647LL, NULL } };
static const struct tdm_arg a_vs[] = {
	{ "address|fwmark|group", TDM_A_STR, 0, 0, NULL }, { "port|mark|name", TDM_A_STR, 0, 0, NULL } };

#define BLK(nm, fl, nargs_, blk, h) { .name = nm, .flags = (fl) | TDM_KW_BLOCK, \
		.min_args = nargs_, .max_args = nargs_, .args = nargs_ ? tdm_a_name : NULL, \
		.nargs = nargs_ ? 1 : 0, .sub = &blk, .help = h }
#define LST(nm, fl, fn, h) { .name = nm, .flags = (fl) | TDM_KW_LIST, .item = fn, .help = h }

static const struct tdm_kw top_kws[] = {
	BLK("global_defs", M, 0, tdm_global_defs_block, "global settings"),
	{ .name = "net_namespace", .flags = 0, .min_args = 1, .max_args = 1, .args = a_ns, .nargs = 1,
	  .help = "run in the network namespace /run/netns/NAME (entered at start; must exist)" },
	{ .name = "net_namespace_ipvs", .flags = N, .min_args = 0, .max_args = 1, .args = a_ns, .nargs = 1,
	  .help = "program IPVS in this network namespace (none: the default one)" },
	{ .name = "namespace_with_ipsets", .flags = N, .help = "use ipsets inside a namespace" },
	{ .name = "use_pid_dir", .flags = 0, .help = "with instance: pid file and control socket in /run/tandem/<instance>/" },
	{ .name = "instance", .flags = 0, .min_args = 1, .max_args = 1, .args = tdm_a_name, .nargs = 1,
	  .help = "instance name in the default pid file and control socket names (fixed until restart)" },
	{ .name = "child_wait_time", .flags = 0, .min_args = 1, .max_args = 1, .args = a_secs, .nargs = 1,
	  .help = "seconds to wait for children at shutdown before SIGKILL (default 5)" },
	{ .name = "linkbeat_use_polling", .flags = N, .help = "poll link state (MII/ethtool) instead of netlink" },
	/* VRRP */
	BLK("vrrp_script", M, 1, vrrp_conf_script_block, "a script tracked by VRRP instances"),
	BLK("vrrp_sync_group", M, 1, vrrp_conf_sync_group_block, "VRRP instances that change state together"),
	BLK("vrrp_instance", M, 1, vrrp_conf_instance_block, "a VRRP virtual router"),
	BLK("track_file", M, 1, vrrp_conf_track_file_block, "a file whose number is tracked"),
	BLK("vrrp_track_file", M | TDM_KW_DEPRECATED, 1, vrrp_conf_track_file_block, "old spelling of track_file"),
	BLK("vrrp_track_process", N | M, 1, vrrp_conf_track_process_block, "processes whose presence is tracked"),
	BLK("garp_group", N | M, 0, vrrp_conf_garp_group_block, "GARP/NA pacing for interfaces"),
	BLK("track_group", N | M, 1, vrrp_conf_track_group_block, "instances tracking static addresses/routes/rules"),
	LST("linkbeat_interfaces", N | M, vrrp_conf_item_linkbeat, "interfaces polled for link state: <ifname> [MII|ETHTOOL|IOCTL]"),
	LST("interface_up_down_delays", N | M, vrrp_conf_item_updown, "debounce: <ifname> <down delay> [<up delay>]"),
	LST("static_ipaddress", N | M, vrrp_conf_item_static_addr, "addresses configured permanently"),
	LST("static_routes", N | M, vrrp_conf_item_route, "routes configured permanently"),
	LST("static_rules", N | M, vrrp_conf_item_rule, "rules configured permanently"),
	/* LVS */
	BLK("virtual_server_group", M, 1, check_conf_vsg_block, "addresses, ranges and fwmarks sharing one set of real servers"),
	{ .name = "virtual_server", .flags = M | TDM_KW_BLOCK, .min_args = 1, .max_args = 2,
	  .args = a_vs, .nargs = 2, .sub = &check_conf_vs_block, .check = check_conf_vs_args,
	  .help = "a virtual service: <address> [<port>] | fwmark <n> | group <name>" },
	BLK("SSL", 0, 0, check_conf_ssl_block, "client TLS settings of SSL_GET checkers"),
	/* sync */
	BLK("sync_relay", 0, 0, sync_conf_relay_block, "tandem: authenticated relay of IPVS connection sync"),
	/* refused */
	{ .name = "bfd_instance", .flags = TDM_KW_UNSUPPORTED | TDM_KW_BLOCK | M, .min_args = 0,
	  .max_args = TDM_ARGS_MANY, .help = "tandem has no BFD; use track_interface, track_script or checkers" },
};

/* keepalived's deprecated per-instance lvs_sync_daemon_interface becomes the global
 * lvs_sync_daemon following that instance, unless lvs_sync_daemon is set */
static void legacy_syncd(struct tdm_conf_ctx *ctx, const struct tdm_config *cfg)
{
	const struct vrrp_conf *vc = cfg->vrrp;
	struct sync_conf *s;

	if (!vc)
		return;
	for (size_t i = 0; i < vc->ninstances; i++) {
		const struct tdm_cnode *c = tdm_cnode_find(vc->instances[i]->node, "lvs_sync_daemon_interface");
		if (!c || !c->def || !c->argc)
			continue;
		s = sync_conf_get(ctx);
		if (s->lvs.set)
			return;
		s->lvs.set = 1;
		s->lvs.ifname = c->argv[0];
		s->lvs.instance = vc->instances[i]->name;
		s->lvs.syncid = -1;
		s->lvs.node = c;
		tdm_conf_ctx_config(ctx)->parts |= TDM_PART_SYNC;
		return;
	}
}

static int top_finish(struct tdm_conf_ctx *ctx, struct tdm_cnode *root)
{
	struct tdm_config *cfg = tdm_conf_ctx_config(ctx);
	int rc = 0;

	tdm_global_conf_top(ctx, root);
	if (vrrp_conf_finish_all(ctx, root))
		rc = -1;
	if (check_conf_finish_all(ctx, root))
		rc = -1;
	legacy_syncd(ctx, cfg);
	if (sync_conf_finish_all(ctx, root))
		rc = -1;
	if (cfg->vrrp && (cfg->vrrp->ninstances || cfg->vrrp->static_addrs.n ||
	                  cfg->vrrp->static_routes.n || cfg->vrrp->static_rules.n))
		cfg->parts |= TDM_PART_VRRP;
	if (cfg->check && cfg->check->nvs)
		cfg->parts |= TDM_PART_CHECK;
	if (cfg->sync && (cfg->sync->lvs.set || cfg->sync->relay.set))
		cfg->parts |= TDM_PART_SYNC;
	if (snmp_conf_wanted(cfg->snmp))
		cfg->parts |= TDM_PART_SNMP;
	return rc;
}

const struct tdm_block tdm_conf_top = {
	"(top)", top_kws, TDM_NELEM(top_kws), top_finish, 0, 0, NULL };
