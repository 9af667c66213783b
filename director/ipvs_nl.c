/* director/ipvs_nl.c - the IPVS generic netlink socket layer: family resolution, batched
 * requests (many messages per sendmsg(), acks matched by sequence number), dumps on their own
 * socket, overrun detection. See ipvs_nl.h and docs/ipvs.md.
 *
 * The kernel handles a netlink request synchronously inside sendmsg(): when it returns, every
 * ack of that datagram is queued on our socket or was dropped because the receive queue was
 * full (then recv() reports ENOBUFS once). So a batch is: pack up to `window` messages into
 * one datagram, send it, read the acks back, repeat. The window is sized so that the acks
 * of one datagram fit in the receive buffer; an overrun still ends the batch with -ENOBUFS
 * and the caller re-dumps; each overrun halves the window. */
#include "director/ipvs_nl.h"
#include "director/ipvs_fnat.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/socket.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif

#define SEND_CAP    (128u * 1024)      /* one datagram of requests */
#define RECV_CAP    (64u * 1024)       /* dumps come in skbs of up to 32 KiB */
#define RCVBUF      (8 << 20)
#define ACK_TRUESIZE 1024u             /* receive-buffer cost of one ack, rounded up */
#define IO_TIMEOUT_MS 5000
#define DUMP_TRIES  3

struct dir_ipvs_nl {
	struct nl_sock *cmd, *dump;
	int family;
	uint32_t seq;
	size_t window;
	uint8_t *sbuf, *rbuf;
	struct dir_ipvs_io_stats st;
};

static int sock_setup(struct nl_sock *sk, int rcvbuf)
{
	int fd = nl_socket_get_fd(sk), one = 1;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &(int){ 1 << 20 }, sizeof(int)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &(int){ 1 << 20 }, sizeof(int));
	/* error acks without a copy of the request */
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	return fd;
}

/* the window from the command socket's receive buffer as getsockopt reports it (twice what
 * was set): the acks of one window must fit, with a margin of one quarter */
static void window_set(struct dir_ipvs_nl *nl, int rcv)
{
	const char *env = getenv("TANDEM_IPVS_WINDOW");

	nl->window = (size_t)rcv / 2 / ACK_TRUESIZE * 3 / 4;
	if (nl->window < 16)
		nl->window = 16;
	if (nl->window > 4096)
		nl->window = 4096;
	if (env && atoi(env) > 0)
		nl->window = (size_t)atoi(env);
}

int dir_ipvs_nl_set_rcvbuf(struct dir_ipvs_nl *nl, int bytes, int force)
{
	int fd = nl_socket_get_fd(nl->cmd), rcv = 0;
	socklen_t sl = sizeof(rcv);

	if (bytes <= 0)
		return -EINVAL;
	if (setsockopt(fd, SOL_SOCKET, force ? SO_RCVBUFFORCE : SO_RCVBUF, &bytes,
		       sizeof(bytes)) < 0)
		return -errno;
	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, &sl) < 0)
		return -errno;
	window_set(nl, rcv);
	return 0;
}

int dir_ipvs_nl_open(struct dir_ipvs_nl **out, char *msg, size_t msglen)
{
	struct dir_ipvs_nl *nl = calloc(1, sizeof(*nl));
	int rc = -1, err, rcv = 0, rcvbuf = RCVBUF;
	const char *env;
	socklen_t sl = sizeof(rcv);

	*out = NULL;
	if (!nl || !(nl->sbuf = malloc(SEND_CAP)) || !(nl->rbuf = malloc(RECV_CAP))) {
		snprintf(msg, msglen, "out of memory");
		goto fail;
	}
	nl->cmd = nl_socket_alloc();
	nl->dump = nl_socket_alloc();
	if (!nl->cmd || !nl->dump) {
		snprintf(msg, msglen, "out of memory");
		goto fail;
	}
	if ((err = genl_connect(nl->cmd)) < 0 || (err = genl_connect(nl->dump)) < 0) {
		snprintf(msg, msglen, "generic netlink socket: %s", nl_geterror(err));
		goto fail;
	}
	nl->family = genl_ctrl_resolve(nl->cmd, IPVS_GENL_NAME);
	if (nl->family < 0) {
		if (nl->family == -NLE_OBJ_NOTFOUND) {
			snprintf(msg, msglen, "this kernel has no IPVS (generic netlink family "
				 "\"IPVS\" not found; is the ip_vs module available?)");
			rc = DIR_IPVS_NL_NOIPVS;
		} else {
			snprintf(msg, msglen, "resolving the IPVS netlink family: %s",
				 nl_geterror(nl->family));
		}
		goto fail;
	}
	/* test hooks: a small receive buffer and a window too large for it force overruns */
	env = getenv("TANDEM_IPVS_RCVBUF");
	if (env && atoi(env) > 0)
		rcvbuf = atoi(env);
	sock_setup(nl->dump, RCVBUF);
	getsockopt(sock_setup(nl->cmd, rcvbuf), SOL_SOCKET, SO_RCVBUF, &rcv, &sl);
	window_set(nl, rcv);
	nl->seq = 1;
	*out = nl;
	snprintf(msg, msglen, "ok");
	return 0;
fail:
	dir_ipvs_nl_close(nl);
	return rc;
}

void dir_ipvs_nl_close(struct dir_ipvs_nl *nl)
{
	if (!nl)
		return;
	if (nl->cmd)
		nl_socket_free(nl->cmd);
	if (nl->dump)
		nl_socket_free(nl->dump);
	free(nl->sbuf);
	free(nl->rbuf);
	free(nl);
}

int dir_ipvs_nl_family(const struct dir_ipvs_nl *nl)
{
	return nl->family;
}

const struct dir_ipvs_io_stats *dir_ipvs_nl_stats(const struct dir_ipvs_nl *nl)
{
	return &nl->st;
}

size_t dir_ipvs_nl_window(const struct dir_ipvs_nl *nl)
{
	return nl->window;
}

/* recv() with a deadline: bytes, 0 on timeout, -errno */
static ssize_t recv_wait(int fd, void *buf, size_t cap, int timeout_ms)
{
	for (int tries = 0; tries < 1000; tries++) {
		ssize_t n = recv(fd, buf, cap, MSG_DONTWAIT);
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int pr;

		if (n >= 0)
			return n;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -errno;
		if (timeout_ms <= 0)
			return 0;
		pr = poll(&p, 1, timeout_ms);
		if (pr == 0)
			return 0;
		if (pr < 0 && errno != EINTR)
			return -errno;
	}
	return -EIO;
}

static int send_raw(int fd, const void *buf, size_t len)
{
	struct sockaddr_nl to = { .nl_family = AF_NETLINK };

	for (int tries = 0; tries < 100; tries++) {
		if (sendto(fd, buf, len, 0, (struct sockaddr *)&to, sizeof(to)) == (ssize_t)len)
			return 0;
		if (errno != EINTR)
			return -errno;
	}
	return -EIO;
}

struct ack_ctx {
	int *errs;
	uint32_t base;
	size_t lo, hi;          /* sequence window of this datagram: base + [lo, hi) */
	size_t got;
	struct dir_ipvs_io_stats *st;
};

static void on_ack(void *arg, uint32_t seq, int error)
{
	struct ack_ctx *a = arg;
	size_t i = (size_t)(uint32_t)(seq - a->base);

	if (i < a->lo || i >= a->hi || a->errs[i] != DIR_IPVS_ERR_LOST)
		return;     /* not ours, or a duplicate */
	a->errs[i] = error;
	a->got++;
	a->st->acks++;
	if (error)
		a->st->errors++;
}

int dir_ipvs_nl_batch(struct dir_ipvs_nl *nl, struct nl_msg *(*build)(void *arg, size_t i),
		      void *arg, size_t n, int *errs)
{
	int fd = nl_socket_get_fd(nl->cmd);
	uint32_t base = nl->seq;
	struct nl_msg *pending = NULL;
	size_t i = 0;
	int rc = 0;

	nl->seq += (uint32_t)n + 1;
	for (size_t k = 0; k < n; k++)
		errs[k] = DIR_IPVS_ERR_UNSENT;
	while (i < n) {
		struct ack_ctx a = { .errs = errs, .base = base, .lo = i, .st = &nl->st };
		size_t off = 0, nsent = 0;

		while (i < n && nsent < nl->window) {
			struct nl_msg *m = pending ? pending : build(arg, i);
			struct nlmsghdr *h;
			size_t len;

			pending = NULL;
			if (!m) {
				errs[i++] = ENOMEM;
				continue;
			}
			h = nlmsg_hdr(m);
			len = NLMSG_ALIGN(h->nlmsg_len);
			if (off + len > SEND_CAP) {
				if (!off) {     /* cannot happen: messages are < 1 KiB */
					nlmsg_free(m);
					errs[i++] = EMSGSIZE;
					continue;
				}
				pending = m;
				break;
			}
			h->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
			h->nlmsg_seq = base + (uint32_t)i;
			h->nlmsg_pid = 0;
			memcpy(nl->sbuf + off, h, h->nlmsg_len);
			memset(nl->sbuf + off + h->nlmsg_len, 0, len - h->nlmsg_len);
			off += len;
			nlmsg_free(m);
			errs[i++] = DIR_IPVS_ERR_LOST;
			nsent++;
		}
		a.hi = i;
		if (!nsent)
			continue;
		rc = send_raw(fd, nl->sbuf, off);
		if (rc < 0) {
			for (size_t k = a.lo; k < a.hi; k++)
				if (errs[k] == DIR_IPVS_ERR_LOST)
					errs[k] = DIR_IPVS_ERR_UNSENT;
			goto out;
		}
		nl->st.sends++;
		nl->st.msgs += nsent;
		while (a.got < nsent) {
			struct dir_ipvs_reply r = { .on_ack = on_ack, .ack_arg = &a };
			const char *why = NULL;
			ssize_t got = recv_wait(fd, nl->rbuf, RECV_CAP, IO_TIMEOUT_MS);

			if (got == -ENOBUFS) {
				nl->st.overruns++;
				rc = -ENOBUFS;
				/* fewer in flight from now on */
				if (nl->window > 16)
					nl->window /= 2;
				/* what is still queued belongs to this datagram: read it */
				while ((got = recv_wait(fd, nl->rbuf, RECV_CAP, 0)) > 0)
					dir_ipvs_reply_feed(&r, nl->family, nl->rbuf, (size_t)got,
							    &why);
				goto out;
			}
			if (got <= 0) {
				rc = got == 0 ? -ETIMEDOUT : (int)got;
				goto out;
			}
			/* a malformed message ends that buffer; what came before counts */
			dir_ipvs_reply_feed(&r, nl->family, nl->rbuf, (size_t)got, &why);
		}
	}
out:
	if (pending)
		nlmsg_free(pending);
	return rc;
}

struct op_arg {
	int family;
	const struct dir_ipvs_op *ops;
};

static struct nl_msg *build_op(void *arg, size_t i)
{
	struct op_arg *o = arg;

	return dir_ipvs_msg_op(o->family, &o->ops[i]);
}

int dir_ipvs_nl_apply(struct dir_ipvs_nl *nl, const struct dir_ipvs_op *ops, size_t n,
		      int *errs)
{
	struct op_arg o = { nl->family, ops };

	return dir_ipvs_nl_batch(nl, build_op, &o, n, errs);
}

struct one_arg {
	struct nl_msg *m;
};

static struct nl_msg *build_one(void *arg, size_t i)
{
	struct one_arg *o = arg;
	struct nl_msg *m = o->m;

	o->m = NULL;
	return m;
}

static int send_one(struct dir_ipvs_nl *nl, struct nl_msg *m)
{
	struct one_arg o = { m };
	int err = 0, rc;

	rc = dir_ipvs_nl_batch(nl, build_one, &o, 1, &err);
	if (o.m)
		nlmsg_free(o.m);
	if (rc < 0)
		return rc;
	return err > 0 ? -err : err < 0 ? -EIO : 0;
}

int dir_ipvs_nl_timeouts(struct dir_ipvs_nl *nl, const struct dir_ipvs_timeouts *t)
{
	return send_one(nl, dir_ipvs_msg_timeouts(nl->family, t));
}

int dir_ipvs_nl_flush(struct dir_ipvs_nl *nl)
{
	return send_one(nl, dir_ipvs_msg_new(nl->family, IPVS_CMD_FLUSH, 0));
}

/* one request on the dump socket, replies fed into r until DONE (dumps) or one reply */
static int dump_req(struct dir_ipvs_nl *nl, struct nl_msg *m, struct dir_ipvs_reply *r,
		    int is_dump)
{
	int fd = nl_socket_get_fd(nl->dump);
	struct nlmsghdr *h;
	uint32_t seq = nl->seq++;
	int rc;

	if (!m)
		return -ENOMEM;
	h = nlmsg_hdr(m);
	h->nlmsg_flags |= NLM_F_REQUEST;
	h->nlmsg_seq = seq;
	h->nlmsg_pid = 0;
	rc = send_raw(fd, h, h->nlmsg_len);
	nlmsg_free(m);
	if (rc < 0)
		return rc;
	r->done = false;
	r->error = 0;
	for (unsigned loops = 0; loops < 10000000; loops++) {
		unsigned before = r->nmsgs;
		const char *why = NULL;
		ssize_t got = recv_wait(fd, nl->rbuf, RECV_CAP, IO_TIMEOUT_MS);

		if (got == -ENOBUFS)
			nl->st.overruns++;
		if (got <= 0)
			return got == 0 ? -ETIMEDOUT : (int)got;
		if (((const struct nlmsghdr *)nl->rbuf)->nlmsg_seq != seq)
			continue;   /* left over from an abandoned request */
		if (dir_ipvs_reply_feed(r, nl->family, nl->rbuf, (size_t)got, &why) < 0)
			return -EPROTO;
		if (r->error)
			return -r->error;
		if (r->done || (!is_dump && r->nmsgs > before))
			return 0;
	}
	return -EIO;
}

int dir_ipvs_nl_info(struct dir_ipvs_nl *nl, struct dir_ipvs_info *info)
{
	struct dir_ipvs_reply r = { 0 };
	int rc = dump_req(nl, dir_ipvs_msg_new(nl->family, IPVS_CMD_GET_INFO, 0), &r, 0);

	if (rc == 0 && !r.has_info)
		rc = -EPROTO;
	if (rc == 0)
		*info = r.info;
	return rc;
}

static int dump_once(struct dir_ipvs_nl *nl, struct dir_ipvs_table *out)
{
	struct dir_ipvs_reply r = { .table = out };
	int rc = dump_req(nl, dir_ipvs_msg_new(nl->family, IPVS_CMD_GET_SERVICE, NLM_F_DUMP),
			  &r, 1);

	for (size_t i = 0; rc == 0 && i < out->nsvcs; i++) {
		struct dir_ipvs_svc *s = out->svcs[i];
		struct dir_ipvs_reply rd = { .table = out, .svc = s };

		rc = dump_req(nl, dir_ipvs_msg_svc(nl->family, IPVS_CMD_GET_DEST, NLM_F_DUMP, s),
			      &rd, 1);
		if (rc == -ESRCH) {     /* removed meanwhile by someone else */
			rc = -EAGAIN;
			break;
		}
	}
	return rc;
}

int dir_ipvs_nl_dump(struct dir_ipvs_nl *nl, struct dir_ipvs_table *out)
{
	int rc = -EIO;

	for (int t = 0; t < DUMP_TRIES; t++) {
		dir_ipvs_table_free(out);
		dir_ipvs_table_init(out);
		rc = dump_once(nl, out);
		if (rc != -ENOBUFS && rc != -EAGAIN && rc != -ETIMEDOUT)
			break;
	}
	if (rc == 0)
		nl->st.dumps++;
	return rc;
}

static int io_dump(void *arg, struct dir_ipvs_table *out)
{
	return dir_ipvs_nl_dump(arg, out);
}

static int io_apply(void *arg, const struct dir_ipvs_op *ops, size_t n, int *errs)
{
	return dir_ipvs_nl_apply(arg, ops, n, errs);
}

static int io_timeouts(void *arg, const struct dir_ipvs_timeouts *t)
{
	return dir_ipvs_nl_timeouts(arg, t);
}

static int io_flush(void *arg)
{
	return dir_ipvs_nl_flush(arg);
}

static int io_nft(void *arg, const char *script, char *err, size_t errlen)
{
	(void)arg;
	return dir_ipvs_fnat_nft_run(script, err, errlen);
}

static int io_rcvbuf(void *arg, int bytes, int force)
{
	return dir_ipvs_nl_set_rcvbuf(arg, bytes, force);
}

static int io_conntrack(void *arg, int set)
{
	(void)arg;
	return dir_ipvs_fnat_conntrack(set);
}

void dir_ipvs_nl_io(struct dir_ipvs_nl *nl, struct dir_ipvs_io *io)
{
	memset(io, 0, sizeof(*io));
	io->arg = nl;
	io->dump = io_dump;
	io->apply = io_apply;
	io->timeouts = io_timeouts;
	io->flush = io_flush;
	io->nft = io_nft;
	io->conntrack = io_conntrack;
	io->rcvbuf = io_rcvbuf;
	io->stats = &nl->st;
}
