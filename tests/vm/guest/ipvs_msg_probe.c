/* tests/vm/guest/ipvs_msg_probe.c - runs in the test VM (built by test_ipvs_msg_kernel.sh):
 * the pure IPVS codec and diff (director/ipvs_msg, ipvs_diff) against the real kernel. It
 * loads a table covering every service kind, scheduler flag and forwarding method through
 * the diff's messages, dumps it back with the parsers and requires the second diff to be
 * empty (so every attribute went to the kernel and came back in the form tandem wrote);
 * then one weight change is one SET_DEST, service changes are SET_SERVICEs, timeouts round
 * trip, EEXIST comes back as such, an owned delete empties the table, and the sync daemon
 * round-trips. (The sip persistence engine is not tested: the VM has no ip_vs_pe_sip.) A deliberately simple socket loop (one message, then its
 * ack); the real batched socket layer is separate. Exit 0 = all checks passed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>
#include "director/ipvs_msg.h"

static struct nl_sock *sk;
static int fam, failures;

#define CHECK(c, ...) do { if (!(c)) { failures++; printf("FAIL %s:%d: ", __FILE__, __LINE__); \
	printf(__VA_ARGS__); printf("\n"); } } while (0)

/* read until the ack (or error) for one request, or until NLMSG_DONE for a dump */
static int collect(struct dir_ipvs_reply *r, bool dump)
{
	for (int i = 0; i < 100000; i++) {
		unsigned char *buf = NULL;
		struct sockaddr_nl who;
		const char *why = NULL;
		unsigned acks = r->nacks;
		int n = nl_recv(sk, &who, &buf, NULL);
		if (n <= 0)
			return -1;
		r->error = 0;
		int rc = dir_ipvs_reply_feed(r, fam, buf, (size_t)n, &why);
		free(buf);
		if (rc < 0) {
			printf("reply refused: %s\n", why);
			return -1;
		}
		if (r->error)
			return -r->error;
		if (dump ? r->done : r->nacks > acks)
			return 0;
	}
	return -1;
}

static int send_cmd(struct nl_msg *m)
{
	struct dir_ipvs_reply r = { 0 };
	if (!m)
		return -ENOMEM;
	nlmsg_hdr(m)->nlmsg_flags |= NLM_F_ACK;
	int rc = nl_send_auto(sk, m) < 0 ? -EIO : collect(&r, false);
	nlmsg_free(m);
	return rc;
}

static int dump_all(struct dir_ipvs_table *t)
{
	struct dir_ipvs_reply r = { 0 };
	struct nl_msg *m = dir_ipvs_msg_new(fam, IPVS_CMD_GET_SERVICE, NLM_F_DUMP);
	int rc;

	dir_ipvs_table_init(t);
	r.table = t;
	rc = nl_send_auto(sk, m) < 0 ? -EIO : collect(&r, true);
	nlmsg_free(m);
	for (size_t i = 0; rc == 0 && i < t->nsvcs; i++) {
		struct dir_ipvs_reply rd = { 0 };
		rd.svc = t->svcs[i];
		m = dir_ipvs_msg_svc(fam, IPVS_CMD_GET_DEST, NLM_F_DUMP, t->svcs[i]);
		rc = nl_send_auto(sk, m) < 0 ? -EIO : collect(&rd, true);
		nlmsg_free(m);
	}
	return rc;
}

static int apply(const struct dir_ipvs_ops *ops)
{
	char what[160];
	for (size_t i = 0; i < ops->n; i++) {
		int rc = send_cmd(dir_ipvs_msg_op(fam, &ops->v[i]));
		dir_ipvs_op_str(&ops->v[i], what, sizeof(what));
		if (rc) {
			printf("kernel refused %s: %s\n", what, strerror(-rc));
			return rc;
		}
	}
	return 0;
}

static bool all_owned(void *arg, const struct dir_ipvs_svc *s, const struct dir_ipvs_dest *d)
{
	return true;
}

static struct dir_ipvs_svc *svc(struct dir_ipvs_table *t, int af, int proto, const char *ip,
				uint16_t port, uint32_t fwmark, const char *sched, uint32_t flags,
				uint32_t timeout, unsigned plen, const char *pe)
{
	struct dir_ipvs_svc s;
	union dir_ipvs_addr a = { 0 };

	memset(&s, 0, sizeof(s));
	if (fwmark)
		dir_ipvs_svc_key_fwmark(&s.key, af, fwmark);
	else {
		inet_pton(af, ip, a.b);
		dir_ipvs_svc_key_inet(&s.key, af, proto, a.b, port);
	}
	snprintf(s.sched, sizeof(s.sched), "%s", sched);
	snprintf(s.pe, sizeof(s.pe), "%s", pe);
	s.flags = flags;
	s.timeout = timeout;
	dir_ipvs_netmask(af, plen, &s.netmask);
	return dir_ipvs_svc_add(t, &s, NULL);
}

static void dest(struct dir_ipvs_svc *s, int af, const char *ip, uint16_t port, uint32_t fwd,
		 int32_t w, uint8_t tun, uint16_t tport, uint16_t tflags)
{
	struct dir_ipvs_dest d;
	union dir_ipvs_addr a = { 0 };

	memset(&d, 0, sizeof(d));
	inet_pton(af, ip, a.b);
	dir_ipvs_dest_key_set(&d.key, af, a.b, port);
	d.fwd = fwd;
	d.weight = w;
	d.u_thresh = 500;
	d.l_thresh = 50;
	d.tun_type = tun;
	d.tun_port = tport;
	d.tun_flags = tflags;
	dir_ipvs_dest_add(s, &d, NULL);
}

int main(void)
{
	struct dir_ipvs_table want, kern, empty;
	struct dir_ipvs_ops ops = { 0 };
	struct dir_ipvs_svc *s;

	sk = nl_socket_alloc();
	if (!sk || genl_connect(sk) < 0 || (fam = genl_ctrl_resolve(sk, IPVS_GENL_NAME)) < 0) {
		printf("no IPVS family\n");
		return 2;
	}
	nl_socket_disable_auto_ack(sk);
	nl_socket_set_buffer_size(sk, 1 << 20, 1 << 20);

	/* GET_INFO: a reply and no ack (we did not ask for one) */
	struct dir_ipvs_reply r = { 0 };
	struct nl_msg *m = dir_ipvs_msg_new(fam, IPVS_CMD_GET_INFO, 0);
	unsigned char *buf = NULL;
	struct sockaddr_nl who;
	const char *why = NULL;
	nl_send_auto(sk, m);
	nlmsg_free(m);
	int n = nl_recv(sk, &who, &buf, NULL);
	CHECK(n > 0 && dir_ipvs_reply_feed(&r, fam, buf, (size_t)n, &why) == 0 && r.has_info,
	      "GET_INFO reply (%s)", why ? why : "");
	free(buf);
	printf("IPVS %u.%u.%u conn_tab_size %u\n", r.info.version >> 16, (r.info.version >> 8) & 0xff,
	       r.info.version & 0xff, r.info.conn_tab_size);

	dir_ipvs_table_init(&want);
	dir_ipvs_table_init(&empty);
	s = svc(&want, AF_INET, IPPROTO_TCP, "10.0.0.1", 80, 0, "wrr", IP_VS_SVC_F_PERSISTENT, 300,
		24, "");
	dest(s, AF_INET, "10.1.0.1", 8080, IP_VS_CONN_F_MASQ, 3, 0, 0, 0);
	dest(s, AF_INET, "10.1.0.2", 8080, IP_VS_CONN_F_MASQ, 0, 0, 0, 0);
	s = svc(&want, AF_INET, IPPROTO_UDP, "10.0.0.2", 53, 0, "sh",
		IP_VS_SVC_F_SCHED_SH_FALLBACK | IP_VS_SVC_F_SCHED_SH_PORT | IP_VS_SVC_F_ONEPACKET, 0,
		32, "");
	dest(s, AF_INET, "10.1.0.3", 53, IP_VS_CONN_F_DROUTE, 1, 0, 0, 0);
	s = svc(&want, AF_INET, IPPROTO_SCTP, "10.0.0.3", 9, 0, "rr", 0, 0, 32, "");
	dest(s, AF_INET, "10.1.0.4", 9, IP_VS_CONN_F_TUNNEL, 2, IP_VS_CONN_F_TUNNEL_TYPE_IPIP, 0, 0);
	s = svc(&want, AF_INET6, IPPROTO_TCP, "2001:db8::1", 443, 0, "mh",
		DIR_IPVS_SVC_F_MH_FALLBACK | DIR_IPVS_SVC_F_MH_PORT, 0, 64, "");
	dest(s, AF_INET6, "fd00::2", 443, IP_VS_CONN_F_DROUTE, 5, 0, 0, 0);
	dest(s, AF_INET6, "fd00::3", 443, IP_VS_CONN_F_TUNNEL, 5, IP_VS_CONN_F_TUNNEL_TYPE_GUE, 6080,
	     IP_VS_TUNNEL_ENCAP_FLAG_CSUM);
	dest(s, AF_INET, "10.1.0.9", 443, IP_VS_CONN_F_TUNNEL, 1, IP_VS_CONN_F_TUNNEL_TYPE_IPIP, 0, 0);
	s = svc(&want, AF_INET, 0, NULL, 0, 7, "lc", IP_VS_SVC_F_PERSISTENT, 600, 16, "");
	dest(s, AF_INET, "10.1.0.5", 0, IP_VS_CONN_F_DROUTE, 1, 0, 0, 0);
	s = svc(&want, AF_INET6, 0, NULL, 0, 8, "wlc", 0, 0, 128, "");
	dest(s, AF_INET6, "fd00::5", 0, IP_VS_CONN_F_TUNNEL, 1, IP_VS_CONN_F_TUNNEL_TYPE_GRE, 0, 0);

	/* load from empty, dump back, compare */
	CHECK(dir_ipvs_diff(&want, &empty, NULL, NULL, 0, &ops) == 0, "diff");
	int rc = apply(&ops);
	CHECK(rc == 0, "load %zu ops", ops.n);
	ops.n = 0;
	/* ipvsadm's own reading of what we loaded (the script checks it: symmetric codec
	 * mistakes such as a byte-order slip both ways would pass the round trip alone) */
	if (system("ipvsadm -Ln > /tmp/ipvs_probe.load; ipvsadm -Ln --tun-info "
		   "> /tmp/ipvs_probe.tun 2>&1") != 0)
		printf("ipvsadm listing failed\n");
	CHECK(dump_all(&kern) == 0, "dump");
	printf("dumped %zu services, %zu destinations\n", kern.nsvcs, dir_ipvs_table_ndests(&kern));
	CHECK(kern.nsvcs == want.nsvcs, "services %zu vs %zu", kern.nsvcs, want.nsvcs);
	CHECK(dir_ipvs_table_ndests(&kern) == dir_ipvs_table_ndests(&want), "dests");
	CHECK(dir_ipvs_diff(&want, &kern, all_owned, NULL, 0, &ops) == 0, "diff");
	for (size_t i = 0; i < ops.n; i++) {
		char what[160];
		dir_ipvs_op_str(&ops.v[i], what, sizeof(what));
		printf("unexpected after load: %s\n", what);
	}
	CHECK(ops.n == 0, "the kernel's table differs from what was loaded (%zu ops)", ops.n);
	ops.n = 0;
	dir_ipvs_table_free(&kern);

	/* one weight change = one SET_DEST, and the kernel took it */
	want.svcs[0]->dests[1].weight = 7;
	CHECK(dump_all(&kern) == 0, "dump");
	CHECK(dir_ipvs_diff(&want, &kern, all_owned, NULL, 0, &ops) == 0, "diff");
	CHECK(ops.n == 1 && ops.v[0].kind == DIR_IPVS_OP_SET_DEST, "one SET_DEST (%zu ops)", ops.n);
	CHECK(apply(&ops) == 0, "SET_DEST");
	ops.n = 0;
	dir_ipvs_table_free(&kern);
	/* a service attribute change = one SET_SERVICE */
	snprintf(want.svcs[2]->sched, sizeof(want.svcs[2]->sched), "wlc");
	want.svcs[4]->timeout = 120;
	CHECK(dump_all(&kern) == 0, "dump");
	CHECK(dir_ipvs_diff(&want, &kern, all_owned, NULL, 0, &ops) == 0, "diff");
	CHECK(ops.n == 2 && ops.v[0].kind == DIR_IPVS_OP_SET_SVC &&
	      ops.v[1].kind == DIR_IPVS_OP_SET_SVC, "two SET_SERVICE (%zu ops)", ops.n);
	CHECK(apply(&ops) == 0, "SET_SERVICE");
	ops.n = 0;
	dir_ipvs_table_free(&kern);
	CHECK(dump_all(&kern) == 0, "dump");
	CHECK(dir_ipvs_diff(&want, &kern, all_owned, NULL, 0, &ops) == 0 && ops.n == 0,
	      "converged after SET (%zu ops)", ops.n);
	ops.n = 0;

	/* timeouts */
	struct dir_ipvs_timeouts to = { 901, 121, 301 };
	CHECK(send_cmd(dir_ipvs_msg_timeouts(fam, &to)) == 0, "SET_CONFIG");
	memset(&r, 0, sizeof(r));
	m = dir_ipvs_msg_new(fam, IPVS_CMD_GET_CONFIG, 0);
	nl_send_auto(sk, m);
	nlmsg_free(m);
	buf = NULL;
	n = nl_recv(sk, &who, &buf, NULL);
	CHECK(n > 0 && dir_ipvs_reply_feed(&r, fam, buf, (size_t)n, &why) == 0 && r.has_timeouts &&
	      r.timeouts.tcp == 901 && r.timeouts.tcp_fin == 121 && r.timeouts.udp == 301,
	      "GET_CONFIG timeouts");
	free(buf);

	/* a refused command names its errno: EEXIST on an existing service */
	rc = send_cmd(dir_ipvs_msg_svc(fam, IPVS_CMD_NEW_SERVICE, 0, want.svcs[0]));
	CHECK(rc == -EEXIST, "NEW_SERVICE twice: %d", rc);

	/* everything owned and nothing desired: the table empties */
	CHECK(dir_ipvs_diff(&empty, &kern, all_owned, NULL, 0, &ops) == 0, "diff");
	CHECK(ops.n == want.nsvcs, "one DEL_SERVICE each (%zu)", ops.n);
	CHECK(apply(&ops) == 0, "deletes");
	dir_ipvs_ops_free(&ops);
	dir_ipvs_table_free(&kern);
	CHECK(dump_all(&kern) == 0 && kern.nsvcs == 0, "empty after delete");
	dir_ipvs_table_free(&kern);
	/* the sync daemon (master on lo); the kernel refuses it while mixed-family dests exist */
	struct dir_ipvs_daemon dm = { .state = IP_VS_STATE_MASTER, .ifname = "lo", .syncid = 9,
				      .mcast_port = 8849, .mcast_ttl = 2, .maxlen = 1400 };
	dm.mcast_af = AF_INET;
	inet_pton(AF_INET, "224.0.0.82", &dm.mcast_group.v4);
	rc = send_cmd(dir_ipvs_msg_daemon(fam, IPVS_CMD_NEW_DAEMON, &dm));
	CHECK(rc == 0, "NEW_DAEMON: %s", strerror(-rc));
	memset(&r, 0, sizeof(r));
	m = dir_ipvs_msg_new(fam, IPVS_CMD_GET_DAEMON, NLM_F_DUMP);
	nl_send_auto(sk, m);
	nlmsg_free(m);
	CHECK(collect(&r, true) == 0 && r.ndaemons == 1, "GET_DAEMON dump (%u)", r.ndaemons);
	CHECK(r.daemons[0].state == IP_VS_STATE_MASTER && !strcmp(r.daemons[0].ifname, "lo") &&
	      r.daemons[0].syncid == 9 && r.daemons[0].mcast_port == 8849 &&
	      r.daemons[0].mcast_ttl == 2 && r.daemons[0].mcast_af == AF_INET &&
	      r.daemons[0].mcast_group.v4.s_addr == dm.mcast_group.v4.s_addr,
	      "daemon fields: state %u if %s id %u port %u ttl %u af %u", r.daemons[0].state,
	      r.daemons[0].ifname, r.daemons[0].syncid, r.daemons[0].mcast_port,
	      r.daemons[0].mcast_ttl, r.daemons[0].mcast_af);
	if (system("ipvsadm -Ln --timeout > /tmp/ipvs_probe.timeout; "
		   "ipvsadm -Ln --daemon > /tmp/ipvs_probe.daemon") != 0)
		printf("ipvsadm listing failed\n");
	CHECK(send_cmd(dir_ipvs_msg_daemon(fam, IPVS_CMD_DEL_DAEMON, &dm)) == 0, "DEL_DAEMON");

	dir_ipvs_table_free(&want);
	nl_socket_free(sk);
	printf("%s (%d failures)\n", failures ? "FAILED" : "ok", failures);
	return failures ? 1 : 0;
}
