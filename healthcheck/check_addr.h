/* healthcheck/check_addr.h - the local addresses of the director, as the check child needs them
 * for ha_suspend: a netlink route socket subscribed to the IPv4/IPv6 address groups; every
 * notification re-reads the whole address list (RTM_GETADDR dump) and calls the owner back.
 * Internal to healthcheck/. */
#ifndef CHECK_ADDR_H
#define CHECK_ADDR_H

#include <ev.h>
#include "healthcheck/check_conf.h"

struct check_addr;

/* cb runs after every re-read of the address list (not from inside _new: the first list is
 * read there). NULL on error (errno). */
struct check_addr *check_addr_new(struct ev_loop *loop, void (*cb)(void *arg), void *arg);
void check_addr_free(struct check_addr *a);
/* 1 when family/addr (4 or 16 bytes) is configured on an interface */
int check_addr_has(const struct check_addr *a, int family, const void *addr);
/* 1 when the virtual server's address (a group: any address of its address entries) is
 * configured here; a fwmark service, or a group without address entries, counts as present */
int check_addr_vs_local(const struct check_addr *a, const struct check_conf *cc,
                        const struct check_vs_conf *vs);
/* number of addresses read (tests, logs) */
size_t check_addr_count(const struct check_addr *a);

#endif
