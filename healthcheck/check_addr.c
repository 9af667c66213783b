/* healthcheck/check_addr.c - the director's local addresses for ha_suspend (check_addr.h): one
 * netlink route socket subscribed to RTNLGRP_IPV4_IFADDR / RTNLGRP_IPV6_IFADDR on the loop, a
 * second one for RTM_GETADDR dumps. A notification is only a trigger: the whole list is read
 * again (sorted, looked up by binary search), so no add/remove counting can drift. */
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include "healthcheck/check_addr.h"
#include "lib/log.h"

#define DUMP_MAX_ROUNDS 4096            /* bound on recv() calls of one dump */

struct laddr {
	uint8_t family;
	uint8_t a[16];
};

struct check_addr {
	struct ev_loop *loop;
	ev_io io;
	int mon, dump;
	uint32_t seq;
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

static int nl_open(unsigned groups)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = groups };
	struct timeval tv = { 1, 0 };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | (groups ? SOCK_NONBLOCK : 0),
	                NETLINK_ROUTE);

	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	if (!groups)
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

/* one RTM_NEWADDR of the dump into the list (IFA_LOCAL for IPv4, else IFA_ADDRESS) */
static int take(struct laddr **v, size_t *n, size_t *cap, const struct nlmsghdr *h)
{
	const struct ifaddrmsg *ifa = NLMSG_DATA(h);
	int len = (int)h->nlmsg_len - (int)NLMSG_LENGTH(sizeof(*ifa));
	const void *local = NULL, *addr = NULL;
	size_t alen = ifa->ifa_family == AF_INET ? 4 : 16;
	struct laddr *l;

	if (len < 0 || (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6))
		return 0;
	for (const struct rtattr *rta = IFA_RTA(ifa); RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		if (RTA_PAYLOAD(rta) < alen)
			continue;
		if (rta->rta_type == IFA_LOCAL)
			local = RTA_DATA(rta);
		else if (rta->rta_type == IFA_ADDRESS)
			addr = RTA_DATA(rta);
	}
	if (local)
		addr = local;
	if (!addr)
		return 0;
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		struct laddr *nv = realloc(*v, nc * sizeof(*nv));
		if (!nv)
			return -1;
		*v = nv;
		*cap = nc;
	}
	l = &(*v)[(*n)++];
	memset(l, 0, sizeof(*l));
	l->family = ifa->ifa_family;
	memcpy(l->a, addr, alen);
	return 0;
}

/* read the whole address list: 0 / -1 (the old list stays) */
static int reread(struct check_addr *a)
{
	struct {
		struct nlmsghdr h;
		struct ifaddrmsg ifa;
	} req;
	char buf[16384] __attribute__((aligned(4)));
	struct laddr *v = NULL;
	size_t n = 0, cap = 0;
	int done = 0;

	memset(&req, 0, sizeof(req));
	req.h.nlmsg_len = NLMSG_LENGTH(sizeof(req.ifa));
	req.h.nlmsg_type = RTM_GETADDR;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.h.nlmsg_seq = ++a->seq;
	req.ifa.ifa_family = AF_UNSPEC;
	if (send(a->dump, &req, req.h.nlmsg_len, 0) < 0)
		return -1;
	for (int round = 0; !done && round < DUMP_MAX_ROUNDS; round++) {
		ssize_t r = recv(a->dump, buf, sizeof(buf), 0);
		int len = (int)r;
		if (r < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, len);
		     h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_seq != a->seq)
				continue;       /* the answer to an older, abandoned dump */
			if (h->nlmsg_type == NLMSG_DONE) {
				done = 1;
				break;
			}
			if (h->nlmsg_type == NLMSG_ERROR)
				goto fail;
			if (h->nlmsg_type == RTM_NEWADDR && take(&v, &n, &cap, h) < 0)
				goto fail;
		}
	}
	if (!done)
		goto fail;
	if (n)
		qsort(v, n, sizeof(*v), laddr_cmp);
	free(a->v);
	a->v = v;
	a->n = n;
	return 0;
fail:
	free(v);
	return -1;
}

static void on_mon(struct ev_loop *loop, ev_io *w, int revents)
{
	struct check_addr *a = w->data;
	char buf[8192] __attribute__((aligned(4)));
	int any = 0;

	/* drain the notifications (an overrun, ENOBUFS, is a trigger too) */
	for (int i = 0; i < 256; i++) {
		ssize_t r = recv(a->mon, buf, sizeof(buf), MSG_DONTWAIT);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno != ENOBUFS)
			break;
		any = 1;
	}
	if (!any)
		return;
	if (reread(a) < 0)
		tdm_log_warn("ha_suspend: reading the local addresses failed: %s", strerror(errno));
	if (a->cb)
		a->cb(a->arg);
}

struct check_addr *check_addr_new(struct ev_loop *loop, void (*cb)(void *arg), void *arg)
{
	struct check_addr *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->loop = loop;
	a->cb = cb;
	a->arg = arg;
	a->mon = nl_open((1u << (RTNLGRP_IPV4_IFADDR - 1)) | (1u << (RTNLGRP_IPV6_IFADDR - 1)));
	a->dump = a->mon >= 0 ? nl_open(0) : -1;
	if (a->dump < 0 || reread(a) < 0) {
		int err = errno;
		check_addr_free(a);
		errno = err;
		return NULL;
	}
	ev_io_init(&a->io, on_mon, a->mon, EV_READ);
	a->io.data = a;
	ev_io_start(loop, &a->io);
	return a;
}

void check_addr_free(struct check_addr *a)
{
	if (!a)
		return;
	if (a->loop && a->mon >= 0)
		ev_io_stop(a->loop, &a->io);
	if (a->mon >= 0)
		close(a->mon);
	if (a->dump >= 0)
		close(a->dump);
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
