/* director/ipvs_msg.h - build and parse IPVS generic netlink messages (family "IPVS",
 * linux/ip_vs.h) with libnl-3 / libnl-genl-3 message APIs and no socket. Builders return
 * a struct nl_msg * (genl header with the caller's family id; port, seq and NLM_F_ACK are
 * left to the sender); parsers read one netlink message (request or kernel reply) and fill
 * the plain-data structs of ipvs_table.h. Malformed input: -1 and a static reason string,
 * never a crash.
 *
 * Wire facts this module owns: service/destination ports and the tunnel port travel in
 * network order; the IPv4 persistence netmask is a be32 mask, IPv6 a prefix length;
 * NEW/SET_SERVICE always carry scheduler, flags ({flags, mask}), timeout and netmask;
 * destination commands carry the service (key only) beside the destination; the sync
 * daemon's port is host order; the kernel answers GET_SERVICE/GET_DEST/GET_DAEMON with
 * NEW_SERVICE/NEW_DEST/NEW_DAEMON entries, GET_INFO with SET_INFO, GET_CONFIG with
 * SET_CONFIG. */
#ifndef TANDEM_DIRECTOR_IPVS_MSG_H
#define TANDEM_DIRECTOR_IPVS_MSG_H

#include <netlink/msg.h>
#include "director/ipvs_diff.h"
#include "director/ipvs_table.h"

struct dir_ipvs_daemon {
	uint32_t state;                  /* IP_VS_STATE_MASTER or IP_VS_STATE_BACKUP */
	char ifname[IP_VS_IFNAME_MAXLEN];
	uint32_t syncid;
	uint16_t maxlen;                 /* sync message payload size; 0: kernel default */
	uint16_t mcast_af;               /* 0: default group 224.0.0.81 */
	union dir_ipvs_addr mcast_group;
	uint16_t mcast_port;             /* host order; 0: default 8848 */
	uint8_t mcast_ttl;               /* 0: default 1 */
};

/* As ipvsadm --set: seconds; 0 leaves that timeout unchanged. */
struct dir_ipvs_timeouts {
	uint32_t tcp, tcp_fin, udp;
};

struct dir_ipvs_info {
	uint32_t version;                /* 0x010201 = 1.2.1 */
	uint32_t conn_tab_size;
};

/* ---- requests ---------------------------------------------------------------------- */

/* Just a genl header: GET_INFO, GET_CONFIG, FLUSH, ZERO (all), and dumps with
 * nlflags NLM_F_DUMP (GET_SERVICE, GET_DAEMON). */
struct nl_msg *dir_ipvs_msg_new(int family, uint8_t cmd, int nlflags);
/* NEW_SERVICE / SET_SERVICE: the full service. DEL_SERVICE, ZERO, GET_SERVICE and GET_DEST
 * (give nlflags NLM_F_DUMP): only the key. */
struct nl_msg *dir_ipvs_msg_svc(int family, uint8_t cmd, int nlflags,
				const struct dir_ipvs_svc *svc);
/* NEW_DEST / SET_DEST: service key + full destination; DEL_DEST: both keys. */
struct nl_msg *dir_ipvs_msg_dest(int family, uint8_t cmd, const struct dir_ipvs_svc *svc,
				 const struct dir_ipvs_dest *dest);
/* NEW_DAEMON: everything set (zeros omitted); DEL_DAEMON: the state only. */
struct nl_msg *dir_ipvs_msg_daemon(int family, uint8_t cmd, const struct dir_ipvs_daemon *d);
/* SET_CONFIG with the three timeouts. */
struct nl_msg *dir_ipvs_msg_timeouts(int family, const struct dir_ipvs_timeouts *t);
/* The message for one diff operation. */
struct nl_msg *dir_ipvs_msg_op(int family, const struct dir_ipvs_op *op);

/* ---- what the kernel sends (fakes, tests, fuzz seeds) ------------------------------ */

/* NEW_SERVICE / NEW_DEST dump entries (NLM_F_MULTI) with stats, stats64 and, for dests,
 * connection counts and address family; SET_INFO; SET_CONFIG (= dir_ipvs_msg_timeouts with
 * cmd SET_CONFIG); NEW_DAEMON entries (= dir_ipvs_msg_daemon). */
struct nl_msg *dir_ipvs_msg_svc_entry(int family, const struct dir_ipvs_svc *svc);
struct nl_msg *dir_ipvs_msg_dest_entry(int family, const struct dir_ipvs_dest *dest);
struct nl_msg *dir_ipvs_msg_info_reply(int family, const struct dir_ipvs_info *info);

/* ---- parsers ------------------------------------------------------------------------ */

/* The genl command of a message whose nlmsg_len fits in len bytes. */
int dir_ipvs_parse_cmd(const struct nlmsghdr *nlh, size_t len, uint8_t *cmd,
		       const char **why);
/* The service nest of any message (requests and NEW_SERVICE entries). Only the key is
 * required; absent attributes read as zero/empty. Clears dests fields of out. */
int dir_ipvs_parse_svc(const struct nlmsghdr *nlh, struct dir_ipvs_svc *out, const char **why);
/* The destination nest. Its family: IPVS_DEST_ATTR_ADDR_FAMILY, else svc_af, else the
 * af of a service nest in the same message. */
int dir_ipvs_parse_dest(const struct nlmsghdr *nlh, uint16_t svc_af, struct dir_ipvs_dest *out,
			const char **why);
int dir_ipvs_parse_daemon(const struct nlmsghdr *nlh, struct dir_ipvs_daemon *out,
			  const char **why);
int dir_ipvs_parse_info(const struct nlmsghdr *nlh, struct dir_ipvs_info *out,
			const char **why);
int dir_ipvs_parse_timeouts(const struct nlmsghdr *nlh, struct dir_ipvs_timeouts *out,
			    const char **why);

/* Reading a stream of kernel replies (what recv() returned): each NEW_SERVICE entry is
 * added to table, each NEW_DEST entry to svc (or, if NULL, to the service added last);
 * SET_INFO, SET_CONFIG and NEW_DAEMON fill the matching fields; NLMSG_ERROR sets error
 * (the positive errno) and error_seq, or counts an ack, and calls on_ack (if set) with the
 * request's sequence number and 0 or the positive errno, so a batch can match acks to its
 * requests; NLMSG_DONE sets done. */
struct dir_ipvs_reply {
	struct dir_ipvs_table *table;
	struct dir_ipvs_svc *svc;
	struct dir_ipvs_info info;
	struct dir_ipvs_timeouts timeouts;
	struct dir_ipvs_daemon daemons[2];
	unsigned ndaemons, nmsgs, nacks;
	bool has_info, has_timeouts, done;
	int error;
	uint32_t error_seq;
	void (*on_ack)(void *arg, uint32_t seq, int error);
	void *ack_arg;
	struct dir_ipvs_svc *last_svc;   /* internal */
};

/* family < 0 accepts any generic netlink type. 0, or -1 with *why at the first bad
 * message (what came before it is kept). */
int dir_ipvs_reply_feed(struct dir_ipvs_reply *r, int family, const void *buf, size_t len,
			const char **why);

#endif
