/* vrrp/vrrp_os.h - the VRRP runtime's access to the operating system as a function table:
 * sending adverts, installing/removing VIPs, gratuitous ARP / unsolicited NA, arming the
 * per-instance FSM timer and reading interface facts. vrrp_os_real() uses the socket, netlink
 * and packet code (vrrp_sock, vrrp_addr, vrrp_garp); vrrp_os_fake() records every call so the
 * unit tests can drive vrrp_inst with injected time and no privileges. Virtual routes and
 * rules go through it too (vrrp_route). */
#ifndef VRRP_OS_H
#define VRRP_OS_H

#include <stddef.h>
#include <stdint.h>
#include "vrrp/vrrp_pkt.h"

struct vrrp_inst;
struct vrrp_vip;
struct tdm_cnode;

/* what an instance needs to know about its interface */
struct vrrp_os_ifinfo {
	int ifindex;                /* 0 = not found */
	int up;                     /* IFF_UP and IFF_RUNNING */
	uint8_t mac[6];
	uint8_t has_v4, has_ll6;
	struct in_addr v4;          /* first IPv4 address (primary) */
	struct in6_addr ll6;        /* usable (non-tentative) IPv6 link-local address */
};

struct vrrp_os {
	void *arg;
	/* send one advert (bytes from vrrp_pkt_build) to dst; 0 ok, -1 error (errno) */
	int (*send)(void *arg, struct vrrp_inst *vi, const uint8_t *buf, size_t len,
	            const union vrrp_pkt_ip *src, const union vrrp_pkt_ip *dst);
	/* install (add=1) or remove one VIP on ifindex; 0 ok (already there / already gone
	 * count as ok), -1 error */
	int (*vip)(void *arg, struct vrrp_inst *vi, int add, const struct vrrp_vip *v, int ifindex);
	/* add or remove one virtual_routes (is_rule 0) or virtual_rules (is_rule 1) line */
	int (*route)(void *arg, struct vrrp_inst *vi, int add, const struct tdm_cnode *line,
	             int is_rule);
	/* one gratuitous ARP (IPv4) or unsolicited NA (IPv6) for the VIP, on its own dev when
	 * it has one, else on ifindex (the instance's interface) */
	int (*garp)(void *arg, struct vrrp_inst *vi, const struct vrrp_vip *v, int ifindex);
	/* arm the instance's FSM timer at an absolute CLOCK_MONOTONIC deadline (ns);
	 * UINT64_MAX = disarm */
	void (*arm)(void *arg, struct vrrp_inst *vi, uint64_t at);
	/* arm the GARP pacing timer (relative, ns); 0 = disarm */
	void (*arm_garp)(void *arg, struct vrrp_inst *vi, uint64_t after_ns);
	/* interface facts by name; 0 ok (info->ifindex 0 when absent) */
	int (*ifinfo)(void *arg, const char *ifname, struct vrrp_os_ifinfo *info);
};

/* the real table: raw sockets (vi->fd), libnl-route-3, AF_PACKET / ICMPv6 announcements,
 * timerfds (vi->tfd absolute CLOCK_MONOTONIC, vi->garp_tfd relative), getifaddrs() */
struct nl_sock;
struct vrrp_os_sys {
	struct vrrp_os ops;         /* ops.arg points back here */
	struct nl_sock *nl;
	int arp_fd, na_fd;          /* see vrrp_garp.h */
};

/* 0 ok, -1 no netlink socket (logged) */
int vrrp_os_sys_open(struct vrrp_os_sys *s);
void vrrp_os_sys_close(struct vrrp_os_sys *s);

/* ---- recording fake for unit tests ---- */
enum vrrp_os_call { VRRP_OS_SEND = 1, VRRP_OS_VIP_ADD, VRRP_OS_VIP_DEL, VRRP_OS_GARP,
                    VRRP_OS_ARM, VRRP_OS_ARM_GARP, VRRP_OS_ROUTE_ADD, VRRP_OS_ROUTE_DEL };

struct vrrp_os_rec {
	enum vrrp_os_call call;
	uint64_t at;                /* ARM: deadline; ARM_GARP: delay; ROUTE_*: 1 for a rule */
	const struct tdm_cnode *line;   /* ROUTE_*: the config line */
	union vrrp_pkt_ip addr;     /* SEND: dst; VIP_*: the VIP; GARP: the address */
	uint8_t pkt[VRRP_PKT_MAX_LEN];
	size_t len;                 /* SEND: packet length */
};

#define VRRP_OS_FAKE_MAX 256

struct vrrp_os_fake {
	struct vrrp_os ops;         /* points back at this struct through ops.arg */
	struct vrrp_os_rec rec[VRRP_OS_FAKE_MAX];
	size_t n;                   /* records (the oldest are overwritten past the max: n keeps
	                               counting, rec[n % MAX]) */
	struct vrrp_os_ifinfo ifinfo;
	int fail_send, fail_vip;    /* make those calls fail */
	uint64_t armed_at;          /* last FSM deadline armed */
	uint64_t garp_after;        /* last GARP delay armed */
	int vips_present;           /* VIP_ADD - VIP_DEL successes */
};

void vrrp_os_fake_init(struct vrrp_os_fake *f);
/* number of records of one kind since index `from` */
size_t vrrp_os_fake_count(const struct vrrp_os_fake *f, enum vrrp_os_call call, size_t from);
/* the last record of one kind, or NULL */
const struct vrrp_os_rec *vrrp_os_fake_last(const struct vrrp_os_fake *f, enum vrrp_os_call call);

#endif
