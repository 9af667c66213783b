/* healthcheck/check_addr.c - the director's local addresses for ha_suspend (check_addr.h), on
 * libnl-route-3: one socket subscribed to RTNLGRP_IPV4_IFADDR / RTNLGRP_IPV6_IFADDR on the loop,
 * a second one for address dumps (rtnl_addr_alloc_cache). A notification is only a trigger: the
 * whole list is read again (sorted, looked up by binary search), so no add/remove counting can
 * drift. */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <linux/rtnetlink.h>
#include "healthcheck/check_addr.h"
#include "lib/log.h"

#define DRAIN_MAX 256                   /* bound on the notification reads of one wake-up */

struct laddr {
	uint8_t family;
	uint8_t a[16];
};

struct check_addr {
	struct ev_loop *loop;
	ev_io io;
	struct nl_sock *mon, *dump;
	struct laddr *v;
	size_t n;
	void (*cb)(void *arg);
	void *arg;
};

static int laddr_cmp(const void *pa, const void *pb)
{
	const struct laddr *a = pa, *b = pb;

	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->a, b->a, sizeof(a->a));
}

/* read the whole address list: 0 / -1 (the old list stays). libnl gives each address's local
 * address (IFA_LOCAL, or IFA_ADDRESS where there is no IFA_LOCAL, as for IPv6). */
static int reread(struct check_addr *a)
{
	struct nl_cache *cache = NULL;
	struct laddr *v = NULL;
	size_t n = 0;
	int rc;

	if ((rc = rtnl_addr_alloc_cache(a->dump, &cache)) < 0) {
		errno = EIO;
		tdm_log_debug("ha_suspend: address dump: %s", nl_geterror(rc));
		return -1;
	}
	if (nl_cache_nitems(cache) && !(v = calloc((size_t)nl_cache_nitems(cache), sizeof(*v)))) {
		nl_cache_free(cache);
		return -1;
	}
	for (struct nl_object *o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		struct nl_addr *l = rtnl_addr_get_local((struct rtnl_addr *)o);
		int fam = l ? nl_addr_get_family(l) : AF_UNSPEC;
		size_t alen = fam == AF_INET ? 4 : 16;

		if ((fam != AF_INET && fam != AF_INET6) || nl_addr_get_len(l) < alen)
			continue;
		v[n].family = (uint8_t)fam;
		memcpy(v[n++].a, nl_addr_get_binary_addr(l), alen);
	}
	nl_cache_free(cache);
	if (n)
		qsort(v, n, sizeof(*v), laddr_cmp);
	free(a->v);
	a->v = v;
	a->n = n;
	return 0;
}

static int ignore_msg(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

static void on_mon(struct ev_loop *loop, ev_io *w, int revents)
{
	struct check_addr *a = w->data;
	int any = 0;

	/* drain the notifications (an overrun is a trigger too) */
	for (int i = 0; i < DRAIN_MAX; i++) {
		int r = nl_recvmsgs_default(a->mon);

		if (r == -NLE_AGAIN)
			break;
		any = 1;
		if (r < 0 && r != -NLE_NOMEM && r != -NLE_INTR)
			break;
	}
	if (!any)
		return;
	if (reread(a) < 0)
		tdm_log_warn("ha_suspend: reading the local addresses failed: %s", strerror(errno));
	if (a->cb)
		a->cb(a->arg);
}

static struct nl_sock *nl_open(int monitor)
{
	struct nl_sock *sk = nl_socket_alloc();

	if (!sk)
		return NULL;
	if (nl_connect(sk, NETLINK_ROUTE) < 0)
		goto fail;
	if (monitor) {                  /* memberships need the connected socket */
		nl_socket_disable_seq_check(sk);
		nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, ignore_msg, NULL);
		if (nl_socket_add_memberships(sk, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR, 0) < 0 ||
		    nl_socket_set_nonblocking(sk) < 0)
			goto fail;
	}
	return sk;
fail:
	nl_socket_free(sk);
	return NULL;
}

struct check_addr *check_addr_new(struct ev_loop *loop, void (*cb)(void *arg), void *arg)
{
	struct check_addr *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->loop = loop;
	a->cb = cb;
	a->arg = arg;
	a->mon = nl_open(1);
	a->dump = a->mon ? nl_open(0) : NULL;
	if (!a->dump || reread(a) < 0) {
		int err = errno ? errno : EIO;
		check_addr_free(a);
		errno = err;
		return NULL;
	}
	ev_io_init(&a->io, on_mon, nl_socket_get_fd(a->mon), EV_READ);
	a->io.data = a;
	ev_io_start(loop, &a->io);
	return a;
}

void check_addr_free(struct check_addr *a)
{
	if (!a)
		return;
	if (a->loop && a->mon && ev_is_active(&a->io))
		ev_io_stop(a->loop, &a->io);
	nl_socket_free(a->mon);
	nl_socket_free(a->dump);
	free(a->v);
	free(a);
}

int check_addr_has(const struct check_addr *a, int family, const void *addr)
{
	struct laddr k;

	memset(&k, 0, sizeof(k));
	k.family = (uint8_t)family;
	memcpy(k.a, addr, family == AF_INET ? 4 : 16);
	return a && a->n && bsearch(&k, a->v, a->n, sizeof(k), laddr_cmp) != NULL;
}

size_t check_addr_count(const struct check_addr *a)
{
	return a ? a->n : 0;
}

/* any local address within lo..hi (same family) */
static int range_local(const struct check_addr *a, const struct tdm_addr *lo,
                       const struct tdm_addr *hi)
{
	size_t len = lo->family == AF_INET ? 4 : 16;

	for (size_t i = 0; a && i < a->n; i++)
		if (a->v[i].family == lo->family && memcmp(a->v[i].a, &lo->u, len) >= 0 &&
		    memcmp(a->v[i].a, &hi->u, len) <= 0)
			return 1;
	return 0;
}

int check_addr_vs_local(const struct check_addr *a, const struct check_conf *cc,
                        const struct check_vs_conf *vs)
{
	const struct check_vsg_conf *g = NULL;
	int any = 0;

	if (vs->type == CHECK_VS_ADDR)
		return check_addr_has(a, vs->addr.family, &vs->addr.u);
	if (vs->type != CHECK_VS_GROUP)
		return 1;
	for (size_t i = 0; cc && i < cc->nvsg && !g; i++)
		if (!strcmp(cc->vsg[i]->name, vs->group))
			g = cc->vsg[i];
	for (size_t i = 0; g && i < g->n; i++) {
		if (g->v[i].is_fwmark)
			continue;
		any = 1;
		if (range_local(a, &g->v[i].lo, &g->v[i].hi))
			return 1;
	}
	return !any;
}
