/* tests/bench/ipvs_diff/vm_load_probe.c - an experiment, run in the test VM: how fast does
 * the real kernel take N destinations (<= 1000 per service) built by the diff and
 * director/ipvs_msg, sent one message at a time (wait for each ack) or batched (many
 * messages per sendmsg, up to 2000 unacknowledged, acks counted through the reply reader's
 * on_ack)? Not the socket layer: no error mapping, no overrun recovery.
 *
 *   vm_load_probe N [batch [capack]]     (capack: NETLINK_CAP_ACK, acks without payload)
 *
 * Build on the host against a libtandem.a and run it in the VM with vm_load_probe.sh (see
 * the comment there). Results are in docs/ipvs.md. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <arpa/inet.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>
#include "director/ipvs_msg.h"

static struct nl_sock *sk;
static int fam;
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }

struct st { unsigned acks, errs; };
static void on_ack(void *a, uint32_t seq, int err) { struct st *s = a; s->acks++; if (err) s->errs++; }

static int drain(struct st *s, unsigned want)
{
	while (s->acks < want) {
		unsigned char *buf = NULL; struct sockaddr_nl who; const char *why = NULL;
		struct dir_ipvs_reply r = { 0 };
		r.on_ack = on_ack; r.ack_arg = s;
		int n = nl_recv(sk, &who, &buf, NULL);
		if (n <= 0) { printf("recv %d\n", n); return -1; }
		if (dir_ipvs_reply_feed(&r, fam, buf, n, &why) < 0) { printf("feed: %s\n", why); free(buf); return -1; }
		free(buf);
	}
	return 0;
}

static void build(struct dir_ipvs_table *t, unsigned n)
{
	struct dir_ipvs_svc s; union dir_ipvs_addr a = { 0 };
	memset(&s, 0, sizeof(s));
	a.w[0] = htonl(0x0a000001);
	dir_ipvs_svc_key_inet(&s.key, AF_INET, IPPROTO_TCP, a.b, 80);
	strcpy(s.sched, "wlc"); s.netmask = 0xffffffff;
	dir_ipvs_table_init(t);
	struct dir_ipvs_svc *sp = NULL;
	for (unsigned i = 0; i < n; i++) {
		if (i % 1000 == 0) {   /* the kernel's dest lookup is a list walk: <= 1000 per service */
			s.key.port = (uint16_t)(80 + i / 1000);
			sp = dir_ipvs_svc_add(t, &s, NULL);
		}
		struct dir_ipvs_dest d; memset(&d, 0, sizeof(d));
		a.w[0] = htonl(0x0b000000 + i);
		dir_ipvs_dest_key_set(&d.key, AF_INET, a.b, 80);
		d.fwd = IP_VS_CONN_F_DROUTE; d.weight = 1;
		dir_ipvs_dest_add(sp, &d, NULL);
	}
}

int main(int argc, char **argv)
{
	unsigned n = argc > 1 ? atoi(argv[1]) : 10000;
	int batch = argc > 2 && !strcmp(argv[2], "batch");
	sk = nl_socket_alloc(); genl_connect(sk);
	fam = genl_ctrl_resolve(sk, "IPVS");
	nl_socket_disable_auto_ack(sk);
	int big = 32 << 20, one = 1;
	setsockopt(nl_socket_get_fd(sk), SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
	if (argc > 3) setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	struct dir_ipvs_table want, empty; struct dir_ipvs_ops ops = { 0 };
	build(&want, n); dir_ipvs_table_init(&empty);
	dir_ipvs_diff(&want, &empty, NULL, NULL, 0, &ops);
	struct st s = { 0 };
	double t0 = now();
	if (!batch) {
		for (size_t i = 0; i < ops.n; i++) {
			struct nl_msg *m = dir_ipvs_msg_op(fam, &ops.v[i]);
			nlmsg_hdr(m)->nlmsg_flags |= NLM_F_ACK;
			nl_send_auto(sk, m); nlmsg_free(m);
			if (drain(&s, (unsigned)i + 1) < 0) return 1;
		}
	} else {
		static unsigned char buf[60000];
		size_t i = 0, inflight_max = 2000; unsigned seq = 1, sent = 0;
		while (i < ops.n) {
			size_t off = 0;
			while (i < ops.n && sent - s.acks < inflight_max) {
				struct nl_msg *m = dir_ipvs_msg_op(fam, &ops.v[i]);
				struct nlmsghdr *h = nlmsg_hdr(m);
				if (off + NLMSG_ALIGN(h->nlmsg_len) > sizeof(buf)) { nlmsg_free(m); break; }
				h->nlmsg_flags |= NLM_F_ACK | NLM_F_REQUEST; h->nlmsg_seq = seq++;
				h->nlmsg_pid = nl_socket_get_local_port(sk);
				memcpy(buf + off, h, h->nlmsg_len); off += NLMSG_ALIGN(h->nlmsg_len);
				nlmsg_free(m); i++; sent++;
			}
			if (off && nl_sendto(sk, buf, off) < 0) { printf("sendto failed\n"); return 1; }
			if (sent - s.acks >= inflight_max || i == ops.n)
				if (drain(&s, i == ops.n ? sent : sent - inflight_max / 2) < 0) return 1;
		}
	}
	double t1 = now();
	printf("%s%s: %u dests (<=1000 per service): %.3f s, %u acks, %u errors, %.0f ops/s\n",
	       batch ? "batched" : "one-by-one", argc > 3 ? " cap_ack" : "", n, t1 - t0, s.acks, s.errs, ops.n / (t1 - t0));
	return s.errs != 0;
}
