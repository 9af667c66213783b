/* lib/ipc.c - SEQPACKET message framing with SCM_RIGHTS descriptor passing (see ipc.h). */
#include "lib/ipc.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/uio.h>

int tdm_ipc_pair(int sv[2])
{
	return socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv);
}

int tdm_ipc_send(int sock, uint32_t type, uint64_t arg, const void *data, size_t len,
                 int passfd, int flags)
{
	struct tdm_ipc_hdr hdr = { .type = type, .len = (uint32_t)len, .arg = arg };
	struct iovec iov[2] = {
		{ .iov_base = &hdr, .iov_len = sizeof(hdr) },
		{ .iov_base = (void *)data, .iov_len = len },
	};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} cbuf;
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = len ? 2 : 1 };
	ssize_t n;

	if (len > TDM_IPC_MAX) {
		errno = EMSGSIZE;
		return -1;
	}
	if (passfd >= 0) {
		struct cmsghdr *c;

		memset(&cbuf, 0, sizeof(cbuf));
		mh.msg_control = cbuf.buf;
		mh.msg_controllen = sizeof(cbuf.buf);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &passfd, sizeof(int));
	}
	do
		n = sendmsg(sock, &mh, flags | MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	if ((size_t)n != sizeof(hdr) + len) {
		errno = EMSGSIZE;
		return -1;
	}
	return 0;
}

int tdm_ipc_recv(int sock, struct tdm_ipc_msg *m)
{
	struct iovec iov[2] = {
		{ .iov_base = &m->hdr, .iov_len = sizeof(m->hdr) },
		{ .iov_base = m->data, .iov_len = TDM_IPC_MAX },
	};
	union {
		char buf[CMSG_SPACE(sizeof(int) * 4)];
		struct cmsghdr align;
	} cbuf;
	struct msghdr mh = {
		.msg_iov = iov, .msg_iovlen = 2,
		.msg_control = cbuf.buf, .msg_controllen = sizeof(cbuf.buf),
	};
	struct cmsghdr *c;
	ssize_t n;

	m->fd = -1;
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	if (n == 0)
		return 0;
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			size_t nfd = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			int fds[4];

			memcpy(fds, CMSG_DATA(c), nfd * sizeof(int));
			for (size_t i = 0; i < nfd; i++) {
				if (m->fd < 0)
					m->fd = fds[i];
				else
					close(fds[i]);
			}
		}
	}
	if ((size_t)n < sizeof(m->hdr) || (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) ||
	    (size_t)n - sizeof(m->hdr) != m->hdr.len) {
		if (m->fd >= 0)
			close(m->fd);
		m->fd = -1;
		errno = EBADMSG;
		return -1;
	}
	m->data[m->hdr.len] = '\0';
	return 1;
}
