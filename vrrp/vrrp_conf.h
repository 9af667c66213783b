/* vrrp/vrrp_conf.h - the VRRP part's config: keyword tables for vrrp_script, vrrp_sync_group,
 * vrrp_instance and the other VRRP-side top-level blocks (static addresses/routes/rules,
 * track_file, vrrp_track_process, garp_group, ...), and the plain-data struct vrrp_conf that
 * their finish callbacks build (tdm_config.vrrp). Nothing here holds runtime state. */
#ifndef VRRP_CONF_H
#define VRRP_CONF_H

#include <stddef.h>
#include <stdint.h>
#include "lib/conf.h"

/* one reference in track_interface / track_script / track_file / track_process */
struct vrrp_track_ref {
	const char *name;
	int weight;                 /* valid when has_weight */
	uint8_t has_weight;
	uint8_t reverse;
	const struct tdm_cnode *node;
};

struct vrrp_track_refs {
	struct vrrp_track_ref *v;
	size_t n;
};

/* one virtual_ipaddress / virtual_ipaddress_excluded / static_ipaddress line */
struct vrrp_vip {
	struct tdm_addr addr;       /* plen set (default 32 / 128) */
	const char *dev;            /* NULL: the instance's interface */
	const char *label;
	const char *scope;          /* as written, NULL if not given */
	const char *track_group;
	struct tdm_addr brd, peer;
	uint8_t has_brd, has_peer;
	uint8_t no_track, use_vmac, home, nodad, mngtmpaddr, noprefixroute, autojoin;
	int preferred_lft;          /* -1 not given, -2 forever */
	const struct tdm_cnode *node;
};

struct vrrp_vips {
	struct vrrp_vip *v;
	size_t n;
};

/* routes and rules are validated and kept as their item line (the VRRP issue parses them
 * into netlink objects) */
struct vrrp_lines {
	const struct tdm_cnode **v;
	size_t n;
};

struct vrrp_peer {
	struct tdm_addr addr;
	int min_ttl, max_ttl;       /* -1 when not given */
};

struct vrrp_notify {
	const char *cmd;            /* command line as configured (NULL if not set) */
	const char *user, *group;
};

enum vrrp_auth_type { VRRP_AUTH_NONE = 0, VRRP_AUTH_PASS = 1, VRRP_AUTH_AH = 2 };
enum vrrp_want_state { VRRP_WANT_BACKUP = 0, VRRP_WANT_MASTER = 1 };

struct vrrp_instance_conf {
	const char *name;
	const char *interface;      /* NULL when unicast without interface */
	int vrid;                   /* 1..255 */
	int priority;               /* 1..255, default 100 */
	int version;                /* 2 or 3 (resolved: instance, global vrrp_version, family) */
	int family;                 /* AF_INET / AF_INET6 (from the VIPs, or source address) */
	enum vrrp_want_state state;
	uint64_t advert_int_us;     /* default 1 s */
	uint8_t nopreempt, dont_track_primary, smtp_alert, use_vmac, vmac_xmit_base, strict_mode;
	int accept;                 /* -1 default, 0 no_accept, 1 accept */
	uint64_t preempt_delay_us;
	enum vrrp_auth_type auth_type;
	char auth_pass[9];          /* up to 8 bytes, NUL-terminated */
	const char *vmac_name;
	uint8_t vmac_mac[6];        /* use_vmac ... MAC (5 octets: the VRID is the sixth) */
	uint8_t has_vmac_mac;
	int lower_prio_no_advert;   /* -1 default (global vrrp_lower_prio_no_advert, else 0) */
	uint8_t v3_checksum_as_v2;  /* v3 IPv4: send the checksum without the pseudo-header */
	uint8_t check_unicast_src;  /* the instance's own (else global vrrp_check_unicast_src) */
	int skip_check_adv_addr;    /* -1: global vrrp_skip_check_adv_addr */
	int higher_prio_send_advert;        /* -1: global vrrp_higher_prio_send_advert */
	uint8_t track_src_ip;               /* FAULT while the source address is missing */
	uint8_t unicast_fault_no_peer;      /* FAULT when unicast_peer lists no peer */
	uint8_t promote_secondaries;        /* set the interface's promote_secondaries (IPv4) */
	uint64_t kernel_rx_buf_size;        /* the socket's receive buffer, 0 = default */
	struct tdm_addr src_ip;     /* mcast_src_ip / unicast_src_ip */
	uint8_t has_src_ip;
	struct tdm_addr mcast_dst;
	uint8_t has_mcast_dst;
	int unicast_ttl;            /* -1 when not given */
	struct vrrp_peer *peers;    /* unicast_peer */
	size_t npeers;
	struct vrrp_vips vips, evips;
	struct vrrp_lines routes, rules;
	struct vrrp_track_refs track_if, track_script, track_file, track_process;
	struct vrrp_notify notify_master, notify_backup, notify_fault, notify_stop, notify,
	                   notify_deleted, notify_master_rx_lower_pri;
	int garp_master_delay;      /* seconds, -1 = global default */
	int garp_master_repeat, garp_master_refresh, garp_master_refresh_repeat;
	int garp_lower_prio_delay, garp_lower_prio_repeat;
	int down_timer_adverts;     /* -1 default (3) */
	const char *sync_group;     /* name of the sync group it belongs to, or NULL */
	const struct tdm_cnode *node;
	struct vrrp_instance_conf *next;     /* build list (also in vrrp_conf.instances) */
};

struct vrrp_script_conf {
	const char *name;
	const char *script;         /* command line (tokens joined by ' ') */
	uint64_t interval_us, timeout_us;
	int weight;
	uint8_t reverse, init_fail;
	uint8_t removed;            /* no `script`: kept out of use, references warn */
	int rise, fall;
	const char *user, *group;
	const struct tdm_cnode *node;
	struct vrrp_script_conf *next;
};

struct vrrp_sync_group_conf {
	const char *name;
	const char **members;
	size_t nmembers;
	struct vrrp_track_refs track_if, track_script, track_file, track_process;
	struct vrrp_notify notify_master, notify_backup, notify_fault, notify_stop, notify;
	uint8_t smtp_alert, tracking_weight, notify_priority_changes;
	const struct tdm_cnode *node;
	struct vrrp_sync_group_conf *next;
};

/* track_file / vrrp_track_file and vrrp_track_process: names for reference checks */
struct vrrp_named {
	const char *name;
	const struct tdm_cnode *node;
	struct vrrp_named *next;
};

struct vrrp_conf {
	struct vrrp_instance_conf **instances;
	size_t ninstances;
	struct vrrp_script_conf **scripts;
	size_t nscripts;
	struct vrrp_sync_group_conf **groups;
	size_t ngroups;
	struct vrrp_vips static_addrs;
	struct vrrp_lines static_routes, static_rules;
	/* build lists (the arrays above are made from them at the end of the parse) */
	struct vrrp_instance_conf *inst_head, *inst_tail;
	struct vrrp_script_conf *scr_head, *scr_tail;
	struct vrrp_sync_group_conf *grp_head, *grp_tail;
	struct vrrp_named *track_files, *track_processes, *track_groups;
};

/* garp_extra_if [all] SECONDS (also global_defs' vrrp_garp_extra_if) */
int vrrp_conf_chk_garp_extra_if(struct tdm_conf_ctx *ctx, struct tdm_cnode *node);

/* blocks for director/conf_top.c */
extern const struct tdm_block vrrp_conf_instance_block;
extern const struct tdm_block vrrp_conf_script_block;
extern const struct tdm_block vrrp_conf_sync_group_block;
extern const struct tdm_block vrrp_conf_track_file_block;
extern const struct tdm_block vrrp_conf_track_process_block;
extern const struct tdm_block vrrp_conf_garp_group_block;
extern const struct tdm_block vrrp_conf_track_group_block;

/* LIST item validators used by the tables (vrrp/vrrp_conf_items.c) */
int vrrp_conf_item_vip(struct tdm_conf_ctx *ctx, struct tdm_cnode *node);
int vrrp_conf_item_static_addr(struct tdm_conf_ctx *ctx, struct tdm_cnode *node);
int vrrp_conf_item_route(struct tdm_conf_ctx *ctx, struct tdm_cnode *node);
int vrrp_conf_item_rule(struct tdm_conf_ctx *ctx, struct tdm_cnode *node);
int vrrp_conf_item_track_if(struct tdm_conf_ctx *ctx, struct tdm_cnode *node);
int vrrp_conf_item_track_ref(struct tdm_conf_ctx *ctx, struct tdm_cnode *node);
int vrrp_conf_item_track_ref254(struct tdm_conf_ctx *ctx, struct tdm_cnode *node);
int vrrp_conf_item_name(struct tdm_conf_ctx *ctx, struct tdm_cnode *node);
int vrrp_conf_item_peer(struct tdm_conf_ctx *ctx, struct tdm_cnode *node);
int vrrp_conf_item_ifname(struct tdm_conf_ctx *ctx, struct tdm_cnode *node);
int vrrp_conf_item_linkbeat(struct tdm_conf_ctx *ctx, struct tdm_cnode *node);
int vrrp_conf_item_updown(struct tdm_conf_ctx *ctx, struct tdm_cnode *node);
/* parse one VIP-style item into v (0 ok, -1 error already reported) */
int vrrp_conf_parse_vip(struct tdm_conf_ctx *ctx, const struct tdm_cnode *node, int is_static,
                        struct vrrp_vip *v);
/* parse "ADDR[/LEN]" (no reporting); 0 ok */
int vrrp_conf_parse_addr(const char *s, int allow_plen, struct tdm_addr *a);
/* warn when opts->check_interfaces and the interface does not exist */
void vrrp_conf_check_ifname(struct tdm_conf_ctx *ctx, const struct tdm_cnode *node, int argi,
                            const char *name, const char *what);

/* the part's data in cfg, allocated on first use */
struct vrrp_conf *vrrp_conf_get(struct tdm_conf_ctx *ctx);
/* cross checks over all instances/groups/scripts and array building; called by the top
 * block's finish (director/conf_top.c). 0 ok, -1 errors reported. */
int vrrp_conf_finish_all(struct tdm_conf_ctx *ctx, struct tdm_cnode *root);

/* finish callbacks shared by the tables and the builder (vrrp/vrrp_conf_build.c) */
int vrrp_conf_instance_finish(struct tdm_conf_ctx *ctx, struct tdm_cnode *node);
int vrrp_conf_script_finish(struct tdm_conf_ctx *ctx, struct tdm_cnode *node);
int vrrp_conf_sync_group_finish(struct tdm_conf_ctx *ctx, struct tdm_cnode *node);
int vrrp_conf_named_finish(struct tdm_conf_ctx *ctx, struct tdm_cnode *node);


#endif
