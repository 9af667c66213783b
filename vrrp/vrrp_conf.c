/* vrrp/vrrp_conf.c - keyword tables of the VRRP part: vrrp_instance, vrrp_script,
 * vrrp_sync_group, track_file, vrrp_track_process, garp_group, track_group. Names, argument
 * counts and ranges follow keepalived 2.2.7 (keepalived.conf(5)); what the VRRP child does not
 * implement (yet) is TDM_KW_NOTYET. The structs are built in vrrp_conf_build.c, item lines
 * are checked in vrrp_conf_items.c. */
#include <stdlib.h>
#include <string.h>
#include "vrrp/vrrp_conf.h"

#define N TDM_KW_NOTYET
#define M TDM_KW_MULTI
#define KW0 TDM_KW0
#define KWA TDM_KWA
#define KWK TDM_KWK
#define KWC(nm, fl, chk, h) { .name = nm, .flags = (fl) | TDM_KW_ANYARGS, .min_args = 0, \
		.max_args = TDM_ARGS_MANY, .check = chk, .help = h }
#define KWL(nm, fl, fn, h) { .name = nm, .flags = (fl) | TDM_KW_LIST, .item = fn, .help = h }
#define KWB(nm, fl, blk, h) { .name = nm, .flags = (fl) | TDM_KW_BLOCK, .sub = &blk, .help = h }

static const char *const e_state[] = { "MASTER", "BACKUP", NULL };
static const char *const e_auth[] = { "PASS", "AH", NULL };
static const char *const e_never[] = { "never", NULL };
static const char *const e_reverse[] = { "reverse", "noreverse", "no_reverse", NULL };
static const char *const e_overwrite[] = { "overwrite", NULL };
static const char *const e_match[] = { "initial", "partial", NULL };

static const struct tdm_arg a_state[] = { { "state", TDM_A_ENUM, 0, 0, e_state } };
static const struct tdm_arg a_vrid[] = { { "vrid", TDM_A_INT, 1, 255, NULL } };
static const struct tdm_arg a_prio[] = { { "priority", TDM_A_INT, 1, 255, NULL } };
static const struct tdm_arg a_prio254[] = { { "priority", TDM_A_INT, 1, 254, NULL } };
static const struct tdm_arg a_version[] = { { "version", TDM_A_INT, 2, 3, NULL } };
static const struct tdm_arg a_ttl[] = { { "ttl", TDM_A_INT, 0, 255, NULL } };
/* keepalived reads advert_int in centisecond steps, 0.01 .. 255 s; the per-version range is
 * checked when the instance is complete */
static const struct tdm_arg a_advert[] = { { "seconds", TDM_A_TIMER, 10000, 255000000LL, NULL } };
static const struct tdm_arg a_preempt_delay[] = {
	{ "seconds", TDM_A_TIMER, 0, 1000000000LL, NULL } };
static const struct tdm_arg a_debug[] = { { "level", TDM_A_INT, 0, 4, NULL } };
static const struct tdm_arg a_secs[] = { { "seconds", TDM_A_INT, 0, 4294, NULL } };
static const struct tdm_arg a_uint[] = { { "count", TDM_A_INT, 0, 4294967295LL, NULL } };
static const struct tdm_arg a_int_pos[] = { { "count", TDM_A_INT, 0, 2147483647LL, NULL } };
static const struct tdm_arg a_dta[] = { { "adverts", TDM_A_INT, 1, 100, NULL } };
static const struct tdm_arg a_never[] = { { "never", TDM_A_ENUM, 0, 0, e_never } };
static const struct tdm_arg a_auth_type[] = { { "type", TDM_A_ENUM, 0, 0, e_auth } };
static const struct tdm_arg a_timer_any[] = { { "seconds", TDM_A_TIMER, 0, 2147000000000LL, NULL } };
static const struct tdm_arg a_weight253[] = {
	{ "weight", TDM_A_INT, -253, 253, NULL }, { "reverse", TDM_A_ENUM, 0, 0, e_reverse } };
static const struct tdm_arg a_weight254[] = {
	{ "weight", TDM_A_INT, -254, 254, NULL }, { "reverse", TDM_A_ENUM, 0, 0, e_reverse } };
static const struct tdm_arg a_weight_file[] = {
	{ "weight", TDM_A_INT, -2147483647LL, 2147483647LL, NULL },
	{ "reverse", TDM_A_ENUM, 0, 0, e_reverse } };
static const struct tdm_arg a_rise[] = { { "count", TDM_A_INT, 1, 2147483647LL, NULL } };
static const struct tdm_arg a_init_file[] = {
	{ "value", TDM_A_STR, 0, 0, NULL }, { "overwrite", TDM_A_ENUM, 0, 0, e_overwrite } };
static const struct tdm_arg a_match[] = { { "mode", TDM_A_ENUM, 0, 0, e_match } };
static const struct tdm_arg a_quorum[] = { { "count", TDM_A_INT, 1, 65535, NULL } };
static const struct tdm_arg a_quorum_max[] = { { "count", TDM_A_INT, 0, 65535, NULL } };
static const struct tdm_arg a_pdelay[] = { { "seconds", TDM_A_TIMER, 1, 3600000000LL, NULL } };
static const struct tdm_arg a_procs[] = { { "process", TDM_A_STR, 0, 0, NULL } };

/* ---- argument checks ---- */

static int chk_interface(struct tdm_conf_ctx *ctx, struct tdm_cnode *node)
{
	vrrp_conf_check_ifname(ctx, node, 0, node->argv[0], "interface");
	return 0;
}

static int hex_octets_ok(const char *s)
{
	int n = 0;

	for (;;) {
		size_t k = strspn(s, "0123456789abcdefABCDEF");
		if (k < 1 || k > 2)
			return 0;
		n++;
		s += k;
		if (!*s || (*s == ':' && !s[1]))
			break;
		if (*s != ':')
			return 0;
		s++;
	}
	return n == 5 || n == 6;
}

/* use_vmac [NAME] [MAC] (MAC may have 5 octets: the VRID is the sixth) */
static int chk_use_vmac(struct tdm_conf_ctx *ctx, struct tdm_cnode *node)
{
	int named = 0, mac = 0;

	for (uint32_t i = 0; i < node->argc; i++) {
		const char *a = node->argv[i];
		if (!strcmp(a, "netlink_notify_msg"))
			continue;
		if (!strcmp(a, "name") || !strcmp(a, "group")) {
			if (i + 1 >= node->argc) {
				tdm_conf_err(ctx, node, (int)i, "'%s' needs a value", a);
				return -1;
			}
			if (!strcmp(a, "group")) {
				i++;
				continue;
			}
			a = node->argv[++i];
		}
		if (strchr(a, ':')) {
			if (mac++ || !hex_octets_ok(a)) {
				tdm_conf_err(ctx, node, (int)i, "expected <MAC address> (5 or 6 hex octets), got '%s'", a);
				return -1;
			}
			continue;
		}
		if (named++ || strlen(a) > 15 || strchr(a, '/') || !strcmp(a, ".") || !strcmp(a, "..")) {
			tdm_conf_err(ctx, node, (int)i, "expected <VMAC interface name> (1..15 chars, no '/' or ':'), got '%s'", a);
			return -1;
		}
	}
	return 0;
}

/* use_ipvlan [NAME] [ADDRESS] [bridge|private|vepa] */
static int chk_use_ipvlan(struct tdm_conf_ctx *ctx, struct tdm_cnode *node)
{
	int mode = 0, addr = 0, name = 0;
	struct tdm_addr a;

	for (uint32_t i = 0; i < node->argc; i++) {
		const char *s = node->argv[i];
		if (!strcmp(s, "bridge") || !strcmp(s, "private") || !strcmp(s, "vepa")) {
			if (mode++)
				goto bad;
		} else if (!vrrp_conf_parse_addr(s, 1, &a)) {
			if (addr++)
				goto bad;
		} else if (!strcmp(s, "name") && i + 1 < node->argc) {
			i++;
			if (name++)
				goto bad;
		} else if (strlen(s) <= 15 && !strchr(s, '/')) {
			if (name++)
				goto bad;
		} else {
bad:
			tdm_conf_err(ctx, node, (int)i, "unexpected '%s': expected [<interface>] [<address>] [bridge|private|vepa]", s);
			return -1;
		}
	}
	return 0;
}

/* garp_extra_if [all] SECONDS (0..86400) */
int vrrp_conf_chk_garp_extra_if(struct tdm_conf_ctx *ctx, struct tdm_cnode *node)
{
	int have = 0;

	for (uint32_t i = 0; i < node->argc; i++) {
		const char *s = node->argv[i];
		char *end;
		long v;
		if (!strcmp(s, "all"))
			continue;
		v = strtol(s, &end, 10);
		if (*end || end == s || v < 0 || v > 86400 || have++) {
			tdm_conf_err(ctx, node, (int)i, "expected [all] <seconds> 0..86400, got '%s'", s);
			return -1;
		}
	}
	if (!have) {
		tdm_conf_err(ctx, node, -1, "%s: expected [all] <seconds> 0..86400", node->kw);
		return -1;
	}
	return 0;
}

static int chk_auth_pass(struct tdm_conf_ctx *ctx, struct tdm_cnode *node)
{
	if (strlen(node->argv[0]) > 8)
		tdm_conf_warn(ctx, node, 0, "auth_pass is longer than 8 characters: only the first 8 are used");
	return 0;
}

static int chk_vscript_interval(struct tdm_conf_ctx *ctx, struct tdm_cnode *node)
{
	if (node->vals[0].us == 0)
		tdm_conf_warn(ctx, node, 0, "%s 0 is taken as 1 second", node->kw);
	return 0;
}

/* ---- vrrp_instance ---- */

static const struct tdm_kw auth_kws[] = {
	KWA("auth_type", TDM_KW_REQUIRED, 1, 1, a_auth_type, "PASS (8-byte cleartext password) or AH (keepalived's IPsec-AH variant)"),
	KWK("auth_pass", TDM_KW_REQUIRED, 1, 1, tdm_a_str, chk_auth_pass, "the password; only the first 8 characters are used"),
};
static const struct tdm_block auth_block = { "authentication", auth_kws, TDM_NELEM(auth_kws), NULL, 0, 0, NULL };

static const struct tdm_kw instance_kws[] = {
	KWA("state", 0, 1, 1, a_state, "initial state MASTER or BACKUP"),
	KWK("interface", 0, 1, 1, tdm_a_if, chk_interface, "interface the instance runs on (may be omitted with unicast peers)"),
	KWA("vrf", N, 1, 1, tdm_a_if, "VRF to use with unicast and no interface"),
	KWC("use_vmac", 0, chk_use_vmac, "use a virtual MAC (macvlan): [<name>] [<MAC>]"),
	KW0("use_vmac_addr", N, "create VMACs for VIPs on other interfaces too"),
	KW0("vmac_xmit_base", 0, "send and receive adverts on the base interface, not the VMAC"),
	KWC("use_ipvlan", N, chk_use_ipvlan, "use an ipvlan interface: [<name>] [<address>] [bridge|private|vepa]"),
	KW0("native_ipv6", TDM_KW_DEPRECATED, "the family follows the virtual addresses"),
	KW0("dont_track_primary", 0, "ignore faults of the instance's own interface"),
	KWL("track_interface", 0, vrrp_conf_item_track_if, "interfaces to track: <ifname> [weight -253..253 [reverse]]"),
	KWL("track_script", 0, vrrp_conf_item_track_ref, "vrrp_scripts to track: <name> [weight -253..253 [reverse|noreverse]]"),
	KWL("track_file", 0, vrrp_conf_item_track_ref254, "track_files to track: <name> [weight -254..254 [reverse|noreverse]]"),
	KWL("track_process", 0, vrrp_conf_item_track_ref254, "vrrp_track_processes to track: <name> [weight -254..254 [reverse|noreverse]]"),
	{ .name = "track_bfd", .flags = TDM_KW_UNSUPPORTED | TDM_KW_LIST, .item = vrrp_conf_item_name,
	  .help = "tandem has no BFD; track the peer with track_script or track_interface" },
	KWA("mcast_src_ip", 0, 1, 1, tdm_a_ip, "source address of adverts"),
	KWA("unicast_src_ip", 0, 1, 1, tdm_a_ip, "source address of unicast adverts"),
	KWA("mcast_dst_ip", 0, 1, 1, tdm_a_ip, "multicast group for adverts (IPv6: link-local ffX2::)"),
	KW0("track_src_ip", 0, "go to FAULT when the configured source address is missing"),
	KWA("virtual_router_id", TDM_KW_REQUIRED, 1, 1, a_vrid, "VRID, unique per interface and family"),
	KWA("unicast_ttl", 0, 1, 1, a_ttl, "TTL / hop limit of unicast adverts"),
	KWA("version", 0, 1, 1, a_version, "VRRP version (default global vrrp_version, 3 for IPv6)"),
	KWA("priority", 0, 1, 1, a_prio, "election priority, 255 = address owner (default 100)"),
	KWA("advert_int", 0, 1, 1, a_advert, "advert interval: v2 whole seconds 1..255, v3 0.01..40.95 s (default 1)"),
	KWL("virtual_ipaddress", 0, vrrp_conf_item_vip, "virtual addresses: <addr>[/len] [brd A] [dev IF] [scope S] [label L] ..."),
	KWL("virtual_ipaddress_excluded", 0, vrrp_conf_item_vip, "virtual addresses not carried in adverts"),
	KW0("no_virtual_ipaddress", N, "allow an instance without virtual addresses"),
	KW0("promote_secondaries", 0, "set promote_secondaries on the interface"),
	KW0("linkbeat_use_polling", N | TDM_KW_DEPRECATED, "use the linkbeat_interfaces block"),
	KWA("v3_checksum_as_v2", 0, 0, 1, tdm_a_bool, "VRRPv3 IPv4 checksum without the pseudo-header"),
	KWL("virtual_routes", 0, vrrp_conf_item_route, "routes added when MASTER (ip route syntax)"),
	KWL("virtual_rules", 0, vrrp_conf_item_rule, "rules added when MASTER (ip rule syntax)"),
	KW0("accept", 0, "accept packets to the VIPs when not address owner"),
	KW0("no_accept", 0, "drop packets to the VIPs when not address owner"),
	KWA("skip_check_adv_addr", 0, 0, 1, tdm_a_bool, "skip checking advert addresses from the current master"),
	KWA("strict_mode", N, 0, 1, tdm_a_bool, "strict RFC compliance for this instance"),
	KW0("preempt", 0, "preempt a lower-priority master (the default)"),
	KW0("nopreempt", 0, "do not take over from a lower-priority master"),
	KWA("preempt_delay", 0, 1, 1, a_preempt_delay, "delay before preempting, 0..1000 s"),
	KWA("debug", TDM_KW_IGNORED, 1, 1, a_debug, "accepted for compatibility; has no effect"),
	KWA("notify_master", 0, 1, 3, tdm_a_script, "script run on transition to MASTER: <cmd> [user [group]]"),
	KWA("notify_backup", 0, 1, 3, tdm_a_script, "script run on transition to BACKUP"),
	KWA("notify_fault", 0, 1, 3, tdm_a_script, "script run on transition to FAULT"),
	KWA("notify_stop", 0, 1, 3, tdm_a_script, "script run when the instance stops"),
	KWA("notify_deleted", 0, 0, 3, tdm_a_script, "report DELETED (and run the script) when removed by a reload"),
	KWA("notify", 0, 1, 3, tdm_a_script, "script run on any transition (4 extra arguments)"),
	KWA("notify_master_rx_lower_pri", 0, 1, 3, tdm_a_script, "script run when MASTER hears a lower priority"),
	KWA("notify_timeout", 0, 1, 1, a_timer_any, "tandem: seconds a notify script may run before it is killed with its process group (default 10)"),
	KWA("smtp_alert", 0, 0, 1, tdm_a_bool, "send mail on transitions"),
	KWA("notify_priority_changes", 0, 0, 1, tdm_a_bool, "report priority changes on the notify FIFOs"),
	KWK("lvs_sync_daemon_interface", TDM_KW_DEPRECATED, 1, 1, tdm_a_if, chk_interface, "use global_defs lvs_sync_daemon"),
	KWA("garp_master_delay", 0, 1, 1, a_secs, "seconds before the second GARP burst after becoming MASTER"),
	KWA("garp_master_repeat", 0, 1, 1, a_uint, "GARPs per burst"),
	KWA("garp_master_refresh", 0, 1, 1, a_uint, "seconds between GARP refreshes while MASTER (0 off)"),
	KWA("garp_master_refresh_repeat", 0, 1, 1, a_uint, "GARPs per refresh"),
	KWA("garp_lower_prio_delay", 0, 1, 1, a_secs, "seconds before GARPs after a lower-priority advert"),
	KWA("garp_lower_prio_repeat", 0, 1, 1, a_int_pos, "GARPs after a lower-priority advert"),
	KWC("garp_extra_if", 0, vrrp_conf_chk_garp_extra_if, "periodic GARP/NA on other interfaces: [all] <seconds>"),
	KWC("vmac_garp_intvl", TDM_KW_DEPRECATED, vrrp_conf_chk_garp_extra_if, "old spelling of garp_extra_if"),
	KWA("down_timer_adverts", 0, 1, 1, a_dta, "adverts missed before master down (default 3)"),
	KWA("timer_expired_backup", N, 0, 1, a_prio254, "on master-down, stay BACKUP expecting a peer of this priority"),
	KWA("lower_prio_no_advert", 0, 0, 1, tdm_a_bool, "do not answer a lower-priority advert"),
	KWA("higher_prio_send_advert", 0, 0, 1, tdm_a_bool, "send an advert before yielding to a higher priority"),
	KWA("kernel_rx_buf_size", 0, 1, 1, a_uint, "socket receive buffer size"),
	KWL("unicast_peer", 0, vrrp_conf_item_peer, "unicast peers: <addr> [min_ttl N] [max_ttl N]"),
	KW0("unicast_fault_no_peer", 0, "FAULT instead of multicast when there are no peers"),
	KW0("check_unicast_src", 0, "accept unicast adverts only from the configured peers"),
	KWA("old_unicast_checksum", N, 0, 1, a_never, "old VRRPv3 unicast checksum compatibility"),
	KWB("authentication", 0, auth_block, "VRRPv2 authentication { auth_type PASS|AH; auth_pass P }"),
};

const struct tdm_block vrrp_conf_instance_block = {
	"vrrp_instance", instance_kws, TDM_NELEM(instance_kws), vrrp_conf_instance_finish,
	1, TDM_OBJ_VRRP_INSTANCE, NULL };

/* ---- vrrp_script ---- */

static const struct tdm_kw script_kws[] = {
	KWA("script", 0, 1, TDM_ARGS_MANY, tdm_a_path, "command to run: <path> [args...] (quote it to keep it one token)"),
	KWK("interval", 0, 1, 1, a_timer_any, chk_vscript_interval, "seconds between runs (default 1)"),
	KWK("timeout", 0, 1, 1, a_timer_any, chk_vscript_interval, "seconds before a run counts as failed"),
	KWA("weight", 0, 1, 2, a_weight253, "priority change -253..253 [reverse] (default 0: FAULT on failure)"),
	KWA("rise", 0, 1, 1, a_rise, "successes needed for OK"),
	KWA("fall", 0, 1, 1, a_rise, "failures needed for KO"),
	KWA("user", 0, 1, 2, tdm_a_user, "run as <user> [group]"),
	KW0("init_fail", 0, "start in the failed state"),
};

const struct tdm_block vrrp_conf_script_block = {
	"vrrp_script", script_kws, TDM_NELEM(script_kws), vrrp_conf_script_finish,
	1, TDM_OBJ_VRRP_SCRIPT, NULL };

/* ---- vrrp_sync_group ---- */

/* judged once all instances are known (vrrp_conf_check.c): an instance name alone on a line
 * is ignored with a warning, anything else is an unknown keyword */
static int chk_stray_member(struct tdm_conf_ctx *ctx, struct tdm_cnode *node)
{
	(void)ctx;
	(void)node;
	return 0;
}

static const struct tdm_kw sync_group_kws[] = {
	KWL("group", 0, vrrp_conf_item_name, "member vrrp_instances, one per line"),
	KWL("track_interface", 0, vrrp_conf_item_track_if, "interfaces tracked for all members"),
	KWL("track_script", 0, vrrp_conf_item_track_ref, "vrrp_scripts tracked for all members"),
	KWL("track_file", 0, vrrp_conf_item_track_ref254, "track_files tracked for all members"),
	KWL("track_process", 0, vrrp_conf_item_track_ref254, "vrrp_track_processes tracked for all members"),
	{ .name = "track_bfd", .flags = TDM_KW_UNSUPPORTED | TDM_KW_LIST, .item = vrrp_conf_item_name,
	  .help = "tandem has no BFD; track the peer with track_script or track_interface" },
	KWA("notify_master", 0, 1, 3, tdm_a_script, "script run when the group becomes MASTER"),
	KWA("notify_backup", 0, 1, 3, tdm_a_script, "script run when the group becomes BACKUP"),
	KWA("notify_fault", 0, 1, 3, tdm_a_script, "script run when the group goes to FAULT"),
	KWA("notify_stop", 0, 1, 3, tdm_a_script, "script run when the group stops"),
	KWA("notify", 0, 1, 3, tdm_a_script, "script run on any transition"),
	KWA("notify_timeout", 0, 1, 1, a_timer_any, "tandem: seconds a group notify script may run before it is killed (default 10)"),
	KWA("smtp_alert", 0, 0, 1, tdm_a_bool, "send mail on transitions"),
	KW0("global_tracking", TDM_KW_DEPRECATED, "use track_* on the sync group (same as sync_group_tracking_weight)"),
	KW0("sync_group_tracking_weight", 0, "allow members to use differing tracking weights"),
	KWA("notify_priority_changes", 0, 0, 1, tdm_a_bool, "report priority changes on the notify FIFOs"),
	/* keepalived's own sample lists bare instance names here; keepalived ignores them
	 * with a message, so does tandem (warning) when the word names an instance */
	{ .name = "*", .flags = TDM_KW_ANYARGS | TDM_KW_MULTI, .max_args = TDM_ARGS_MANY,
	  .check = chk_stray_member, .help = "an instance name outside group { }: ignored with a warning (keepalived ignores it too); other words are unknown keywords" },
};

const struct tdm_block vrrp_conf_sync_group_block = {
	"vrrp_sync_group", sync_group_kws, TDM_NELEM(sync_group_kws), vrrp_conf_sync_group_finish,
	1, TDM_OBJ_VRRP_SYNC_GROUP, NULL };

/* ---- track_file / vrrp_track_file ---- */

static const struct tdm_kw track_file_kws[] = {
	KWA("file", TDM_KW_REQUIRED, 1, 1, tdm_a_path, "file holding a number"),
	KWA("weight", 0, 1, 2, a_weight_file, "multiplier -2147483647..2147483647 [reverse] (default 1)"),
	KWA("init_file", 0, 0, 2, a_init_file, "create the file: [value] [overwrite]"),
};

const struct tdm_block vrrp_conf_track_file_block = {
	"track_file", track_file_kws, TDM_NELEM(track_file_kws), vrrp_conf_named_finish,
	0, TDM_OBJ_OTHER, NULL };

/* ---- vrrp_track_process ---- */

static const struct tdm_kw track_process_kws[] = {
	KWA("process", TDM_KW_REQUIRED, 1, TDM_ARGS_MANY, a_procs, "process name [parameters...]"),
	KWA("param_match", 0, 0, 1, a_match, "parameter match: exact (no argument), initial or partial"),
	KWA("weight", 0, 1, 2, a_weight254, "priority change -254..254 [reverse] (default 1)"),
	KWA("quorum", 0, 1, 1, a_quorum, "minimum number of processes, 1..65535"),
	KWA("quorum_max", 0, 1, 1, a_quorum_max, "maximum number of processes, 0..65535"),
	KWA("delay", 0, 1, 1, a_pdelay, "sets fork_delay and terminate_delay"),
	KWA("terminate_delay", 0, 1, 1, a_pdelay, "seconds before a lost quorum counts, 0.000001..3600"),
	KWA("fork_delay", 0, 1, 1, a_pdelay, "seconds before a gained quorum counts, 0.000001..3600"),
	KW0("full_command", 0, "match the full command line"),
};

const struct tdm_block vrrp_conf_track_process_block = {
	"vrrp_track_process", track_process_kws, TDM_NELEM(track_process_kws),
	vrrp_conf_named_finish, 0, TDM_OBJ_OTHER, NULL };

/* ---- garp_group ---- */

static const struct tdm_kw garp_group_kws[] = {
	KWA("garp_interval", N, 1, 1, a_timer_any, "seconds between gratuitous ARPs on these interfaces"),
	KWA("gna_interval", N, 1, 1, a_timer_any, "seconds between unsolicited NAs on these interfaces"),
	KWK("interface", N, 1, 1, tdm_a_if, chk_interface, "the interface the intervals apply to"),
	KWL("interfaces", N, vrrp_conf_item_ifname, "interfaces sharing the intervals"),
};

const struct tdm_block vrrp_conf_garp_group_block = {
	"garp_group", garp_group_kws, TDM_NELEM(garp_group_kws), NULL, 0, TDM_OBJ_OTHER, NULL };

/* ---- track_group (for static addresses, routes, rules) ---- */

static const struct tdm_kw track_group_kws[] = {
	KWL("group", N | TDM_KW_REQUIRED, vrrp_conf_item_name, "vrrp_instances that track the static items"),
};

const struct tdm_block vrrp_conf_track_group_block = {
	"track_group", track_group_kws, TDM_NELEM(track_group_kws), vrrp_conf_named_finish,
	0, TDM_OBJ_OTHER, NULL };
