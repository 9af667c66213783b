/* director/ipvs_fnat.h - FULLNAT (lb_kind FNAT): IPVS forwards with NAT (MASQ) and the
 * director also source-NATs that traffic to its own address, so the real servers answer the
 * director and need no route back through it. The source NAT lives in tandem's own nftables
 * table (`table inet tandem_fnat`, one postrouting nat chain), which tandem replaces as a
 * whole in one transaction and touches nothing else.
 *
 * With net.ipv4.vs.conntrack=1, a packet IPVS has NATed to a real server leaves through
 * LOCAL_OUT/POSTROUTING with its conntrack entry still unconfirmed; the entry's original
 * tuple still says client -> VIP:port while the packet now goes to RS:rport. The rules match
 * exactly that (ct original daddr/proto-dst = the service, daddr . dport = one of its FNAT
 * real servers; a fwmark service by meta mark) and snat to fnat_source, or masquerade.
 *
 * This file is pure (text from a table); ipvs_fnat_nft.c runs it through libnftables. */
#ifndef TANDEM_DIRECTOR_IPVS_FNAT_H
#define TANDEM_DIRECTOR_IPVS_FNAT_H

#include <stddef.h>
#include "director/ipvs_table.h"

#define DIR_IPVS_FNAT_TABLE "tandem_fnat"       /* family inet */
#define DIR_IPVS_FNAT_CHAIN "postrouting"

/* The chain's rules for the FNAT destinations of t, one rule per (service, action), with
 * the destinations in an anonymous set; "" when t has none. *nrules counts the rules
 * (may be NULL). malloc'd; NULL when out of memory. */
char *dir_ipvs_fnat_rules(const struct dir_ipvs_table *t, size_t *nrules);
/* The nft script that makes tandem's table hold exactly these rules (atomic: add, delete,
 * define); rules "" gives the script that removes the table (a no-op when absent).
 * malloc'd; NULL when out of memory. */
char *dir_ipvs_fnat_script(const char *rules);
/* 1 if t has an FNAT destination */
int dir_ipvs_fnat_any(const struct dir_ipvs_table *t);

/* The kernel side, behind the io seam (struct dir_ipvs_io in ipvs_nl.h): */
/* run an nft script in one transaction: 0, or -1 with nft's message in err */
int dir_ipvs_fnat_nft_run(const char *script, char *err, size_t errlen);
/* net.ipv4.vs.conntrack of this network namespace: the value (0/1), after writing 1 first
 * when set is non-zero; -errno when it cannot be read (no IPVS) or written */
int dir_ipvs_fnat_conntrack(int set);
#define DIR_IPVS_CONNTRACK_SYSCTL "/proc/sys/net/ipv4/vs/conntrack"

#endif
