/* director/ipvs_nl.h - the IPVS generic netlink socket layer (libnl-genl-3): resolves the
 * "IPVS" family, sends batches of requests with many messages in flight per sendmsg() and
 * matches the acks by sequence number, and reads the kernel's table back on a separate dump
 * socket. A lost ack (receive queue overrun, ENOBUFS) is reported as such: the caller
 * re-dumps and reconciles (director/ipvs_ctl.c).
 *
 * struct dir_ipvs_io is the seam the reconcile engine talks through; dir_ipvs_nl_io() gives
 * the real kernel's, unit tests plug in a recording fake. */
#ifndef TANDEM_DIRECTOR_IPVS_NL_H
#define TANDEM_DIRECTOR_IPVS_NL_H

#include <stddef.h>
#include <stdint.h>
#include <netlink/msg.h>
#include "director/ipvs_diff.h"
#include "director/ipvs_msg.h"
#include "director/ipvs_table.h"

/* errs[i] of a batch: 0 acked, > 0 the kernel's errno, DIR_IPVS_ERR_UNSENT not sent,
 * DIR_IPVS_ERR_LOST sent but its ack was lost (overrun). */
#define DIR_IPVS_ERR_UNSENT (-1)
#define DIR_IPVS_ERR_LOST   (-2)

struct dir_ipvs_io_stats {
	uint64_t msgs;          /* request messages sent */
	uint64_t sends;         /* sendmsg() calls */
	uint64_t acks, errors;  /* acks received (errors among them) */
	uint64_t overruns;      /* ENOBUFS seen */
	uint64_t dumps;         /* full dumps */
};

/* What the reconcile engine needs from a kernel. Every function returns 0 or -errno. */
struct dir_ipvs_io {
	void *arg;
	/* the whole table (services and their destinations, with stats) into out (empty) */
	int (*dump)(void *arg, struct dir_ipvs_table *out);
	/* send ops[0..n) in order; errs[i] as above. -ENOBUFS: some acks were lost (the
	 * caller must re-dump); other -errno: the socket failed. */
	int (*apply)(void *arg, const struct dir_ipvs_op *ops, size_t n, int *errs);
	/* SET_CONFIG timeouts, FLUSH; may be NULL */
	int (*timeouts)(void *arg, const struct dir_ipvs_timeouts *t);
	int (*flush)(void *arg);
	/* FULLNAT (ipvs_fnat.h); may be NULL (no FNAT): run an nft script in one transaction
	 * (0, or -1 with nft's message in err), and read net.ipv4.vs.conntrack after writing
	 * 1 when set (0/1, or -errno) */
	int (*nft)(void *arg, const char *script, char *err, size_t errlen);
	int (*conntrack)(void *arg, int set);
	/* lvs_netlink_cmd_rcv_bufs[_force]: the command socket's receive buffer (the batch
	 * window follows it); may be NULL */
	int (*rcvbuf)(void *arg, int bytes, int force);
	struct dir_ipvs_io_stats *stats;    /* may be NULL */
};

struct dir_ipvs_nl;

/* Open the command and dump sockets and resolve the family. 0; DIR_IPVS_NL_NOIPVS when the
 * kernel has no IPVS (msg says so); -1 on other failures (msg says why). */
#define DIR_IPVS_NL_NOIPVS (-2)
int dir_ipvs_nl_open(struct dir_ipvs_nl **out, char *msg, size_t msglen);
void dir_ipvs_nl_close(struct dir_ipvs_nl *nl);
int dir_ipvs_nl_family(const struct dir_ipvs_nl *nl);
/* GET_INFO: 0 / -errno */
int dir_ipvs_nl_info(struct dir_ipvs_nl *nl, struct dir_ipvs_info *info);
int dir_ipvs_nl_dump(struct dir_ipvs_nl *nl, struct dir_ipvs_table *out);
int dir_ipvs_nl_apply(struct dir_ipvs_nl *nl, const struct dir_ipvs_op *ops, size_t n,
		      int *errs);
int dir_ipvs_nl_timeouts(struct dir_ipvs_nl *nl, const struct dir_ipvs_timeouts *t);
int dir_ipvs_nl_flush(struct dir_ipvs_nl *nl);
/* SO_RCVBUF (SO_RCVBUFFORCE when force) of the command socket, in place of the default
 * 8 MiB forced; the window is recomputed from it. 0 / -errno */
int dir_ipvs_nl_set_rcvbuf(struct dir_ipvs_nl *nl, int bytes, int force);
/* The generic batch: message i comes from build(arg, i) (NULL: errs[i] = ENOMEM); the
 * layer sets flags, port and sequence numbers. Same return values as apply. */
int dir_ipvs_nl_batch(struct dir_ipvs_nl *nl, struct nl_msg *(*build)(void *arg, size_t i),
		      void *arg, size_t n, int *errs);
/* the io seam over this socket layer */
void dir_ipvs_nl_io(struct dir_ipvs_nl *nl, struct dir_ipvs_io *io);
const struct dir_ipvs_io_stats *dir_ipvs_nl_stats(const struct dir_ipvs_nl *nl);
/* messages per sendmsg() at most (from the receive buffer the acks must fit in) */
size_t dir_ipvs_nl_window(const struct dir_ipvs_nl *nl);

#endif
