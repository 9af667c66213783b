/* lib/ipc.h - parent <-> child messages over a SOCK_SEQPACKET socketpair: one message per
 * packet (a fixed header and up to TDM_IPC_MAX bytes of payload, usually JSON text), with an
 * optional file descriptor passed alongside (SCM_RIGHTS). */
#ifndef TDM_IPC_H
#define TDM_IPC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define TDM_IPC_MAX 65536

enum tdm_ipc_type {
	TDM_IPC_CONFIG = 1,  /* parent->child: fd = sealed memfd with canonical text; payload JSON
	                      * {"generation":N,"t0_ns":N,"lenient":bool} */
	TDM_IPC_PING,        /* parent->child: arg = sequence */
	TDM_IPC_PONG,        /* child->parent: arg = sequence echoed */
	TDM_IPC_EVENT,       /* child->parent: payload = JSON event object without seq/ts */
	TDM_IPC_STOP,        /* parent->child: orderly stop */
	TDM_IPC_READY,       /* child->parent: arg = generation now held */
	TDM_IPC_COMMAND,     /* parent->child: arg = request id; payload = the client's control
	                      * request object (JSON), for a command the child's part declares */
	TDM_IPC_REPLY,       /* child->parent: arg = the request id; payload = the reply object */
	TDM_IPC_FEED,        /* parent->child: fd = the child's end of its event feed socket
	                      * (director/evfeed.h), for parts with event_types/on_event */
};

struct tdm_ipc_hdr {
	uint32_t type;
	uint32_t len;        /* payload bytes following the header */
	uint64_t arg;
};

struct tdm_ipc_msg {
	struct tdm_ipc_hdr hdr;
	int fd;              /* received descriptor or -1 (the receiver owns it) */
	char data[TDM_IPC_MAX + 1];  /* payload, NUL-terminated */
};

/* socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC); sv[0] parent side, sv[1] child side */
int tdm_ipc_pair(int sv[2]);
/* one message; passfd >= 0 sends that descriptor too. flags: MSG_DONTWAIT etc.
 * 0 ok, -1 error (errno set, EAGAIN when the peer's queue is full). */
int tdm_ipc_send(int sock, uint32_t type, uint64_t arg, const void *data, size_t len,
                 int passfd, int flags);
/* 1 = a message in *m, 0 = peer closed, -1 = error (errno; EAGAIN = nothing to read) */
int tdm_ipc_recv(int sock, struct tdm_ipc_msg *m);

#endif
