/* director/ipvs_table.h - plain-data IPVS tables (the desired table built from config and
 * the kernel table read back by a dump): services keyed by (af, protocol, addr, port) or
 * (af, fwmark), destinations keyed by (af, addr, port) within a service, hashed so that
 * 100,000+ destinations stay O(1) per lookup. Also the names of schedulers, scheduler
 * flags, forwarding methods, tunnel types and protocols.
 *
 * No I/O, no globals. Pointers returned by the add/find functions stay valid until the next
 * add or delete on the same container (a service's destinations move when its array grows;
 * services themselves are allocated one by one and never move). */
#ifndef TANDEM_DIRECTOR_IPVS_TABLE_H
#define TANDEM_DIRECTOR_IPVS_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <linux/ip_vs.h>

/* The mh scheduler reuses the first two scheduler flag bits (ip_vs.h names only sh's). */
#define DIR_IPVS_SVC_F_MH_FALLBACK IP_VS_SVC_F_SCHED1
#define DIR_IPVS_SVC_F_MH_PORT     IP_VS_SVC_F_SCHED2
/* Service flags tandem sets and compares; IP_VS_SVC_F_HASHED is kernel-internal. */
#define DIR_IPVS_SVC_F_USER (IP_VS_SVC_F_PERSISTENT | IP_VS_SVC_F_ONEPACKET | \
			     IP_VS_SVC_F_SCHED1 | IP_VS_SVC_F_SCHED2 | IP_VS_SVC_F_SCHED3)

/* An IPv4 or IPv6 address as the kernel holds it (union nf_inet_addr): IPv4 in the first
 * four bytes, the rest zero. */
union dir_ipvs_addr {
	struct in_addr v4;
	struct in6_addr v6;
	uint8_t b[16];
	uint32_t w[4];
};

struct dir_ipvs_svc_key {
	uint16_t af;              /* AF_INET or AF_INET6 */
	uint16_t protocol;        /* IPPROTO_TCP/UDP/SCTP; 0 for fwmark services */
	uint32_t fwmark;          /* non-zero: a fwmark service (addr/port/protocol unused) */
	union dir_ipvs_addr addr;
	uint16_t port;            /* host order (the wire carries network order) */
};

struct dir_ipvs_dest_key {
	uint16_t af;              /* address family of the real server */
	union dir_ipvs_addr addr;
	uint16_t port;            /* host order */
};

/* Counters and rates; 64-bit whatever the kernel sent (STATS64 preferred over STATS). */
struct dir_ipvs_stats {
	uint64_t conns, inpkts, outpkts, inbytes, outbytes;
	uint64_t cps, inpps, outpps, inbps, outbps;
};

struct dir_ipvs_dest {
	struct dir_ipvs_dest_key key;
	uint32_t fwd;             /* IP_VS_CONN_F_MASQ / LOCALNODE / TUNNEL / DROUTE */
	int32_t weight;
	uint32_t u_thresh, l_thresh;
	uint8_t tun_type;         /* IP_VS_CONN_F_TUNNEL_TYPE_* (TUN only) */
	uint16_t tun_port;        /* host order (gue) */
	uint16_t tun_flags;       /* IP_VS_TUNNEL_ENCAP_FLAG_* */
	/* tandem's own, never on the wire and never compared: FULLNAT (fwd is MASQ and the
	 * director source-NATs the traffic to this destination, director/ipvs_fnat.h) */
	bool fnat;
	/* read back only (never compared, never sent) */
	uint32_t active_conns, inact_conns, persist_conns;
	bool has_stats;
	struct dir_ipvs_stats stats;
	uint32_t tag;             /* caller's cookie (config object id); not on the wire */
};

struct dir_ipvs_svc {
	struct dir_ipvs_svc_key key;
	char sched[IP_VS_SCHEDNAME_MAXLEN];
	char pe[IP_VS_PENAME_MAXLEN];     /* persistence engine ("sip") or "" */
	uint32_t flags;           /* IP_VS_SVC_F_*, without IP_VS_SVC_F_HASHED */
	uint32_t timeout;         /* persistence timeout, seconds */
	/* Wire form of the persistence netmask: IPv4 a be32 mask (network byte order, as
	 * stored in memory), IPv6 a prefix length 1..128. dir_ipvs_netmask() makes one. */
	uint32_t netmask;
	/* tandem's own (not on the wire, not compared): FULLNAT source address (fnat_source);
	 * without it the FNAT destinations are masqueraded */
	bool has_fnat_src;
	union dir_ipvs_addr fnat_src;
	bool has_stats;
	struct dir_ipvs_stats stats;
	uint32_t tag;             /* caller's cookie; not on the wire */
	/* destinations: dense array + open-addressing index (slot = array index + 1) */
	struct dir_ipvs_dest *dests;
	size_t ndests, dests_cap;
	uint32_t *dslot;
	size_t dslot_cap;         /* power of two, or 0 */
};

struct dir_ipvs_table {
	struct dir_ipvs_svc **svcs;
	size_t nsvcs, svcs_cap;
	uint32_t *sslot;
	size_t sslot_cap;
};

void dir_ipvs_table_init(struct dir_ipvs_table *t);
void dir_ipvs_table_free(struct dir_ipvs_table *t);
/* Deep copy (dests and indexes too). 0 or -1 (out of memory, dst left empty). */
int dir_ipvs_table_copy(struct dir_ipvs_table *dst, const struct dir_ipvs_table *src);
size_t dir_ipvs_table_ndests(const struct dir_ipvs_table *t);

/* Keys: fill unused fields with zeros so equal keys compare and hash equal. */
void dir_ipvs_svc_key_inet(struct dir_ipvs_svc_key *k, int af, int protocol,
			   const void *addr, uint16_t port);
void dir_ipvs_svc_key_fwmark(struct dir_ipvs_svc_key *k, int af, uint32_t fwmark);
void dir_ipvs_dest_key_set(struct dir_ipvs_dest_key *k, int af, const void *addr,
			   uint16_t port);
bool dir_ipvs_svc_key_eq(const struct dir_ipvs_svc_key *a, const struct dir_ipvs_svc_key *b);
bool dir_ipvs_dest_key_eq(const struct dir_ipvs_dest_key *a,
			  const struct dir_ipvs_dest_key *b);

/* Add a copy of *s (its dests fields are ignored: the copy starts empty). NULL if the key
 * exists already (then *dup, if given, points at the existing one) or out of memory. */
struct dir_ipvs_svc *dir_ipvs_svc_add(struct dir_ipvs_table *t, const struct dir_ipvs_svc *s,
				      struct dir_ipvs_svc **dup);
struct dir_ipvs_svc *dir_ipvs_svc_find(const struct dir_ipvs_table *t,
				       const struct dir_ipvs_svc_key *k);
/* Remove a service and its destinations. 0, or -1 if absent. */
int dir_ipvs_svc_del(struct dir_ipvs_table *t, const struct dir_ipvs_svc_key *k);

struct dir_ipvs_dest *dir_ipvs_dest_add(struct dir_ipvs_svc *s, const struct dir_ipvs_dest *d,
					struct dir_ipvs_dest **dup);
struct dir_ipvs_dest *dir_ipvs_dest_find(const struct dir_ipvs_svc *s,
					 const struct dir_ipvs_dest_key *k);
int dir_ipvs_dest_del(struct dir_ipvs_svc *s, const struct dir_ipvs_dest_key *k);

/* What SET_SERVICE / SET_DEST can change (keys and read-back fields are not compared).
 * Tunnel type/port/flags count only for TUN destinations. */
bool dir_ipvs_svc_attrs_eq(const struct dir_ipvs_svc *a, const struct dir_ipvs_svc *b);
bool dir_ipvs_dest_attrs_eq(const struct dir_ipvs_dest *a, const struct dir_ipvs_dest *b);
/* Copy the settable attributes of src into dst (keys, stats, tags and dests untouched). */
void dir_ipvs_svc_attrs_copy(struct dir_ipvs_svc *dst, const struct dir_ipvs_svc *src);
void dir_ipvs_dest_attrs_copy(struct dir_ipvs_dest *dst, const struct dir_ipvs_dest *src);

/* The kernel's rules for what NEW/SET accept, checked before sending so that a refusal
 * names the config object instead of coming back as a bare errno: 0, or -1 with a static
 * reason. Service: family, protocol, a known scheduler, scheduler flags that scheduler
 * understands, the IPv6 prefix length 1..128, a contiguous IPv4 mask. Destination (in svc):
 * weight >= 0 (ERANGE), l_thresh <= u_thresh (ERANGE), a known forwarding method, a family
 * other than the service's only for TUN (EINVAL), a tunnel type the kernel knows and a port
 * for gue (EINVAL), a unicast address (EINVAL: not 0.0.0.0, multicast, broadcast, ::,
 * IPv6 multicast or link-local). */
int dir_ipvs_svc_check(const struct dir_ipvs_svc *s, const char **why);
int dir_ipvs_dest_check(const struct dir_ipvs_svc *s, const struct dir_ipvs_dest *d,
			const char **why);

/* Wire netmask for a prefix length: IPv4 -> be32 mask, IPv6 -> the length itself. -1 if
 * out of range (IPv4 0..32, IPv6 1..128). */
int dir_ipvs_netmask(int af, unsigned plen, uint32_t *out);

/* Keys for people, as ipvsadm -Ln shows them: "TCP 10.0.0.1:80", "UDP [2001:db8::1]:53",
 * "FWM 7", "FWM 7 IPv6"; destinations "10.0.1.1:80", "[fd00::1]:80". Always
 * NUL-terminated (truncated if len is short). DIR_IPVS_KEY_STRLEN is always enough. */
#define DIR_IPVS_KEY_STRLEN 64
void dir_ipvs_svc_key_str(const struct dir_ipvs_svc_key *k, char *buf, size_t len);
void dir_ipvs_dest_key_str(const struct dir_ipvs_dest_key *k, char *buf, size_t len);

/* Names. Each returns 0 or -1 (unknown). */
bool dir_ipvs_sched_known(const char *name);   /* rr wrr lc wlc lblc lblcr dh sh sed nq fo
						  ovf mh twos */
/* Scheduler flag by name for a scheduler: sh-fallback/sh-port (sh), mh-fallback/mh-port
 * (mh), flag-1/flag-2/flag-3 (any). -1 if unknown or not valid with that scheduler. */
int dir_ipvs_sched_flag(const char *sched, const char *flag, uint32_t *bit);
/* "sh-fallback,sh-port" etc. for the scheduler bits set in flags; "" if none. */
void dir_ipvs_sched_flags_str(const char *sched, uint32_t flags, char *buf, size_t len);
int dir_ipvs_fwd_from_name(const char *name, uint32_t *fwd);  /* NAT DR TUN LOCAL (any case) */
const char *dir_ipvs_fwd_name(uint32_t fwd);                  /* "NAT" "DR" "TUN" "LOCAL" "?" */
int dir_ipvs_tun_from_name(const char *name, uint8_t *type);  /* ipip gue gre */
const char *dir_ipvs_tun_name(uint8_t type);
int dir_ipvs_proto_from_name(const char *name, uint16_t *proto); /* tcp udp sctp */
const char *dir_ipvs_proto_name(uint16_t proto);

#endif
