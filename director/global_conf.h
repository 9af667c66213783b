/* director/global_conf.h - the global_defs block: its keyword table and the plain-data
 * struct tdm_global_conf (tdm_config.global) built from it, plus the settings that keepalived
 * takes at the top level (net_namespace, instance, use_pid_dir, ...). */
#ifndef TDM_GLOBAL_CONF_H
#define TDM_GLOBAL_CONF_H

#include <stdint.h>
#include "lib/conf.h"

struct tdm_script_ref {
	const char *cmd;            /* NULL when not configured */
	const char *user, *group;
};

struct tdm_global_conf {
	const char *router_id;
	/* tandem's own */
	const char *control_socket;         /* path; NULL = default or --control */
	const char *control_socket_group;   /* group allowed on the control socket */
	const char *metrics_listen;         /* "ADDR:PORT" of the Prometheus endpoint, NULL = off */
	/* notification */
	const char **notification_email;
	size_t n_notification_email;
	const char *notification_email_from;
	const char *smtp_server;            /* host or address */
	int smtp_port;                      /* default 25 */
	const char *smtp_helo_name;
	int smtp_connect_timeout;           /* seconds, default 30 */
	int smtp_alert, smtp_alert_vrrp, smtp_alert_checker;   /* -1 unset */
	struct tdm_script_ref notify_fifo, notify_fifo_script;
	struct tdm_script_ref vrrp_notify_fifo, vrrp_notify_fifo_script;
	struct tdm_script_ref lvs_notify_fifo, lvs_notify_fifo_script;
	struct tdm_script_ref startup_script, shutdown_script;
	int startup_script_timeout, shutdown_script_timeout;   /* seconds, default 10 */
	const char *script_user, *script_group;
	uint8_t enable_script_security;
	/* processes */
	int vrrp_priority, checker_priority;            /* nice, 0 default */
	int vrrp_rt_priority, checker_rt_priority;      /* 0 = not real-time */
	uint8_t vrrp_no_swap, checker_no_swap;
	/* VRRP defaults */
	int vrrp_version;                   /* 0 = default (2) */
	uint8_t vrrp_strict, vrrp_check_unicast_src, vrrp_skip_check_adv_addr;
	struct tdm_addr vrrp_mcast_group4, vrrp_mcast_group6;
	uint8_t has_mcast_group4, has_mcast_group6;
	const char *default_interface;
	uint64_t vrrp_startup_delay_us;
	/* LVS */
	uint8_t lvs_flush, lvs_flush_on_stop;
	/* top level (outside global_defs) */
	const char *net_namespace, *net_namespace_ipvs, *instance;
	uint8_t use_pid_dir;
	const struct tdm_cnode *node;       /* the global_defs block, NULL if absent */
};

extern const struct tdm_block tdm_global_defs_block;

/* finish of the global_defs block */
int tdm_global_conf_finish(struct tdm_conf_ctx *ctx, struct tdm_cnode *node);
/* the struct (allocated on first use, defaults filled) */
struct tdm_global_conf *tdm_global_conf_get(struct tdm_conf_ctx *ctx);
/* top-level keywords that belong to the global settings (net_namespace, instance, ...) */
void tdm_global_conf_top(struct tdm_conf_ctx *ctx, const struct tdm_cnode *root);

#endif
