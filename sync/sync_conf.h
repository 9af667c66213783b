/* sync/sync_conf.h - the sync part's config: global_defs `lvs_sync_daemon` (keepalived's
 * kernel sync daemon driven by a VRRP instance's role) and tandem's `sync_relay` block (an
 * authenticated, acknowledged relay of IPVS sync messages). Plain data, tdm_config.sync. */
#ifndef SYNC_CONF_H
#define SYNC_CONF_H

#include <stdint.h>
#include "lib/conf.h"

struct sync_lvs_daemon_conf {
	uint8_t set;
	const char *ifname;
	const char *instance;       /* VRRP instance (or sync group) whose role it follows; NULL =
	                             * run master and backup threads all the time */
	int syncid;                 /* -1 = the instance's VRID (or 0) */
	int maxlen;                 /* 0 = kernel default */
	int port;                   /* 0 = 8848 */
	int ttl;                    /* 0 = kernel default */
	struct tdm_addr group;
	uint8_t has_group;
	const struct tdm_cnode *node;
};

struct sync_relay_conf {
	uint8_t set;
	const char *instance;       /* VRRP instance or sync group */
	const char *interface;      /* where the peers are reached */
	const char *local_interface;/* where the kernel threads send/receive (default lo) */
	struct tdm_addr *peers;
	size_t npeers;
	struct tdm_addr group;      /* multicast group instead of peers */
	uint8_t has_group;
	int port;                   /* default 8849 */
	const char *auth_key;       /* exactly one of auth_key / auth_key_file */
	const char *auth_key_file;
	uint32_t sender_id;         /* 0 = derived from the host */
	int syncid;                 /* -1 = as lvs_sync_daemon / the VRID */
	int ttl;                    /* default 1 (multicast), 64 (unicast) */
	int resend_queue;           /* frames kept for resending, default 4096 */
	int replay_window;          /* default 1024 */
	uint64_t ack_interval_us, resend_timeout_us;
	int max_frame_size;         /* bytes, default 1400 */
	int resync_rate;            /* entries per second during bulk resync, 0 = unlimited */
	int resync_mirror;          /* entries kept for resyncs (default 2000000), 0 = read
	                             * /proc/net/ip_vs_conn_sync for each resync */
	const struct tdm_cnode *node;
};

struct sync_conf {
	struct sync_lvs_daemon_conf lvs;
	struct sync_relay_conf relay;
};

extern const struct tdm_block sync_conf_relay_block;

/* lvs_sync_daemon in global_defs: argument check (keyword table callback) and builder */
int sync_conf_lvs_sync_daemon_check(struct tdm_conf_ctx *ctx, struct tdm_cnode *node);
void sync_conf_lvs_sync_daemon_build(struct tdm_conf_ctx *ctx, const struct tdm_cnode *node);
struct sync_conf *sync_conf_get(struct tdm_conf_ctx *ctx);
/* cross checks once the VRRP part is built (instance names); from the top finish */
int sync_conf_finish_all(struct tdm_conf_ctx *ctx, struct tdm_cnode *root);

#endif
