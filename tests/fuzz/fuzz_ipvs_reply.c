/* tests/fuzz/fuzz_ipvs_reply.c - libFuzzer target for the IPVS reply parsers: the input is
 * what recv() could return on the IPVS generic netlink socket (any number of netlink
 * messages). Besides crashes, leaks and hangs it checks a property: whatever the reader
 * accepted re-encodes, with the kernel-side builders, into messages that parse back to the
 * same keys and attributes. Seeds: tests/fuzz/corpus/ipvs_reply/ (written by
 * IPVS_WRITE_CORPUS=dir build/tests/test_ipvs_msg). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/msg.h>
#include "director/ipvs_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FAM 32

static void check(int cond, const char *what)
{
	if (cond)
		return;
	fprintf(stderr, "fuzz_ipvs_reply: property violated: %s\n", what);
	abort();
}

static void recheck_svc(const struct dir_ipvs_svc *s)
{
	struct dir_ipvs_svc back;
	const char *why = NULL;
	struct nl_msg *m = dir_ipvs_msg_svc_entry(FAM, s);

	check(m != NULL, "service entry builds");
	check(dir_ipvs_parse_svc(nlmsg_hdr(m), &back, &why) == 0, "service entry parses");
	check(dir_ipvs_svc_key_eq(&back.key, &s->key), "service key round trip");
	check(dir_ipvs_svc_attrs_eq(&back, s), "service attrs round trip");
	check(!memcmp(&back.stats, &s->stats, sizeof(s->stats)), "service stats round trip");
	nlmsg_free(m);
	for (size_t j = 0; j < s->ndests; j++) {
		struct dir_ipvs_dest d;
		m = dir_ipvs_msg_dest_entry(FAM, &s->dests[j]);
		check(m != NULL, "dest entry builds");
		check(dir_ipvs_parse_dest(nlmsg_hdr(m), s->key.af, &d, &why) == 0, "dest parses");
		check(dir_ipvs_dest_key_eq(&d.key, &s->dests[j].key), "dest key round trip");
		check(dir_ipvs_dest_attrs_eq(&d, &s->dests[j]), "dest attrs round trip");
		check(d.weight == s->dests[j].weight && d.tun_port == s->dests[j].tun_port,
		      "dest fields round trip");
		nlmsg_free(m);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dir_ipvs_table t;
	struct dir_ipvs_reply r;
	const char *why = NULL;
	uint32_t *buf;

	if (size > 64 * 1024)
		return 0;
	/* netlink messages are 4-byte aligned in a recv() buffer */
	buf = malloc(size ? (size + 3) & ~(size_t)3 : 4);
	if (!buf)
		return 0;
	memcpy(buf, data, size);

	dir_ipvs_table_init(&t);
	memset(&r, 0, sizeof(r));
	r.table = &t;
	int rc = dir_ipvs_reply_feed(&r, -1, buf, size, &why);
	check(rc == 0 || why != NULL, "a refusal names its reason");
	for (size_t i = 0; i < t.nsvcs; i++)
		recheck_svc(t.svcs[i]);
	if (r.has_info) {
		struct nl_msg *m = dir_ipvs_msg_info_reply(FAM, &r.info);
		struct dir_ipvs_info back;
		check(m && dir_ipvs_parse_info(nlmsg_hdr(m), &back, &why) == 0 &&
		      back.version == r.info.version, "info round trip");
		nlmsg_free(m);
	}
	for (unsigned i = 0; i < r.ndaemons; i++) {
		struct nl_msg *m = dir_ipvs_msg_daemon(FAM, IPVS_CMD_NEW_DAEMON, &r.daemons[i]);
		struct dir_ipvs_daemon back;
		check(m && dir_ipvs_parse_daemon(nlmsg_hdr(m), &back, &why) == 0 &&
		      back.state == r.daemons[i].state && back.syncid == r.daemons[i].syncid &&
		      !strcmp(back.ifname, r.daemons[i].ifname), "daemon round trip");
		nlmsg_free(m);
	}
	dir_ipvs_table_free(&t);

	/* the single-message parsers straight on the first message, whatever its command */
	if (size >= sizeof(struct nlmsghdr)) {
		const struct nlmsghdr *h = (const struct nlmsghdr *)buf;
		uint8_t cmd;
		if (dir_ipvs_parse_cmd(h, size, &cmd, &why) == 0) {
			struct dir_ipvs_svc s;
			struct dir_ipvs_dest d;
			struct dir_ipvs_daemon dm;
			struct dir_ipvs_info in;
			struct dir_ipvs_timeouts to;
			(void)dir_ipvs_parse_svc(h, &s, &why);
			(void)dir_ipvs_parse_dest(h, 0, &d, &why);
			(void)dir_ipvs_parse_daemon(h, &dm, &why);
			(void)dir_ipvs_parse_info(h, &in, &why);
			(void)dir_ipvs_parse_timeouts(h, &to, &why);
		}
	}
	free(buf);
	return 0;
}
