/* director/global_conf.c - keyword table of global_defs (keepalived 2.2.7's keywords plus
 * tandem's own: control_socket, control_socket_group, metrics_listen, enable_snmp_tandem) and the
 * builder of struct tdm_global_conf. lvs_sync_daemon's arguments are checked by the sync part,
 * the SNMP keywords are collected by the snmp part. */
#include <stdlib.h>
#include <string.h>
#include "director/global_conf.h"
#include "snmp/snmp_conf.h"
#include "sync/sync_conf.h"
#include "vrrp/vrrp_conf.h"

/* a statement whose arguments passed the engine's checks (count), usable by a builder */
#define USABLE(n) ((n)->def && (n)->argc >= (n)->def->min_args && \
                   !((n)->def->flags & (TDM_KW_UNSUPPORTED | TDM_KW_IGNORED)))

#define N TDM_KW_NOTYET
#define KW0 TDM_KW0
#define KWA TDM_KWA
#define KWK TDM_KWK
#define KWC(nm, fl, chk, h) { .name = nm, .flags = (fl) | TDM_KW_ANYARGS, .min_args = 0, \
		.max_args = TDM_ARGS_MANY, .check = chk, .help = h }

static const char *const e_vs[] = { "VS", NULL };
static const char *const e_dynif[] = { "allow_if_changes", NULL };
static const char *const e_fifofmt[] = { "keepalived", "json", NULL };

static const struct tdm_arg a_name15[] = { { "name", TDM_A_STR, 1, 15, NULL } };
static const struct tdm_arg a_ip4[] = { { "address", TDM_A_IP4, 0, 0, NULL } };
static const struct tdm_arg a_ip6[] = { { "address", TDM_A_IP6, 0, 0, NULL } };
static const struct tdm_arg a_smtp[] = {
	{ "server", TDM_A_IP_OR_HOST, 0, 0, NULL }, { "port", TDM_A_PORT, 1, 65535, NULL } };
static const struct tdm_arg a_secs[] = { { "seconds", TDM_A_INT, 1, 2147483647LL, NULL } };
static const struct tdm_arg a_secs1000[] = { { "seconds", TDM_A_INT, 1, 1000, NULL } };
static const struct tdm_arg a_secs_garp[] = { { "seconds", TDM_A_INT, 0, 4294, NULL } };
static const struct tdm_arg a_uint[] = { { "number", TDM_A_INT, 0, 4294967295LL, NULL } };
static const struct tdm_arg a_int[] = { { "number", TDM_A_INT, -2147483647LL - 1, 2147483647LL, NULL } };
static const struct tdm_arg a_timer[] = { { "seconds", TDM_A_TIMER, 0, 2147000000000LL, NULL } };
static const struct tdm_arg a_version[] = { { "version", TDM_A_INT, 2, 3, NULL } };
static const struct tdm_arg a_nice[] = { { "nice", TDM_A_INT, -20, 19, NULL } };
static const struct tdm_arg a_rtprio[] = { { "priority", TDM_A_INT, 1, 99, NULL } };
static const struct tdm_arg a_autoprio[] = { { "priority", TDM_A_INT, -1, 99, NULL } };
static const struct tdm_arg a_autodelay[] = { { "usecs", TDM_A_INT, 1, 10000000, NULL } };
static const struct tdm_arg a_rttime[] = { { "usecs", TDM_A_INT, 1, 4294967295LL, NULL } };
static const struct tdm_arg a_cpu[] = { { "cpu", TDM_A_INT, 0, 4095, NULL } };
static const struct tdm_arg a_dta[] = { { "adverts", TDM_A_INT, 1, 100, NULL } };
static const struct tdm_arg a_vs[] = { { "VS", TDM_A_ENUM, 0, 0, e_vs } };
static const struct tdm_arg a_dynif[] = { { "allow_if_changes", TDM_A_ENUM, 0, 0, e_dynif } };
static const struct tdm_arg a_fifofmt[] = { { "format", TDM_A_ENUM, 0, 0, e_fifofmt } };
static const struct tdm_arg a_chains[] = { { "chain", TDM_A_STR, 1, 30, NULL } };
static const struct tdm_arg a_table[] = { { "table", TDM_A_STR, 1, 255, NULL } };
static const struct tdm_arg a_fwmark[] = { { "fwmark", TDM_A_INT, 1, 4294967295LL, NULL } };
static const struct tdm_arg a_mult[] = { { "multiplier", TDM_A_INT, 1, 4294967295LL, NULL } };

/* ---- argument checks ---- */

static int parse_num(const char *s, long long min, long long max, long long *v)
{
	char *end;

	if (!*s)
		return -1;
	*v = strtoll(s, &end, 0);
	return (*end || *v < min || *v > max) ? -1 : 0;
}

/* lvs_timeouts [tcp SECS] [tcpfin SECS] [udp SECS] */
static int chk_lvs_timeouts(struct tdm_conf_ctx *ctx, struct tdm_cnode *n)
{
	long long v;

	if (n->argc == 0 || n->argc % 2) {
		tdm_conf_err(ctx, n, -1, "lvs_timeouts: expected [tcp <secs>] [tcpfin <secs>] [udp <secs>]");
		return -1;
	}
	for (uint32_t i = 0; i < n->argc; i += 2) {
		if (strcmp(n->argv[i], "tcp") && strcmp(n->argv[i], "tcpfin") && strcmp(n->argv[i], "udp")) {
			tdm_conf_err(ctx, n, (int)i, "expected tcp, tcpfin or udp, got '%s'", n->argv[i]);
			return -1;
		}
		if (parse_num(n->argv[i + 1], 1, 2678400, &v)) {
			tdm_conf_err(ctx, n, (int)i + 1, "expected <seconds> 1..2678400, got '%s'", n->argv[i + 1]);
			return -1;
		}
	}
	return 0;
}

/* umask NUMBER | BITS (IRUSR|IWGRP|...) */
static int chk_umask(struct tdm_conf_ctx *ctx, struct tdm_cnode *n)
{
	long long v;

	if (n->argc == 1 && !parse_num(n->argv[0], 0, 0777, &v))
		return 0;
	if (n->argc == 0) {
		tdm_conf_err(ctx, n, -1, "umask: expected a number 0..0777 or bits like IWGRP|IWOTH");
		return -1;
	}
	for (uint32_t i = 0; i < n->argc; i++) {
		const char *p = n->argv[i];
		while (*p) {
			size_t l = strcspn(p, "|");
			if (l && !(l == 5 && p[0] == 'I' && strchr("RWX", p[1]) &&
			           (!strncmp(p + 2, "USR", 3) || !strncmp(p + 2, "GRP", 3) ||
			            !strncmp(p + 2, "OTH", 3)))) {
				tdm_conf_err(ctx, n, (int)i, "umask: expected a number 0..0777 or bits I{R|W|X}{USR|GRP|OTH} joined by '|', got '%s'", n->argv[i]);
				return -1;
			}
			p += l;
			if (*p == '|')
				p++;
		}
	}
	return 0;
}

static int chk_rx_bufs_policy(struct tdm_conf_ctx *ctx, struct tdm_cnode *n)
{
	long long v;

	if (n->argc == 1 && (!strcmp(n->argv[0], "MTU") || !strcmp(n->argv[0], "ADVERT") ||
	                     !parse_num(n->argv[0], 1, 4294967295LL, &v)))
		return 0;
	tdm_conf_err(ctx, n, n->argc ? 0 : -1, "vrrp_rx_bufs_policy: expected MTU, ADVERT or a size in bytes");
	return -1;
}

static int chk_include_check(struct tdm_conf_ctx *ctx, struct tdm_cnode *n)
{
	static const char *const ok[] = { "readable", "match", "wildcard_match", "brace_match", NULL };

	for (uint32_t i = 0; i < n->argc; i++) {
		const char *w = n->argv[i] + (n->argv[i][0] == '+' || n->argv[i][0] == '-');
		int j;
		for (j = 0; ok[j] && strcmp(ok[j], w); j++)
			;
		if (!ok[j]) {
			tdm_conf_err(ctx, n, (int)i, "include_check: expected [+|-]readable, match, wildcard_match or brace_match, got '%s'", n->argv[i]);
			return -1;
		}
	}
	return 0;
}

/* metrics_listen ADDR:PORT | [ADDR6]:PORT | PORT */
static int chk_metrics_listen(struct tdm_conf_ctx *ctx, struct tdm_cnode *n)
{
	const char *s = n->argv[0], *colon = strrchr(s, ':');
	long long port;

	if (parse_num(colon ? colon + 1 : s, 1, 65535, &port) || (colon && colon == s)) {
		tdm_conf_err(ctx, n, 0, "metrics_listen: expected [<address>:]<port> (IPv6 as [addr]:port), got '%s'", s);
		return -1;
	}
	return 0;
}

static int item_email(struct tdm_conf_ctx *ctx, struct tdm_cnode *n)
{
	if (n->argc) {
		tdm_conf_err(ctx, n, 0, "expected one address per line");
		return -1;
	}
	return 0;
}

static const struct tdm_kw global_kws[] = {
	/* identity and tandem's own */
	KWA("router_id", 0, 1, 1, tdm_a_str, "name of this director in notifications (default: host name)"),
	KWA("control_socket", 0, 1, 1, tdm_a_path, "tandem: control socket path (default /run/tandem/tandemd.sock)"),
	KWA("control_socket_group", 0, 1, 1, tdm_a_str, "tandem: group whose members may use the control socket"),
	KWK("metrics_listen", 0, 1, 1, tdm_a_str, chk_metrics_listen, "tandem: Prometheus endpoint [<address>:]<port>"),
	KW0("enable_snmp_tandem", 0, "tandem: serve the TANDEM-MIB over AgentX"),
	/* processes */
	KW0("process_names", TDM_KW_IGNORED, "process names are fixed in tandem (tandemd: vrrp, check, sync, snmp)"),
	KWA("process_name", TDM_KW_IGNORED, 1, 1, a_name15, "process names are fixed in tandem"),
	KWA("vrrp_process_name", TDM_KW_IGNORED, 1, 1, a_name15, "process names are fixed in tandem"),
	KWA("checker_process_name", TDM_KW_IGNORED, 1, 1, a_name15, "process names are fixed in tandem"),
	KWA("lvs_process_name", TDM_KW_IGNORED | TDM_KW_DEPRECATED, 1, 1, a_name15, "old spelling of checker_process_name"),
	KWA("bfd_process_name", TDM_KW_IGNORED, 1, 1, a_name15, "tandem has no BFD process"),
	KWA("vrrp_priority", 0, 1, 1, a_nice, "nice value of the vrrp child, -20..19"),
	KWA("checker_priority", 0, 1, 1, a_nice, "nice value of the check child, -20..19"),
	KWA("bfd_priority", TDM_KW_IGNORED, 1, 1, a_nice, "tandem has no BFD process"),
	KW0("vrrp_no_swap", 0, "lock the vrrp child's memory (tandem always locks it)"),
	KW0("checker_no_swap", 0, "lock the check child's memory"),
	KW0("bfd_no_swap", TDM_KW_IGNORED, "tandem has no BFD process"),
	KWA("vrrp_rt_priority", 0, 1, 1, a_rtprio, "real-time (SCHED_RR) priority of the vrrp child, 1..99 (default 10)"),
	KWA("checker_rt_priority", 0, 1, 1, a_rtprio, "real-time (SCHED_RR) priority of the check child, 1..99 (RLIMIT_RTTIME 2 s unless checker_rlimit_rttime)"),
	KWA("bfd_rt_priority", TDM_KW_IGNORED, 1, 1, a_rtprio, "tandem has no BFD process"),
	KWA("vrrp_cpu_affinity", 0, 1, TDM_ARGS_MANY, a_cpu, "CPUs the vrrp child may run on"),
	KWA("checker_cpu_affinity", 0, 1, TDM_ARGS_MANY, a_cpu, "CPUs the check child may run on"),
	KWA("bfd_cpu_affinity", TDM_KW_IGNORED, 1, TDM_ARGS_MANY, a_cpu, "tandem has no BFD process"),
	KWA("vrrp_rlimit_rttime", 0, 1, 1, a_rttime, "RLIMIT_RTTIME of the vrrp child, usecs (default 2000000; hard limit 1 s above)"),
	KWA("vrrp_rlimit_rtime", TDM_KW_DEPRECATED, 1, 1, a_rttime, "old spelling of vrrp_rlimit_rttime"),
	KWA("checker_rlimit_rttime", 0, 1, 1, a_rttime, "RLIMIT_RTTIME of the check child, usecs (hard limit 1 s above)"),
	KWA("checker_rlimit_rtime", TDM_KW_DEPRECATED, 1, 1, a_rttime, "old spelling of checker_rlimit_rttime"),
	KWA("bfd_rlimit_rttime", TDM_KW_IGNORED, 1, 1, a_rttime, "tandem has no BFD process"),
	KWA("bfd_rlimit_rtime", TDM_KW_IGNORED | TDM_KW_DEPRECATED, 1, 1, a_rttime, "tandem has no BFD process"),
	KWA("max_auto_priority", 0, 0, 1, a_autoprio, "raise the vrrp child's real-time priority on late wake-ups up to this, -1..99 (0/-1: off; no value: the maximum)"),
	KWA("min_auto_priority_delay", 0, 1, 1, a_autodelay, "scheduling delay (usecs) that raises the priority (default 1000000)"),
	KWA("child_wait_time", 0, 1, 1, a_secs, "seconds to wait for children at shutdown before SIGKILL (default 5)"),
	/* mail */
	{ .name = "notification_email", .flags = TDM_KW_LIST, .item = item_email, .help = "mail recipients, one per line (mail alerts need these and smtp_server)" },
	KWA("notification_email_from", 0, 1, 1, tdm_a_str, "sender address of notification mail (default tandem@<host name>)"),
	KWA("smtp_server", 0, 1, 2, a_smtp, "SMTP server <host> [<port>]"),
	KWA("smtp_helo_name", 0, 1, 1, tdm_a_str, "name used in EHLO/HELO (default: host name)"),
	KWA("smtp_connect_timeout", 0, 1, 1, a_secs, "SMTP connect timeout, seconds (default 30)"),
	KWA("smtp_alert", 0, 0, 1, tdm_a_bool, "default of all smtp_alert settings"),
	KWA("smtp_alert_vrrp", 0, 0, 1, tdm_a_bool, "default of VRRP smtp_alert (instances, sync groups)"),
	KWA("smtp_alert_checker", 0, 0, 1, tdm_a_bool, "default of checker smtp_alert (real servers, quorum)"),
	KW0("no_email_faults", 0, "no mail for FAULT transitions"),
	KW0("no_checker_emails", 0, "mail only when real servers are added or removed (tandem never mails per checker)"),
	KWA("checker_log_all_failures", N, 0, 1, tdm_a_bool, "log every failed check"),
	/* scripts and notifications */
	KWA("startup_script", 0, 1, 3, tdm_a_script, "run before the children start: <cmd> [user [group]]"),
	KWA("startup_script_timeout", 0, 1, 1, a_secs1000, "seconds, 1..1000 (default 10)"),
	KWA("shutdown_script", 0, 1, 3, tdm_a_script, "run after the children stopped"),
	KWA("shutdown_script_timeout", 0, 1, 1, a_secs1000, "seconds, 1..1000 (default 10)"),
	KWA("script_user", 0, 1, 2, tdm_a_user, "default user [group] for scripts"),
	KW0("enable_script_security", 0, "refuse root scripts writable by others"),
	KWA("notify_fifo", 0, 1, 3, tdm_a_script, "FIFO receiving all notify events: <path> [user [group]]"),
	KWA("notify_fifo_script", 0, 1, 3, tdm_a_script, "script reading notify_fifo (the FIFO is its last argument)"),
	KWA("vrrp_notify_fifo", 0, 1, 3, tdm_a_script, "FIFO receiving VRRP notify events"),
	KWA("vrrp_notify_fifo_script", 0, 1, 3, tdm_a_script, "script reading vrrp_notify_fifo (the FIFO is its last argument)"),
	KWA("lvs_notify_fifo", 0, 1, 3, tdm_a_script, "FIFO receiving checker notify events"),
	KWA("notify_fifo_format", 0, 1, 1, a_fifofmt, "tandem: lines of notify_fifo and lvs_notify_fifo: keepalived (default) or json (one event per line)"),
	KWA("lvs_notify_fifo_script", 0, 1, 3, tdm_a_script, "script reading lvs_notify_fifo (the FIFO is its last argument)"),
	KWA("vrrp_notify_priority_changes", 0, 0, 1, tdm_a_bool, "report priority changes on the FIFOs"),
	KW0("fifo_write_vrrp_states_on_reload", N, "write the VRRP states to the FIFOs after a reload"),
	KW0("rs_init_notifies", N, "notify the initial state of real servers"),
	/* VRRP defaults */
	KWA("vrrp_mcast_group4", 0, 1, 1, a_ip4, "IPv4 VRRP group (default 224.0.0.18)"),
	KWA("vrrp_mcast_group6", 0, 1, 1, a_ip6, "IPv6 VRRP group (default ff02::12)"),
	KWA("default_interface", N, 1, 1, tdm_a_if, "interface of static addresses without dev"),
	KWA("vrrp_garp_master_delay", 0, 1, 1, a_secs_garp, "seconds before the second GARP burst (default 5)"),
	KWA("vrrp_garp_master_repeat", 0, 1, 1, a_uint, "GARPs per burst (default 5)"),
	KWA("vrrp_garp_master_refresh", 0, 1, 1, a_uint, "seconds between GARP refreshes while MASTER"),
	KWA("vrrp_garp_master_refresh_repeat", 0, 1, 1, a_uint, "GARPs per refresh"),
	KWA("vrrp_garp_lower_prio_delay", 0, 1, 1, a_secs_garp, "seconds before GARPs after a lower-priority advert"),
	KWA("vrrp_garp_lower_prio_repeat", 0, 1, 1, a_uint, "GARPs after a lower-priority advert"),
	KWA("vrrp_garp_interval", N, 1, 1, a_timer, "seconds between gratuitous ARPs on one interface"),
	KWA("vrrp_gna_interval", N, 1, 1, a_timer, "seconds between unsolicited NAs on one interface"),
	KWA("vrrp_min_garp", 0, 0, 1, tdm_a_bool, "send one GARP/NA only, no second burst"),
	KWC("vrrp_garp_extra_if", 0, vrrp_conf_chk_garp_extra_if, "periodic GARP/NA on other interfaces: [all] <seconds>"),
	KWC("vrrp_vmac_garp_intvl", TDM_KW_DEPRECATED, vrrp_conf_chk_garp_extra_if, "old spelling of vrrp_garp_extra_if"),
	KWA("vrrp_down_timer_adverts", 0, 1, 1, a_dta, "default down_timer_adverts, 1..100"),
	KWA("vrrp_lower_prio_no_advert", 0, 0, 1, tdm_a_bool, "default lower_prio_no_advert"),
	KWA("vrrp_higher_prio_send_advert", 0, 0, 1, tdm_a_bool, "default higher_prio_send_advert"),
	KWA("vrrp_version", 0, 1, 1, a_version, "default VRRP version, 2 or 3"),
	KW0("vrrp_check_unicast_src", 0, "accept unicast adverts only from configured peers"),
	KW0("vrrp_skip_check_adv_addr", 0, "skip checking advert addresses from the current master"),
	KW0("vrrp_strict", N, "strict RFC compliance"),
	KWA("vrrp_startup_delay", 0, 1, 1, a_timer, "seconds before VRRP instances start"),
	KW0("log_unknown_vrids", N, "log adverts for VRIDs not configured"),
	KWA("vmac_prefix", 0, 1, 1, a_name15, "prefix of generated VMAC names (default vrrp)"),
	KWA("vmac_addr_prefix", N, 1, 1, a_name15, "prefix of VMACs for VIPs on other interfaces"),
	KWA("vrrp_iptables", N, 0, 2, a_chains, "use iptables: [<in chain> [<out chain>]]"),
	KWA("vrrp_ipsets", N, 0, 5, a_chains, "ipset names used with iptables"),
	KWA("nftables", N, 0, 1, a_table, "use nftables: [<table>]"),
	KWA("nftables_priority", N, 1, 1, a_int, "nftables chain priority"),
	KW0("nftables_ifindex", N, "IPv6 link-local sets keyed by ifindex"),
	KW0("nftables_counters", N, "add counters to the nftables rules"),
	KWA("nftables_ipvs", N, 0, 1, a_table, "nftables table for virtual server group fwmarks"),
	KWA("nftables_ipvs_priority", N, 1, 1, a_int, "priority of the IPVS nftables chain"),
	KWA("nftables_ipvs_start_fwmark", N, 1, 1, a_fwmark, "first fwmark used for groups (default 1000)"),
	KW0("disable_local_igmp", N, "disable IGMP reports for 224.0.0.0/24"),
	KWA("dynamic_interfaces", N, 0, 1, a_dynif, "allow interfaces that do not exist yet: [allow_if_changes]"),
	KWA("vrrp_netlink_cmd_rcv_bufs", N, 1, 1, a_uint, "netlink receive buffer, bytes"),
	KWA("vrrp_netlink_cmd_rcv_bufs_force", N, 0, 1, tdm_a_bool, "use SO_RCVBUFFORCE"),
	KWA("vrrp_netlink_monitor_rcv_bufs", N, 1, 1, a_uint, "netlink receive buffer, bytes"),
	KWA("vrrp_netlink_monitor_rcv_bufs_force", N, 0, 1, tdm_a_bool, "use SO_RCVBUFFORCE"),
	KWA("process_monitor_rcv_bufs", N, 1, 1, a_uint, "process connector receive buffer, bytes"),
	KWA("process_monitor_rcv_bufs_force", N, 0, 1, tdm_a_bool, "use SO_RCVBUFFORCE"),
	KWC("vrrp_rx_bufs_policy", N, chk_rx_bufs_policy, "VRRP socket receive buffer: MTU, ADVERT or bytes"),
	KWA("vrrp_rx_bufs_multiplier", N, 1, 1, a_mult, "multiplier for vrrp_rx_bufs_policy (default 3)"),
	/* LVS */
	KW0("lvs_flush", 0, "flush IPVS at startup"),
	KWA("lvs_flush_on_stop", 0, 0, 1, a_vs, "flush IPVS at shutdown: [VS] only tandem's services"),
	KWA("lvs_flush_onstop", TDM_KW_DEPRECATED, 0, 1, a_vs, "old spelling of lvs_flush_on_stop"),
	KWA("ipvs_drain_time", 0, 1, 1, a_timer, "tandem: seconds a removed real server stays at weight 0 before deletion (default 30; 0 = delete at once)"),
	KW0("ipvs_keep_on_stop", 0, "tandem: leave tandem's IPVS entries in the kernel when tandemd stops"),
	KWA("checks_follow_vrrp", 0, 1, 1, tdm_a_str, "tandem: run health checks and IPVS changes only while this vrrp_instance is MASTER (default: always)"),
	KWC("lvs_timeouts", 0, chk_lvs_timeouts, "IPVS timeouts [tcp S] [tcpfin S] [udp S], 1..2678400"),
	KWC("lvs_sync_daemon", 0, sync_conf_lvs_sync_daemon_check,
	    "kernel sync daemon: <interface> [[inst] <instance>] [id 0..255] [maxlen 1..65507] [port 1..65535] [ttl 1..255] [group <addr>]"),
	KWA("lvs_netlink_cmd_rcv_bufs", 0, 1, 1, a_uint, "netlink receive buffer, bytes"),
	KWA("lvs_netlink_cmd_rcv_bufs_force", 0, 0, 1, tdm_a_bool, "use SO_RCVBUFFORCE"),
	KWA("lvs_netlink_monitor_rcv_bufs", N, 1, 1, a_uint, "netlink receive buffer, bytes"),
	KWA("lvs_netlink_monitor_rcv_bufs_force", N, 0, 1, tdm_a_bool, "use SO_RCVBUFFORCE"),
	/* SNMP */
	KWA("snmp_socket", 0, 1, 1, tdm_a_str, "AgentX master socket (default unix:/var/agentx/master)"),
	KW0("enable_traps", 0, "send SNMP traps"),
	KW0("enable_snmp_vrrp", 0, "keepalived's KEEPALIVED-MIB VRRP part: tandem serves TANDEM-MIB"),
	KW0("enable_snmp_keepalived", TDM_KW_DEPRECATED, "old spelling of enable_snmp_vrrp"),
	KW0("enable_snmp_checker", 0, "keepalived's KEEPALIVED-MIB checker part: tandem serves TANDEM-MIB"),
	KW0("enable_snmp_rfc", 0, "VRRP-MIB (RFC 2787) and VRRPv3-MIB (RFC 6527)"),
	KW0("enable_snmp_rfcv2", 0, "VRRP-MIB (RFC 2787)"),
	KW0("enable_snmp_rfcv3", 0, "VRRPv3-MIB (RFC 6527)"),
	KW0("enable_dbus", TDM_KW_UNSUPPORTED, "tandem has no D-Bus interface; use the control socket (tandemctl)"),
	KWA("dbus_service_name", TDM_KW_UNSUPPORTED, 1, 1, tdm_a_str, "tandem has no D-Bus interface; use the control socket (tandemctl)"),
	/* files and reloads */
	KWC("umask", 0, chk_umask, "umask of tandemd and its files: number or IWGRP|IWOTH style bits (default 022)"),
	KWA("random_seed", 0, 1, 1, a_uint, "seed of ${_RANDOM}"),
	KWA("reload_check_config", 0, 0, 1, tdm_a_path, "a new config is always checked before a reload; [log file] receives the check's diagnostics"),
	KWA("reload_time_file", 0, 1, 1, tdm_a_path, "file holding a time (HH:MM:SS, [YY]YY-MM-DD HH:MM:SS, Z = UTC) at which to reload"),
	KW0("reload_repeat", 0, "keep reload_time_file after the reload (a time alone: every day)"),
	KWA("reload_file", 0, 0, 1, tdm_a_path, "file present while a reload reads the config (default /run/tandem/tandemd.reload)"),
	KWC("include_check", TDM_KW_IGNORED, chk_include_check, "tandem always treats a missing or unreadable include file as an error (includew: also a pattern that matches nothing)"),
	KWA("tmp_config_directory", TDM_KW_IGNORED, 1, 1, tdm_a_path, "tandem passes the config in a sealed memfd"),
	KWA("config_save_dir", TDM_KW_IGNORED, 1, 1, tdm_a_path, "not needed: tandemd --dump-config prints the resolved config"),
	KWA("data_use_instance", TDM_KW_IGNORED, 0, 1, tdm_a_bool, "tandem writes no state dump files: SIGUSR1 logs the state, tandemctl status shows it"),
	KW0("linkbeat_use_polling", N, "poll link state (MII/ethtool) instead of netlink"),
};

const struct tdm_block tdm_global_defs_block = {
	"global_defs", global_kws, TDM_NELEM(global_kws), tdm_global_conf_finish,
	1, TDM_OBJ_GLOBAL, NULL };

/* ---- builder ---- */

struct tdm_global_conf *tdm_global_conf_get(struct tdm_conf_ctx *ctx)
{
	struct tdm_config *cfg = tdm_conf_ctx_config(ctx);
	struct tdm_global_conf *g = cfg->global;

	if (!g) {
		g = cfg->global = tdm_conf_alloc(ctx, sizeof(*g));
		g->smtp_port = 25;
		g->smtp_connect_timeout = 30;
		g->smtp_alert = g->smtp_alert_vrrp = g->smtp_alert_checker = -1;
		g->startup_script_timeout = g->shutdown_script_timeout = 10;
	}
	return g;
}

static void set_script(const struct tdm_cnode *c, struct tdm_script_ref *s)
{
	s->cmd = c->argv[0];
	s->user = c->argc > 1 ? c->argv[1] : NULL;
	s->group = c->argc > 2 ? c->argv[2] : NULL;
}

static int opt_bool(const struct tdm_cnode *c)
{
	return c->argc == 0 ? 1 : (int)c->vals[0].i;
}

int tdm_global_conf_finish(struct tdm_conf_ctx *ctx, struct tdm_cnode *node)
{
	struct tdm_global_conf *g = tdm_global_conf_get(ctx);
	const struct tdm_cnode *c, *it;
	size_t k;

	if (!g->node)
		g->node = node;         /* several global_defs blocks are merged, as keepalived does */
	TDM_CNODE_FOREACH(c, node) {
		const char *kw = c->kw;
		if (!USABLE(c))
			continue;
		if (!strcmp(kw, "router_id"))
			g->router_id = c->argv[0];
		else if (!strcmp(kw, "control_socket"))
			g->control_socket = c->argv[0];
		else if (!strcmp(kw, "control_socket_group"))
			g->control_socket_group = c->argv[0];
		else if (!strcmp(kw, "metrics_listen"))
			g->metrics_listen = c->argv[0];
		else if (!strcmp(kw, "notification_email")) {
			k = g->n_notification_email;
			TDM_CNODE_FOREACH(it, c)
				k++;
			const char **v = tdm_conf_alloc(ctx, (k ? k : 1) * sizeof(*v));
			if (g->n_notification_email)
				memcpy(v, g->notification_email, g->n_notification_email * sizeof(*v));
			k = g->n_notification_email;
			TDM_CNODE_FOREACH(it, c)
				v[k++] = it->kw;
			g->notification_email = v;
			g->n_notification_email = k;
		} else if (!strcmp(kw, "notification_email_from"))
			g->notification_email_from = c->argv[0];
		else if (!strcmp(kw, "smtp_server")) {
			g->smtp_server = c->argv[0];
			if (c->argc > 1)
				g->smtp_port = (int)c->vals[1].i;
		} else if (!strcmp(kw, "smtp_helo_name"))
			g->smtp_helo_name = c->argv[0];
		else if (!strcmp(kw, "smtp_connect_timeout"))
			g->smtp_connect_timeout = (int)c->vals[0].i;
		else if (!strcmp(kw, "smtp_alert"))
			g->smtp_alert = opt_bool(c);
		else if (!strcmp(kw, "smtp_alert_vrrp"))
			g->smtp_alert_vrrp = opt_bool(c);
		else if (!strcmp(kw, "smtp_alert_checker"))
			g->smtp_alert_checker = opt_bool(c);
		else if (!strcmp(kw, "notify_fifo"))
			set_script(c, &g->notify_fifo);
		else if (!strcmp(kw, "notify_fifo_script"))
			set_script(c, &g->notify_fifo_script);
		else if (!strcmp(kw, "vrrp_notify_fifo"))
			set_script(c, &g->vrrp_notify_fifo);
		else if (!strcmp(kw, "vrrp_notify_fifo_script"))
			set_script(c, &g->vrrp_notify_fifo_script);
		else if (!strcmp(kw, "lvs_notify_fifo"))
			set_script(c, &g->lvs_notify_fifo);
		else if (!strcmp(kw, "lvs_notify_fifo_script"))
			set_script(c, &g->lvs_notify_fifo_script);
		else if (!strcmp(kw, "startup_script"))
			set_script(c, &g->startup_script);
		else if (!strcmp(kw, "shutdown_script"))
			set_script(c, &g->shutdown_script);
		else if (!strcmp(kw, "startup_script_timeout"))
			g->startup_script_timeout = (int)c->vals[0].i;
		else if (!strcmp(kw, "shutdown_script_timeout"))
			g->shutdown_script_timeout = (int)c->vals[0].i;
		else if (!strcmp(kw, "script_user")) {
			g->script_user = c->argv[0];
			g->script_group = c->argc > 1 ? c->argv[1] : NULL;
		} else if (!strcmp(kw, "enable_script_security"))
			g->enable_script_security = 1;
		else if (!strcmp(kw, "vrrp_priority"))
			g->vrrp_priority = (int)c->vals[0].i;
		else if (!strcmp(kw, "checker_priority"))
			g->checker_priority = (int)c->vals[0].i;
		else if (!strcmp(kw, "vrrp_rt_priority"))
			g->vrrp_rt_priority = (int)c->vals[0].i;
		else if (!strcmp(kw, "checker_rt_priority"))
			g->checker_rt_priority = (int)c->vals[0].i;
		else if (!strcmp(kw, "vrrp_no_swap"))
			g->vrrp_no_swap = 1;
		else if (!strcmp(kw, "checker_no_swap"))
			g->checker_no_swap = 1;
		else if (!strcmp(kw, "vrrp_version"))
			g->vrrp_version = (int)c->vals[0].i;
		else if (!strcmp(kw, "vrrp_strict"))
			g->vrrp_strict = 1;
		else if (!strcmp(kw, "vrrp_check_unicast_src"))
			g->vrrp_check_unicast_src = 1;
		else if (!strcmp(kw, "vrrp_skip_check_adv_addr"))
			g->vrrp_skip_check_adv_addr = 1;
		else if (!strcmp(kw, "vrrp_mcast_group4")) {
			g->vrrp_mcast_group4 = c->vals[0].addr;
			g->has_mcast_group4 = 1;
		} else if (!strcmp(kw, "vrrp_mcast_group6")) {
			g->vrrp_mcast_group6 = c->vals[0].addr;
			g->has_mcast_group6 = 1;
		} else if (!strcmp(kw, "default_interface"))
			g->default_interface = c->argv[0];
		else if (!strcmp(kw, "vrrp_startup_delay"))
			g->vrrp_startup_delay_us = c->vals[0].us;
		else if (!strcmp(kw, "lvs_flush"))
			g->lvs_flush = 1;
		else if (!strcmp(kw, "lvs_flush_on_stop") || !strcmp(kw, "lvs_flush_onstop"))
			g->lvs_flush_on_stop = c->argc ? 2 : 1;
		else if (!strcmp(kw, "lvs_sync_daemon"))
			sync_conf_lvs_sync_daemon_build(ctx, c);
	}
	snmp_conf_from_global(ctx, node);
	return 0;
}

void tdm_global_conf_top(struct tdm_conf_ctx *ctx, const struct tdm_cnode *root)
{
	const struct tdm_cnode *c;
	struct tdm_global_conf *g = NULL;

	TDM_CNODE_FOREACH(c, root) {
		if (!USABLE(c))
			continue;
		if (!strcmp(c->kw, "net_namespace") || !strcmp(c->kw, "net_namespace_ipvs") ||
		    !strcmp(c->kw, "instance") || !strcmp(c->kw, "use_pid_dir")) {
			if (!g)
				g = tdm_global_conf_get(ctx);
			if (!strcmp(c->kw, "net_namespace"))
				g->net_namespace = c->argv[0];
			else if (!strcmp(c->kw, "net_namespace_ipvs"))
				g->net_namespace_ipvs = c->argc ? c->argv[0] : "";
			else if (!strcmp(c->kw, "instance"))
				g->instance = c->argv[0];
			else
				g->use_pid_dir = 1;
		}
	}
}
