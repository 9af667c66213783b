/* healthcheck/check_conf.h - the check part's config: keyword tables of virtual_server_group,
 * virtual_server, real_server, every checker block and the SSL block, and the plain-data struct
 * check_conf built from them (tdm_config.check). Nothing here holds runtime state. */
#ifndef CHECK_CONF_H
#define CHECK_CONF_H

#include <stddef.h>
#include <stdint.h>
#include "lib/conf.h"

enum check_kind {
	CHECK_TCP = 0, CHECK_HTTP, CHECK_SSL, CHECK_SMTP, CHECK_DNS, CHECK_UDP, CHECK_PING,
	CHECK_MISC, CHECK_FILE, CHECK__N
};

/* FNAT: NAT in IPVS plus source NAT of the director (nftables, director/ipvs_fnat.c) */
enum check_method { CHECK_FWD_DEFAULT = -1, CHECK_FWD_NAT = 0, CHECK_FWD_DR, CHECK_FWD_TUN,
	CHECK_FWD_FNAT };

struct check_fwd {
	int method;                 /* enum check_method */
	int tun_type;               /* 0 ipip, 1 gue, 2 gre */
	int tun_port;               /* gue */
	int tun_csum;               /* 0 default, 1 nocsum, 2 csum, 3 remcsum */
};

/* connection and timing settings: virtual server -> real server -> checker inheritance
 * (-1 / 0 = not set here) */
struct check_timing {
	int64_t connect_timeout_us, delay_before_retry_us, warmup_us, delay_loop_us;
	int retry;
	int alpha;
};

struct check_url {
	const char *path, *digest, *virtualhost, *regex;
	uint8_t regex_no_match;
	/* status_code ranges (empty = 200-299) */
	struct { int lo, hi; } *status;
	size_t nstatus;
};

struct check_checker_conf {
	enum check_kind kind;
	int index;                  /* among the real server's checkers of this kind */
	struct check_timing t;
	struct tdm_addr connect_ip, bindto;
	uint8_t has_connect_ip, has_bindto;
	int connect_port, bind_port;        /* -1 = default */
	const char *bind_if;
	long long fwmark;           /* -1 = none */
	int log_all_failures;       /* -1 unset */
	const struct tdm_cnode *node;
	union {                     /* by kind (each keyword exists only in its checker) */
		struct {            /* HTTP_GET / SSL_GET */
			struct check_url *urls;
			size_t nurls;
			const char *http_protocol, *virtualhost;
			uint8_t enable_sni, fast_recovery;
			uint8_t reuse;      /* reuse_connection: HTTP/1.1 keep-alive between checks */
		} http;
		struct {            /* SMTP_CHECK */
			const char *helo_name;
		} smtp;
		struct {            /* DNS_CHECK */
			const char *type, *name;
		} dns;
		struct {            /* MISC_CHECK */
			const char *path, *user, *group;
			uint64_t timeout_us;
			uint8_t dynamic;
		} misc;
		struct {            /* UDP_CHECK */
			const char *payload, *require_reply;
			uint8_t has_require_reply;
			int min_reply_length, max_reply_length;
		} udp;
		struct {            /* FILE_CHECK */
			const char *track_file;
			uint8_t dynamic, reverse;
			long long weight;
		} file;
	} u;
};

struct check_rs_conf {
	struct tdm_addr addr;
	int port;                   /* 0 when not given */
	int weight;                 /* default: the virtual server's weight (1) */
	uint8_t weight_set;         /* weight given in the real_server block */
	struct check_fwd fwd;
	int inhibit_on_failure;     /* -1 = the virtual server's */
	const char *notify_up, *notify_down, *virtualhost, *snmp_name;
	long long uthreshold, lthreshold;  /* -1 unset */
	int smtp_alert;             /* -1 unset */
	struct check_timing t;
	struct check_checker_conf **checkers;
	size_t ncheckers;
	const struct tdm_cnode *node;
};

enum check_vs_type { CHECK_VS_ADDR = 0, CHECK_VS_FWMARK, CHECK_VS_GROUP };

struct check_vs_conf {
	enum check_vs_type type;
	struct tdm_addr addr;
	int port;                   /* 0 when not given */
	long long fwmark;
	const char *group;
	int protocol;               /* IPPROTO_TCP / UDP / SCTP; default UDP (as keepalived) */
	int family;                 /* AF_INET / AF_INET6 (ip_family for fwmarks) */
	const char *sched;          /* default "wlc" */
	unsigned sched_flags;       /* bit 0..2 flag-1..3 (sh-port = flag-2, sh-fallback = flag-1,
	                             * mh-port = flag-2, mh-fallback = flag-1), bit 3 ops */
	struct check_fwd fwd;
	long long persistence_timeout;      /* 0 = not persistent */
	const char *persistence_granularity, *persistence_engine;
	int quorum, hysteresis;
	int weight;                 /* default weight of its real servers (1) */
	uint8_t alpha, omega, ha_suspend, inhibit_on_failure, sorry_inhibit;
	int smtp_alert;
	const char *quorum_up, *quorum_down, *virtualhost, *snmp_name;
	struct tdm_addr sorry_addr;
	int sorry_port;
	uint8_t has_sorry;
	struct check_fwd sorry_fwd;
	struct check_timing t;
	struct check_rs_conf **rs;
	size_t nrs;
	const char *id;             /* "tcp 10.0.0.1:80", "fwmark 5", "udp group NAME" */
	const struct tdm_cnode *node;
	struct check_vs_conf *next;
};

struct check_vsg_entry {
	int is_fwmark;
	struct tdm_addr lo, hi;     /* address range (lo == hi for one address) */
	int port;
	long long fwmark;
	int family;                 /* fwmark: 0 unless inet/inet6 given */
};

struct check_vsg_conf {
	const char *name;
	struct check_vsg_entry *v;
	size_t n;
	const struct tdm_cnode *node;
	struct check_vsg_conf *next;
};

struct check_ssl_conf {
	const char *password, *ca, *certificate, *key;
	uint8_t set;
};

struct check_conf {
	struct check_vs_conf **vs;
	size_t nvs;
	struct check_vsg_conf **vsg;
	size_t nvsg;
	struct check_ssl_conf ssl;
	/* build lists */
	struct check_vs_conf *vs_head, *vs_tail;
	struct check_vsg_conf *vsg_head, *vsg_tail;
};

extern const struct tdm_block check_conf_vs_block;
extern const struct tdm_block check_conf_vsg_block;
extern const struct tdm_block check_conf_ssl_block;

extern const char *const check_kind_names[CHECK__N];

struct check_conf *check_conf_get(struct tdm_conf_ctx *ctx);
/* finish callbacks (check_conf_build.c) */
int check_conf_vs_finish(struct tdm_conf_ctx *ctx, struct tdm_cnode *node);
int check_conf_vsg_finish(struct tdm_conf_ctx *ctx, struct tdm_cnode *node);
int check_conf_ssl_finish(struct tdm_conf_ctx *ctx, struct tdm_cnode *node);
const char *check_conf_vs_ident(struct tdm_conf_ctx *ctx, const struct tdm_cnode *node);
const char *check_conf_rs_ident(struct tdm_conf_ctx *ctx, const struct tdm_cnode *node);
const char *check_conf_checker_ident(struct tdm_conf_ctx *ctx, const struct tdm_cnode *node);
/* lvs_method / lb_kind / sorry_server_lvs_method argument check and parse */
int check_conf_fwd_check(struct tdm_conf_ctx *ctx, struct tdm_cnode *node);
int check_conf_parse_fwd(const struct tdm_cnode *node, struct check_fwd *f);
/* a virtual_server_group line: "ADDR[-END|/LEN] [PORT]" or "fwmark N [inet|inet6]" */
int check_conf_vsg_line(struct tdm_conf_ctx *ctx, struct tdm_cnode *node);
int check_conf_parse_vsg_line(const struct tdm_cnode *node, struct check_vsg_entry *e);
/* "ADDR[-END|/LEN]" and optional port: 0 ok, -1 bad address, -2 bad port */
int check_conf_parse_target(const char *addr, const char *port, struct check_vsg_entry *e);
/* argument check of `virtual_server` (used by the top table) */
int check_conf_vs_args(struct tdm_conf_ctx *ctx, struct tdm_cnode *n);
/* one real_server block -> struct (check_conf_build.c) */
struct check_rs_conf *check_conf_build_rs(struct tdm_conf_ctx *ctx, const struct tdm_cnode *n);
/* 1 when c is a host block of an SMTP_CHECK (keepalived's several servers per SMTP_CHECK),
 * which check_conf_build_rs makes a check of its own */
int check_conf_is_smtp_host(const struct tdm_cnode *c);
/* whole-config checks: duplicate virtual servers, group references; from the top finish */
int check_conf_finish_all(struct tdm_conf_ctx *ctx, struct tdm_cnode *root);

#endif
