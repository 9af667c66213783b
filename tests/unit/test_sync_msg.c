/* tests/unit/test_sync_msg.c - the kernel IPVS sync codec (sync/sync_msg.c): datagrams a real
 * 6.1 kernel sent (tests/unit/vectors/sync/, captured in the VM) parse to the expected entries
 * and rebuild byte for byte; messages we built and fed to the kernel's backup thread create
 * exactly the connections the parser predicts; hand-built messages exercise every drop and
 * skip rule of the kernel's receive path, options, padding and the builder's limits. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/ip_vs.h>
#include "sync/sync_msg.h"

struct vec {
	const char *tag;
	const char *hex;
};

/* kernel-6.1-capture.txt: Debian 6.1.0-56, master sync thread, syncid 7 */
static const struct vec kvec[] = {
	{ "v1-nat4",
	  "000701040701000000060024000000000001d2c60050005000000000000003840a0001020a0001640a000202"
	  "00060024000001000007d2c600500050000000000000003c0a0001020a0001640a0002020006002400000100"
	  "0005d2c60050005000000000000000780a0001020a0001640a00020200060024000000000001d2d000500050"
	  "00000000000003840a0001020a0001640a00020200060024000001000007d2d000500050000000000000003c"
	  "0a0001020a0001640a00020200060024000001000005d2d00050005000000000000000780a0001020a000164"
	  "0a00020200060024000000000001d2dc0050005000000000000003840a0001020a0001640a000202"
	},
	{ "v1-nat4",
	  "000700500201000000060024000001000007d2dc00500050000000000000003c0a0001020a0001640a000202"
	  "00060024000001000005d2dc0050005000000000000000780a0001020a0001640a000202"
	},
	{ "v1-persist",
	  "000704401e01000000060024000011000000000000510050000000000000003c0a0001020a0001640a000202"
	  "00060024000011000001000000510050000000000000003c0a0001020a0001640a0002020006002400000000"
	  "0001a18a0051005000000000000003840a0001020a0001640a00020200060024000011000001000000510050"
	  "000000000000003c0a0001020a0001640a00020200060024000011000001000000510050000000000000003c"
	  "0a0001020a0001640a00020200060024000011000001000000510050000000000000003c0a0001020a000164"
	  "0a00020200060024000001000007a18a00510050000000000000003c0a0001020a0001640a00020200060024"
	  "000011000001000000510050000000000000003c0a0001020a0001640a00020200060024000001000005a18a"
	  "0051005000000000000000780a0001020a0001640a0002020006002400001100000100000051005000000000"
	  "0000003c0a0001020a0001640a00020200060024000011000001000000510050000000000000003c0a000102"
	  "0a0001640a00020200060024000011000001000000510050000000000000003c0a0001020a0001640a000202"
	  "00060024000000000001a1920051005000000000000003840a0001020a0001640a0002020006002400001100"
	  "0001000000510050000000000000003c0a0001020a0001640a00020200060024000011000001000000510050"
	  "000000000000003c0a0001020a0001640a00020200060024000011000001000000510050000000000000003c"
	  "0a0001020a0001640a00020200060024000001000007a19200510050000000000000003c0a0001020a000164"
	  "0a00020200060024000011000001000000510050000000000000003c0a0001020a0001640a00020200060024"
	  "000001000005a1920051005000000000000000780a0001020a0001640a000202000600240000110000010000"
	  "00510050000000000000003c0a0001020a0001640a0002020006002400001100000100000051005000000000"
	  "0000003c0a0001020a0001640a00020200060024000011000001000000510050000000000000003c0a000102"
	  "0a0001640a00020200060024000000000001a19a0051005000000000000003840a0001020a0001640a000202"
	  "00060024000011000001000000510050000000000000003c0a0001020a0001640a0002020006002400001100"
	  "0001000000510050000000000000003c0a0001020a0001640a00020200060024000011000001000000510050"
	  "000000000000003c0a0001020a0001640a00020200060024000001000007a19a00510050000000000000003c"
	  "0a0001020a0001640a00020200060024000011000001000000510050000000000000003c0a0001020a000164"
	  "0a00020200060024000001000005a19a0051005000000000000000780a0001020a0001640a00020200060024"
	  "000011000001000000510050000000000000003c0a0001020a0001640a000202"
	},
	{ "v1-udp",
	  "0007002c0101000000110024000001000000b6a900350035000000000000012c0a0001020a0001640a000202"
	},
	{ "v1-nat6",
	  "000702900901000001060048000000000001c8e4005000500000000000000384fd0100000000000000000000"
	  "00000002fd010000000000000000000000000100fd0200000000000000000000000000020106004800000100"
	  "0007c8e400500050000000000000003cfd010000000000000000000000000002fd0100000000000000000000"
	  "00000100fd02000000000000000000000000000201060048000001000005c8e4005000500000000000000078"
	  "fd010000000000000000000000000002fd010000000000000000000000000100fd0200000000000000000000"
	  "0000000201060048000000000001c8ec005000500000000000000384fd010000000000000000000000000002"
	  "fd010000000000000000000000000100fd02000000000000000000000000000201060048000001000007c8ec"
	  "00500050000000000000003cfd010000000000000000000000000002fd010000000000000000000000000100"
	  "fd02000000000000000000000000000201060048000001000005c8ec005000500000000000000078fd010000"
	  "000000000000000000000002fd010000000000000000000000000100fd020000000000000000000000000002"
	  "01060048000000000001c8f4005000500000000000000384fd010000000000000000000000000002fd010000"
	  "000000000000000000000100fd02000000000000000000000000000201060048000001000007c8f400500050"
	  "000000000000003cfd010000000000000000000000000002fd010000000000000000000000000100fd020000"
	  "00000000000000000000000201060048000001000005c8f4005000500000000000000078fd01000000000000"
	  "0000000000000002fd010000000000000000000000000100fd020000000000000000000000000002"
	},
	{ "v0-nat4",
	  "080700c4000684b8005000500a0001020a0001640a00020200000001000684b8005000500a0001020a000164"
	  "0a00020201000007000684b8005000500a0001020a0001640a00020201000005000684ba005000500a000102"
	  "0a0001640a00020200000001000684ba005000500a0001020a0001640a00020201000005000684c600500050"
	  "0a0001020a0001640a00020200000001000684c6005000500a0001020a0001640a00020201000007000684c6"
	  "005000500a0001020a0001640a00020201000005"
	},
	{ "v0-persist",
	  "100701840006e100005100500a0001020a0001640a0002020000000100060000005100500a0001020a000164"
	  "0a000202110000010006e100005100500a0001020a0001640a0002020100000700060000005100500a000102"
	  "0a0001640a000202110000010006e100005100500a0001020a0001640a000202010000050006000000510050"
	  "0a0001020a0001640a000202110000010006e10c005100500a0001020a0001640a0002020000000100060000"
	  "005100500a0001020a0001640a000202110000010006e10c005100500a0001020a0001640a00020201000007"
	  "00060000005100500a0001020a0001640a000202110000010006e10c005100500a0001020a0001640a000202"
	  "0100000500060000005100500a0001020a0001640a000202110000010006e118005100500a0001020a000164"
	  "0a0002020000000100060000005100500a0001020a0001640a000202110000010006e118005100500a000102"
	  "0a0001640a0002020100000500060000005100500a0001020a0001640a00020211000001"
	},
	{ "v0-udp",
	  "0107001c0011a3f2003500350a0001020a0001640a00020201000000"
	},
};
#define NKVEC (sizeof(kvec) / sizeof(kvec[0]))

/* kernel-6.1-capture-v6tpl.txt: the same kernel, an IPv6 persistent service (templates in
 * 72-byte entries) and an IPv6 UDP service (capture-v6tpl.sh) */
static const struct vec kvec6t[] = {
	{ "v1-persist6",
	  "000702d80a01000001060048000011000000000000510050000000000000003cfd0100000000000000000000"
	  "00000002fd010000000000000000000000000100fd0200000000000000000000000000020106004800001100"
	  "0001000000510050000000000000003cfd010000000000000000000000000002fd0100000000000000000000"
	  "00000100fd02000000000000000000000000000201060048000000000001caf8005100500000000000000384"
	  "fd010000000000000000000000000002fd010000000000000000000000000100fd0200000000000000000000"
	  "0000000201060048000011000001000000510050000000000000003cfd010000000000000000000000000002"
	  "fd010000000000000000000000000100fd020000000000000000000000000002010600480000110000010000"
	  "00510050000000000000003cfd010000000000000000000000000002fd010000000000000000000000000100"
	  "fd02000000000000000000000000000201060048000011000001000000510050000000000000003cfd010000"
	  "000000000000000000000002fd010000000000000000000000000100fd020000000000000000000000000002"
	  "01060048000001000007caf800510050000000000000003cfd010000000000000000000000000002fd010000"
	  "000000000000000000000100fd02000000000000000000000000000201060048000011000001000000510050"
	  "000000000000003cfd010000000000000000000000000002fd010000000000000000000000000100fd020000"
	  "00000000000000000000000201060048000001000005caf8005100500000000000000078fd01000000000000"
	  "0000000000000002fd010000000000000000000000000100fd02000000000000000000000000000201060048"
	  "000011000001000000510050000000000000003cfd010000000000000000000000000002fd01000000000000"
	  "0000000000000100fd020000000000000000000000000002"
	},
	{ "v1-persist6",
	  "000702480801000001060048000011000001000000510050000000000000003cfd0100000000000000000000"
	  "00000002fd010000000000000000000000000100fd0200000000000000000000000000020106004800001100"
	  "0001000000510050000000000000003cfd010000000000000000000000000002fd0100000000000000000000"
	  "00000100fd02000000000000000000000000000201060048000000000001cb02005100500000000000000384"
	  "fd010000000000000000000000000002fd010000000000000000000000000100fd0200000000000000000000"
	  "0000000201060048000011000001000000510050000000000000003cfd010000000000000000000000000002"
	  "fd010000000000000000000000000100fd020000000000000000000000000002010600480000110000010000"
	  "00510050000000000000003cfd010000000000000000000000000002fd010000000000000000000000000100"
	  "fd02000000000000000000000000000201060048000011000001000000510050000000000000003cfd010000"
	  "000000000000000000000002fd010000000000000000000000000100fd020000000000000000000000000002"
	  "01060048000001000005cb02005100500000000000000078fd010000000000000000000000000002fd010000"
	  "000000000000000000000100fd02000000000000000000000000000201060048000011000001000000510050"
	  "000000000000003cfd010000000000000000000000000002fd010000000000000000000000000100fd020000"
	  "000000000000000000000002"
	},
	{ "v1-udp6",
	  "000700500101000001110048000001000000c0b800350035000000000000012cfd0100000000000000000000"
	  "00000002fd010000000000000000000000000100fd020000000000000000000000000002"
	},
};
#define NKVEC6T (sizeof(kvec6t) / sizeof(kvec6t[0]))

/* kernel-6.1-inject.txt: messages built by sync_builder / sync_msg_build_v0, sent to the
 * 6.1 kernel's backup thread in the VM (inject.sh) */
static const struct vec ivec[] = {
	{ "mixed",
	  "000101b80a0100000006002400000000000103e90050005000000000000003840a0900010a0000010a000102"
	  "0006003e00000600000103ea0050005000000000000003840a0900020a0000010a0001020118000003e80000"
	  "000500000003000007d0000000070000000100000106004800000000000103eb005000500000000000000384"
	  "fd000000000000000000000000000009fd000000000000000000000000000001fd0000000000000000000000"
	  "0000000200060024000010000000000000500050000000000000012c0a0900040a0000010a00010200110024"
	  "00000000000003ed00350035000000000000012c0a0900050a0000010a0001020006002800000000000103ee"
	  "0050005000000000000003840a0900060a0000010a000102450261620006002800000000000103ef00500050"
	  "00000000000003840a0900070a0000010a000102050261620063002400000000000103f00050005000000000"
	  "000003840a0900080a0000010a0001020006002400000000000b03f10050005000000000000003840a090009"
	  "0a0000010a0001020006002400000000000a03f40050005000000000000003840a09000c0a0000010a000102"
	},
	{ "badsize",
	  "0001002d010100000006002400000000000103f20050005000000000000003840a09000a0a0000010a000102"
	},
	{ "optlen",
	  "00010078030100000006002400000000000103f50050005000000000000003840a09000d0a0000010a000102"
	  "0006002800000000000103f60050005000000000000003840a09000e0a0000010a0001020200000000060024"
	  "00000000000103f70050005000000000000003840a09000f0a0000010a000102"
	},
	{ "v0",
	  "0101001c000603f3005000500a09000b0a0000010a00010200000001"
	},
};
#define NIVEC (sizeof(ivec) / sizeof(ivec[0]))

static size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = strlen(hex) / 2, i;

	assert_true(n <= cap);
	for (i = 0; i < n; i++)
		assert_int_equal(sscanf(hex + 2 * i, "%2hhx", &out[i]), 1);
	return n;
}

static const struct vec *find_vec(const char *tag)
{
	size_t i;

	for (i = 0; i < NKVEC; i++)
		if (!strcmp(kvec[i].tag, tag))
			return &kvec[i];
	fail_msg("no vector %s", tag);
	return NULL;
}

static void addr_is(const union sync_addr *a, int af, const char *text)
{
	char buf[INET6_ADDRSTRLEN];

	assert_non_null(inet_ntop(af, a->b, buf, sizeof(buf)));
	assert_string_equal(buf, text);
}

static void test_kernel_vectors_parse(void **state)
{
	uint8_t buf[2048];
	struct sync_entry e[SYNC_MAX_CONNS];
	struct sync_msg m;
	size_t len, i, total = 0;

	for (i = 0; i < NKVEC; i++) {
		len = unhex(kvec[i].hex, buf, sizeof(buf));
		assert_int_equal(sync_msg_parse(buf, len, 0, &m, e, SYNC_MAX_CONNS), SYNC_OK);
		assert_int_equal(m.syncid, 7);
		assert_int_equal(m.size, len);
		assert_int_equal(m.n, m.nr_conns);
		assert_int_equal(m.skipped, 0);
		assert_int_equal(m.end, len);
		assert_int_equal(m.version, kvec[i].tag[1] - '0');
		/* the syncid filter of a backup started with syncid 7 accepts, 8 drops */
		total += m.nr_conns;
		assert_int_equal(sync_msg_parse(buf, len, 7, &m, e, SYNC_MAX_CONNS), SYNC_OK);
		assert_int_equal(sync_msg_parse(buf, len, 8, &m, e, SYNC_MAX_CONNS), SYNC_DROP_SYNCID);
	}
	assert_int_equal(total, 7 + 2 + 30 + 1 + 9 + 8 + 16 + 1);

	/* TCP NAT over IPv4: ESTABLISHED with the established timeout, then the closing states */
	len = unhex(find_vec("v1-nat4")->hex, buf, sizeof(buf));
	assert_int_equal(sync_msg_parse(buf, len, 0, &m, e, SYNC_MAX_CONNS), SYNC_OK);
	assert_int_equal(m.nr_conns, 7);
	assert_int_equal(e[0].af, AF_INET);
	assert_int_equal(e[0].protocol, IPPROTO_TCP);
	assert_int_equal(e[0].flags & IP_VS_CONN_F_FWD_MASK, IP_VS_CONN_F_MASQ);
	assert_int_equal(e[0].state, 1);                       /* ESTABLISHED */
	assert_int_equal(e[0].timeout, 900);
	assert_int_equal(e[0].cport, 53958);
	assert_int_equal(e[0].vport, 80);
	assert_int_equal(e[0].dport, 80);
	addr_is(&e[0].caddr, AF_INET, "10.0.1.2");
	addr_is(&e[0].vaddr, AF_INET, "10.0.1.100");
	addr_is(&e[0].daddr, AF_INET, "10.0.2.2");
	assert_int_equal(e[1].state, 7);                       /* CLOSE_WAIT */
	assert_int_equal(e[1].flags, IP_VS_CONN_F_INACTIVE);
	assert_int_equal(e[2].state, 5);                       /* TIME_WAIT */
	assert_int_equal(e[2].timeout, 120);
	assert_int_equal(e[0].raw_len, SYNC_V1_V4_LEN);
	assert_ptr_equal(e[1].raw, buf + SYNC_V1_HDR_LEN + SYNC_V1_V4_LEN);

	/* persistence: templates (client port 0, TEMPLATE flag) interleaved with connections */
	len = unhex(find_vec("v1-persist")->hex, buf, sizeof(buf));
	assert_int_equal(sync_msg_parse(buf, len, 0, &m, e, SYNC_MAX_CONNS), SYNC_OK);
	assert_int_equal(e[0].flags, IP_VS_CONN_F_TEMPLATE | IP_VS_CONN_F_INACTIVE);
	assert_int_equal(e[0].cport, 0);
	assert_int_equal(e[0].vport, 81);
	assert_int_equal(e[0].timeout, 60);
	assert_int_equal(e[1].state, 1);                       /* template ASSURED */
	assert_int_equal(e[2].flags & IP_VS_CONN_F_TEMPLATE, 0);
	assert_int_equal(e[2].timeout, 900);

	/* IPv6 entries, 72 bytes each */
	len = unhex(find_vec("v1-nat6")->hex, buf, sizeof(buf));
	assert_int_equal(sync_msg_parse(buf, len, 0, &m, e, SYNC_MAX_CONNS), SYNC_OK);
	assert_int_equal(len, SYNC_V1_HDR_LEN + 9 * SYNC_V1_V6_LEN);
	assert_int_equal(e[0].af, AF_INET6);
	addr_is(&e[0].caddr, AF_INET6, "fd01::2");
	addr_is(&e[0].vaddr, AF_INET6, "fd01::100");
	addr_is(&e[0].daddr, AF_INET6, "fd02::2");

	/* UDP: one state, the UDP timeout */
	len = unhex(find_vec("v1-udp")->hex, buf, sizeof(buf));
	assert_int_equal(sync_msg_parse(buf, len, 0, &m, e, SYNC_MAX_CONNS), SYNC_OK);
	assert_int_equal(e[0].protocol, IPPROTO_UDP);
	assert_int_equal(e[0].state, 0);
	assert_int_equal(e[0].timeout, 300);

	/* v0: no timeout, no fwmark, 16-bit flags, 24-byte entries */
	len = unhex(find_vec("v0-persist")->hex, buf, sizeof(buf));
	assert_int_equal(sync_msg_parse(buf, len, 0, &m, e, SYNC_MAX_CONNS), SYNC_OK);
	assert_int_equal(m.version, 0);
	assert_int_equal(len, SYNC_V0_HDR_LEN + 16 * SYNC_V0_CONN_LEN);
	assert_int_equal(e[1].flags, IP_VS_CONN_F_TEMPLATE | IP_VS_CONN_F_INACTIVE);
	assert_int_equal(e[1].timeout, 0);
	assert_int_equal(e[0].cport, 57600);
	assert_int_equal(e[0].version, 0);
}

/* What the kernel sent, rebuilt from the parsed entries, is the same bytes. */
static void test_kernel_vectors_rebuild(void **state)
{
	uint8_t buf[2048], out[2048];
	struct sync_entry e[SYNC_MAX_CONNS];
	struct sync_builder b;
	struct sync_msg m;
	size_t len, i, j;

	for (i = 0; i < NKVEC; i++) {
		len = unhex(kvec[i].hex, buf, sizeof(buf));
		assert_int_equal(sync_msg_parse(buf, len, 0, &m, e, SYNC_MAX_CONNS), SYNC_OK);
		memset(out, 0xaa, sizeof(out));
		if (m.version == 0) {
			assert_int_equal(sync_msg_build_v0(e, m.n, m.syncid, out, sizeof(out)), len);
		} else {
			sync_builder_init(&b, out, 1472, m.syncid);     /* master default maxlen */
			for (j = 0; j < m.n; j++)
				assert_int_equal(sync_builder_add(&b, &e[j]), 0);
			assert_int_equal(sync_builder_finish(&b), len);
		}
		assert_memory_equal(out, buf, len);
		/* and from the raw entry bytes */
		if (m.version == 1) {
			sync_builder_init(&b, out, 1472, m.syncid);
			for (j = 0; j < m.n; j++)
				assert_int_equal(sync_builder_add_raw(&b, e[j].raw, e[j].raw_len), 0);
			assert_int_equal(sync_builder_finish(&b), len);
			assert_memory_equal(out, buf, len);
		}
	}
}

/* IPv6 templates and UDP from the kernel: parse, flags, and rebuild byte for byte */
static void test_kernel_vectors_v6_templates(void **state)
{
	uint8_t buf[2048], out[2048];
	struct sync_entry e[SYNC_MAX_CONNS];
	struct sync_builder b;
	struct sync_msg m;
	size_t len, i, j, tpl = 0, conns = 0, udp = 0;

	for (i = 0; i < NKVEC6T; i++) {
		len = unhex(kvec6t[i].hex, buf, sizeof(buf));
		assert_int_equal(sync_msg_parse(buf, len, 7, &m, e, SYNC_MAX_CONNS), SYNC_OK);
		assert_int_equal(m.version, 1);
		assert_int_equal(m.n, m.nr_conns);
		assert_int_equal(m.skipped, 0);
		assert_int_equal(len, SYNC_V1_HDR_LEN + m.n * SYNC_V1_V6_LEN);
		for (j = 0; j < m.n; j++) {
			assert_int_equal(e[j].af, AF_INET6);
			assert_int_equal(e[j].raw_len, SYNC_V1_V6_LEN);
			addr_is(&e[j].caddr, AF_INET6, "fd01::2");
			addr_is(&e[j].vaddr, AF_INET6, "fd01::100");
			addr_is(&e[j].daddr, AF_INET6, "fd02::2");
			if (e[j].flags & IP_VS_CONN_F_TEMPLATE) {
				/* a template: client port 0, the service's port, the persistence timeout */
				assert_int_equal(e[j].cport, 0);
				assert_int_equal(e[j].vport, 81);
				assert_int_equal(e[j].timeout, 60);
				assert_true(e[j].state <= 1);
				tpl++;
			} else if (e[j].protocol == IPPROTO_UDP) {
				assert_int_equal(e[j].vport, 53);
				assert_int_equal(e[j].timeout, 300);
				udp++;
			} else {
				assert_int_equal(e[j].protocol, IPPROTO_TCP);
				assert_int_not_equal(e[j].cport, 0);
				conns++;
			}
		}
		sync_builder_init(&b, out, 1472, m.syncid);
		for (j = 0; j < m.n; j++)
			assert_int_equal(sync_builder_add(&b, &e[j]), 0);
		assert_int_equal(sync_builder_finish(&b), len);
		assert_memory_equal(out, buf, len);
	}
	assert_true(tpl >= 2);
	assert_true(conns >= 2);
	assert_int_equal(udp, 1);
}

static struct sync_entry tcp4(uint16_t cport)
{
	struct sync_entry e;

	memset(&e, 0, sizeof(e));
	e.af = AF_INET;
	e.protocol = IPPROTO_TCP;
	e.state = 1;
	e.cport = cport;
	e.vport = 80;
	e.dport = 8080;
	e.timeout = 900;
	e.fwmark = 0x11223344;
	e.flags = IP_VS_CONN_F_MASQ;
	inet_pton(AF_INET, "192.0.2.1", &e.caddr.v4);
	inet_pton(AF_INET, "198.51.100.1", &e.vaddr.v4);
	inet_pton(AF_INET, "10.1.2.3", &e.daddr.v4);
	return e;
}

/* The SEQ option by hand (independent of the encoder): type 1, length 24, then in_seq and
 * out_seq (init_seq, delta, previous_delta) in network order; the entry size counts it. */
static void test_seq_option_layout(void **state)
{
	struct sync_entry e = tcp4(1000), got[2];
	struct sync_builder b;
	struct sync_msg m;
	uint8_t buf[256];
	size_t len;
	static const uint8_t seqopt[26] = {
		1, 24, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3,
		0xff, 0xff, 0xff, 0xfe, 0x80, 0, 0, 0, 0, 0, 0x10, 0,
	};

	e.flags |= IP_VS_CONN_F_IN_SEQ | IP_VS_CONN_F_OUT_SEQ;
	e.has_seq = 1;
	e.in_seq = (struct sync_seq){ 1, 2, 3 };
	e.out_seq = (struct sync_seq){ 0xfffffffe, 0x80000000, 0x1000 };
	assert_int_equal(sync_entry_v1_len(&e), 36 + 26);
	sync_builder_init(&b, buf, sizeof(buf), 3);
	assert_int_equal(sync_builder_add(&b, &e), 0);
	e.cport = 1001;
	assert_int_equal(sync_builder_add(&b, &e), 0);
	len = sync_builder_finish(&b);
	/* 8 + 62, 2 bytes of padding, 62: the last entry is not padded */
	assert_int_equal(len, 8 + 62 + 2 + 62);
	assert_int_equal(buf[2] << 8 | buf[3], len);
	assert_int_equal(buf[4], 2);
	assert_int_equal(buf[5], 1);
	assert_int_equal(buf[8 + 2] << 8 | buf[8 + 3], 62);            /* ver_size: size only */
	assert_memory_equal(buf + 8 + 36, seqopt, sizeof(seqopt));
	assert_int_equal(buf[70], 0);
	assert_int_equal(buf[71], 0);
	assert_int_equal(sync_msg_parse(buf, len, 0, &m, got, 2), SYNC_OK);
	assert_int_equal(m.n, 2);
	assert_int_equal(got[1].cport, 1001);
	assert_true(got[1].has_seq);
	assert_int_equal(got[1].out_seq.init_seq, 0xfffffffe);
	assert_int_equal(got[1].out_seq.delta, 0x80000000);
	assert_int_equal(got[1].out_seq.previous_delta, 0x1000);
	assert_int_equal(got[0].in_seq.previous_delta, 3);
	assert_int_equal(got[0].fwmark, 0x11223344);
	assert_ptr_equal(got[1].raw, buf + 72);
}

static void test_pe_options(void **state)
{
	struct sync_entry e = tcp4(5060), got;
	struct sync_builder b;
	struct sync_msg m;
	uint8_t buf[512], data[255];
	size_t len;

	memset(data, 'c', sizeof(data));
	e.protocol = IPPROTO_UDP;
	e.state = 0;
	e.flags |= IP_VS_CONN_F_TEMPLATE;
	e.pe_data = data;
	e.pe_data_len = 255;
	strcpy(e.pe_name, "sip");
	e.pe_name_len = 3;
	assert_int_equal(sync_entry_v1_len(&e), 36 + 2 + 255 + 2 + 3);
	sync_builder_init(&b, buf, sizeof(buf), 1);
	assert_int_equal(sync_builder_add(&b, &e), 0);
	len = sync_builder_finish(&b);
	assert_int_equal(buf[8 + 36], SYNC_OPT_PE_DATA);
	assert_int_equal(buf[8 + 37], 255);
	assert_int_equal(buf[8 + 36 + 257], SYNC_OPT_PE_NAME);
	assert_int_equal(sync_msg_parse(buf, len, 0, &m, &got, 1), SYNC_OK);
	assert_int_equal(got.skip, SYNC_SKIP_NONE);
	assert_int_equal(got.pe_data_len, 255);
	assert_ptr_equal(got.pe_data, buf + 8 + 38);
	assert_string_equal(got.pe_name, "sip");

	/* invalid to encode: a name without data, a name over 16 bytes, an unknown af */
	e.pe_data_len = 0;
	assert_int_equal(sync_entry_v1_len(&e), 0);
	e.pe_data_len = 4;
	e.pe_name_len = 17;
	assert_int_equal(sync_entry_v1_len(&e), 0);
	e.pe_name_len = 3;
	e.af = AF_UNIX;
	assert_int_equal(sync_entry_v1_len(&e), 0);
	sync_builder_init(&b, buf, sizeof(buf), 1);
	assert_int_equal(sync_builder_add(&b, &e), -1);
	assert_int_equal(sync_builder_finish(&b), 0);
}

static void test_builder_limits(void **state)
{
	static uint8_t buf[SYNC_MSG_MAX_LEN];
	struct sync_entry e = tcp4(1), v6;
	struct sync_builder b;
	struct sync_msg m;
	int i;

	/* the kernel master's default maxlen (1500 - 28) holds 40 IPv4 entries */
	sync_builder_init(&b, buf, 1472, 1);
	for (i = 0; i < 40; i++)
		assert_int_equal(sync_builder_add(&b, &e), 0);
	assert_int_equal(sync_builder_add(&b, &e), 1);
	assert_int_equal(sync_builder_finish(&b), 8 + 40 * 36);

	/* nr_conns is one byte: 255 entries at most, whatever maxlen says */
	sync_builder_init(&b, buf, 1 << 20, 1);
	assert_int_equal(b.maxlen, SYNC_MSG_MAX_LEN);
	for (i = 0; i < 255; i++)
		assert_int_equal(sync_builder_add(&b, &e), 0);
	assert_int_equal(sync_builder_add(&b, &e), 1);
	assert_int_equal(sync_builder_finish(&b), 8 + 255 * 36);
	assert_int_equal(sync_msg_parse(buf, 8 + 255 * 36, 0, &m, NULL, 0), SYNC_OK);
	assert_int_equal(m.n, 255);

	/* an IPv6 entry never fits in the smallest message */
	memset(&v6, 0, sizeof(v6));
	v6.af = AF_INET6;
	v6.protocol = IPPROTO_TCP;
	sync_builder_init(&b, buf, 10, 1);
	assert_int_equal(b.maxlen, 44);
	assert_int_equal(sync_builder_add(&b, &v6), -1);
	assert_int_equal(sync_builder_add(&b, &e), 0);
	assert_int_equal(sync_builder_add(&b, &e), 1);

	/* padding counts against maxlen: 8 + 62 + pad 2 + 36 = 108 */
	e.has_seq = 1;
	sync_builder_init(&b, buf, 8 + 62 + 2 + 36, 1);
	assert_int_equal(sync_builder_add(&b, &e), 0);
	e.has_seq = 0;
	assert_int_equal(sync_builder_add(&b, &e), 0);
	sync_builder_init(&b, buf, 8 + 62 + 2 + 36 - 1, 1);
	e.has_seq = 1;
	assert_int_equal(sync_builder_add(&b, &e), 0);
	e.has_seq = 0;
	assert_int_equal(sync_builder_add(&b, &e), 1);
	assert_int_equal(sync_builder_add_raw(&b, buf, 10), -1);
}

/* a v1 message of n plain IPv4 entries */
static size_t msg_v1(uint8_t *buf, size_t cap, int n)
{
	struct sync_entry e = tcp4(1);
	struct sync_builder b;
	int i;

	sync_builder_init(&b, buf, cap, 7);
	for (i = 0; i < n; i++) {
		e.cport = (uint16_t)(100 + i);
		assert_int_equal(sync_builder_add(&b, &e), 0);
	}
	return sync_builder_finish(&b);
}

static void set16(uint8_t *p, unsigned v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }

static enum sync_drop parse(uint8_t *buf, size_t len, struct sync_msg *m)
{
	struct sync_entry e[SYNC_MAX_CONNS];

	return sync_msg_parse(buf, len, 0, m, e, SYNC_MAX_CONNS);
}

/* The message-level rules of the kernel's receive path, one by one. */
static void test_drop_rules(void **state)
{
	uint8_t buf[1024], *e1 = buf + 8, *e2 = buf + 44;
	struct sync_msg m;
	size_t len;

	len = msg_v1(buf, sizeof(buf), 2);
	assert_int_equal(parse(buf, len, &m), SYNC_OK);
	assert_int_equal(parse(buf, 3, &m), SYNC_DROP_SHORT);
	assert_int_equal(parse(buf, len - 1, &m), SYNC_DROP_SIZE);     /* size says len */
	set16(buf + 2, len + 4);
	assert_int_equal(parse(buf, len + 4, &m), SYNC_OK);            /* bytes after nr_conns */
	assert_int_equal(m.end, len);                                  /* entries: ignored */

	/* nr_conns says 3 but only 2 entries (+4 bytes): too small for the third */
	len = msg_v1(buf, sizeof(buf), 2);
	buf[4] = 3;
	assert_int_equal(parse(buf, len, &m), SYNC_DROP_ENTRY_SHORT);
	assert_int_equal(m.n, 2);                   /* the kernel applied the first two */

	len = msg_v1(buf, sizeof(buf), 2);
	set16(e2 + 2, 40);                          /* size past the end */
	assert_int_equal(parse(buf, len, &m), SYNC_DROP_ENTRY_SIZE);
	assert_int_equal(m.n, 1);
	set16(e2 + 2, 0x1000 | 36);                 /* entry version 1 */
	assert_int_equal(parse(buf, len, &m), SYNC_DROP_ENTRY_VERSION);
	set16(e2 + 2, 36);
	e2[0] = 2;                                  /* type neither 0 nor IPv6 */
	assert_int_equal(parse(buf, len, &m), SYNC_DROP_ENTRY_TYPE);
	e2[0] = 3;                                  /* IPv6 bit: 72 bytes needed, size 36 */
	assert_int_equal(parse(buf, len, &m), SYNC_DROP_ENTRY_BASE);
	e2[0] = 0;
	set16(e2 + 2, 20);                          /* smaller than the fixed part */
	assert_int_equal(parse(buf, len, &m), SYNC_DROP_ENTRY_BASE);
	set16(e2 + 2, 0);
	assert_int_equal(parse(buf, len, &m), SYNC_DROP_ENTRY_BASE);

	/* options: grow the first entry by 4 bytes into the second's room (nr_conns 1) */
	len = msg_v1(buf, sizeof(buf), 2);
	buf[4] = 1;
	set16(e1 + 2, 37);                          /* one byte: no room for an option header */
	assert_int_equal(parse(buf, len, &m), SYNC_DROP_OPT_HEADER);
	set16(e1 + 2, 40);
	e1[36] = SYNC_OPT_PE_DATA; e1[37] = 0;      /* length 0 */
	assert_int_equal(parse(buf, len, &m), SYNC_DROP_OPT_LEN);
	e1[37] = 3;                                 /* past the entry (2 bytes left) */
	assert_int_equal(parse(buf, len, &m), SYNC_DROP_OPT_LEN);
	e1[37] = 2;
	assert_int_equal(parse(buf, len, &m), SYNC_OK);
	assert_int_equal(m.skipped, 1);             /* PE data without a name */
	e1[36] = SYNC_OPT_SEQ;                      /* SEQ must be 24 bytes */
	assert_int_equal(parse(buf, len, &m), SYNC_DROP_OPT_SEQ);
	e1[36] = SYNC_OPT_PE_NAME; e1[37] = 2;
	assert_int_equal(parse(buf, len, &m), SYNC_OK);
	assert_int_equal(m.skipped, 0);             /* a name alone is ignored */

	/* options twice, a name over 16 bytes */
	len = msg_v1(buf, sizeof(buf), 2);
	buf[4] = 1;
	set16(e1 + 2, 36 + 8);
	e1[36] = SYNC_OPT_PE_DATA; e1[37] = 2; e1[40] = SYNC_OPT_PE_DATA; e1[41] = 2;
	assert_int_equal(parse(buf, len, &m), SYNC_DROP_OPT_PE_DATA);
	e1[36] = SYNC_OPT_PE_NAME; e1[40] = SYNC_OPT_PE_NAME | SYNC_OPT_F_OPTIONAL;
	assert_int_equal(parse(buf, len, &m), SYNC_DROP_OPT_PE_NAME);
	set16(e1 + 2, 36 + 2 + 17);
	e1[36] = SYNC_OPT_PE_NAME; e1[37] = 17;
	assert_int_equal(parse(buf, len, &m), SYNC_DROP_OPT_PE_NAME);
	e1[37] = 16;
	set16(e1 + 2, 36 + 2 + 16);
	assert_int_equal(parse(buf, len, &m), SYNC_OK);

	/* the caller's array is full */
	len = msg_v1(buf, sizeof(buf), 2);
	{
		struct sync_entry one;

		assert_int_equal(sync_msg_parse(buf, len, 0, &m, &one, 1), SYNC_DROP_TOO_MANY);
		assert_int_equal(m.n, 1);
	}
}

/* Entries the kernel skips while going on with the message. */
static void test_skip_rules(void **state)
{
	uint8_t buf[1024], *e1 = buf + 8, *e2 = buf + 44;
	struct sync_entry e[3];
	struct sync_msg m;
	size_t len;

	len = msg_v1(buf, sizeof(buf), 3);
	buf[4] = 2;                                  /* entry 1 may grow into entry 3's room */
	set16(e1 + 2, 36 + 4);
	memmove(e2 + 4, e2, 36);                     /* entry 2 now at 8 + 40 */
	e1[36] = 5; e1[37] = 2;                      /* unknown mandatory option */
	assert_int_equal(sync_msg_parse(buf, len, 0, &m, e, 3), SYNC_OK);
	assert_int_equal(m.n, 2);
	assert_int_equal(e[0].skip, SYNC_SKIP_MANDATORY_OPT);
	assert_int_equal(e[1].skip, SYNC_SKIP_NONE);
	assert_int_equal(e[1].cport, 101);
	e1[36] = 5 | SYNC_OPT_F_OPTIONAL;            /* optional: ignored */
	assert_int_equal(sync_msg_parse(buf, len, 0, &m, e, 3), SYNC_OK);
	assert_int_equal(e[0].skip, SYNC_SKIP_NONE);
	/* after an unknown mandatory option the kernel stops reading the entry's options */
	e1[36] = 5; e1[37] = 1; e1[39] = 0;          /* then an option header with length 0 */
	assert_int_equal(sync_msg_parse(buf, len, 0, &m, e, 3), SYNC_OK);
	assert_int_equal(e[0].skip, SYNC_SKIP_MANDATORY_OPT);

	len = msg_v1(buf, sizeof(buf), 1);
	e1[1] = 99;                                  /* no IPVS handler */
	assert_int_equal(sync_msg_parse(buf, len, 0, &m, e, 3), SYNC_OK);
	assert_int_equal(e[0].skip, SYNC_SKIP_PROTOCOL);
	assert_int_equal(m.skipped, 1);
	e1[7] = (IP_VS_CONN_F_TEMPLATE) & 0xff;
	e1[6] = IP_VS_CONN_F_TEMPLATE >> 8;          /* templates are not checked */
	assert_int_equal(sync_msg_parse(buf, len, 0, &m, e, 3), SYNC_OK);
	assert_int_equal(e[0].skip, SYNC_SKIP_NONE);
	e1[6] = 0;
	e1[1] = IPPROTO_TCP;
	set16(e1 + 8, 10);                           /* SYNACK, the last TCP state */
	assert_int_equal(sync_msg_parse(buf, len, 0, &m, e, 3), SYNC_OK);
	assert_int_equal(e[0].skip, SYNC_SKIP_NONE);
	set16(e1 + 8, 11);
	assert_int_equal(sync_msg_parse(buf, len, 0, &m, e, 3), SYNC_OK);
	assert_int_equal(e[0].skip, SYNC_SKIP_STATE);
	e1[1] = IPPROTO_UDP;
	set16(e1 + 8, 1);
	assert_int_equal(sync_msg_parse(buf, len, 0, &m, e, 3), SYNC_OK);
	assert_int_equal(e[0].skip, SYNC_SKIP_STATE);
	e1[1] = 132;                                 /* SCTP: 14 states */
	set16(e1 + 8, 13);
	assert_int_equal(sync_msg_parse(buf, len, 0, &m, e, 3), SYNC_OK);
	assert_int_equal(e[0].skip, SYNC_SKIP_NONE);
	set16(e1 + 8, 14);
	assert_int_equal(sync_msg_parse(buf, len, 0, &m, e, 3), SYNC_OK);
	assert_int_equal(e[0].skip, SYNC_SKIP_STATE);

	/* option type with the optional bit still means SEQ when its low bits say so */
	len = msg_v1(buf, sizeof(buf), 2);
	buf[4] = 1;
	set16(e1 + 2, 36 + 26);
	e1[36] = SYNC_OPT_SEQ | SYNC_OPT_F_OPTIONAL;
	e1[37] = 24;
	assert_int_equal(sync_msg_parse(buf, len, 0, &m, e, 3), SYNC_OK);
	assert_true(e[0].has_seq);
}

/* Which header is v1: reserved 0, version 1 and spare 0; anything else is read as v0. */
static void test_version_and_v0(void **state)
{
	uint8_t buf[256];
	struct sync_entry e[2], in[2];
	struct sync_msg m;
	size_t len;

	len = msg_v1(buf, sizeof(buf), 1);
	buf[6] = 1;                                  /* spare not 0: v0 with nr_conns 0 */
	assert_int_equal(parse(buf, len, &m), SYNC_OK);
	assert_int_equal(m.version, 0);
	assert_int_equal(m.n, 0);
	buf[6] = 0;
	buf[5] = 2;                                  /* version 2: v0 */
	assert_int_equal(parse(buf, len, &m), SYNC_OK);
	assert_int_equal(m.version, 0);
	/* 4..7 bytes: v0 only */
	buf[0] = 0; buf[1] = 7; set16(buf + 2, 6);
	assert_int_equal(parse(buf, 6, &m), SYNC_OK);
	assert_int_equal(m.version, 0);

	/* v0 with SEQ options (host order) and the truncation rules */
	in[0] = tcp4(10);
	in[0].flags = IP_VS_CONN_F_IN_SEQ | IP_VS_CONN_F_HASHED;
	in[0].has_seq = 1;
	in[0].in_seq = (struct sync_seq){ 7, 8, 9 };
	in[1] = tcp4(11);
	len = sync_msg_build_v0(in, 2, 4, buf, sizeof(buf));
	assert_int_equal(len, 4 + 48 + 24);
	assert_int_equal(sync_msg_parse(buf, len, 0, &m, e, 2), SYNC_OK);
	assert_int_equal(e[0].flags, IP_VS_CONN_F_IN_SEQ);            /* HASHED not sent */
	assert_int_equal(e[0].in_seq.delta, 8);
	assert_int_equal(e[0].raw_len, 48);
	assert_int_equal(e[1].cport, 11);
	assert_int_equal(e[1].fwmark, 0);                             /* not in v0 */
	buf[0] = 3;
	assert_int_equal(sync_msg_parse(buf, len, 0, &m, e, 2), SYNC_DROP_V0_ENTRY);
	set16(buf + 2, 4 + 30);
	buf[0] = 1;
	assert_int_equal(sync_msg_parse(buf, 34, 0, &m, e, 2), SYNC_DROP_V0_OPTIONS);
	in[0].af = AF_INET6;
	assert_int_equal(sync_msg_build_v0(in, 2, 4, buf, sizeof(buf)), 0);
}

static void test_entries_body(void **state)
{
	uint8_t buf[256];
	struct sync_entry e = tcp4(1), out[4];
	unsigned n;
	size_t len, end;

	e.has_seq = 1;
	len = sync_entry_v1_encode(&e, buf, sizeof(buf));
	assert_int_equal(len, 62);
	memset(buf + 62, 0, 2);
	e.has_seq = 0;
	len = 64 + sync_entry_v1_encode(&e, buf + 64, sizeof(buf) - 64);
	assert_int_equal(sync_v1_entries_parse(buf, len, 2, out, 4, &n, &end), SYNC_OK);
	assert_int_equal(n, 2);
	assert_int_equal(end, len);
	assert_int_equal(sync_v1_entries_parse(buf, len + 1, 2, out, 4, &n, &end),
	                 SYNC_DROP_TRAILING);
	assert_int_equal(sync_v1_entries_parse(buf, len, 3, out, 4, &n, &end),
	                 SYNC_DROP_ENTRY_SHORT);
	assert_int_equal(sync_v1_entries_parse(buf, len, 2, NULL, 0, &n, &end), SYNC_OK);
	assert_int_equal(sync_entry_v1_encode(&e, buf, 35), 0);
}

/* The entries the kernel's backup thread created from ivec (kernel-6.1-inject-result.txt) are
 * exactly those sync_msg_parse says it applies: returned with skip 0, including the entries
 * before a drop. */
static void test_kernel_accepts_what_we_predict(void **state)
{
	static const char *const kernel_listed[] = {
		"10.9.0.4:0", "fd00::9:1003", "10.9.0.12:1012", "10.9.0.13:1013", "10.9.0.1:1001",
		"10.9.0.2:1002", "10.9.0.5:1005", "10.9.0.11:1011", "10.9.0.6:1006",
	};
	char predicted[32][64];
	uint8_t buf[2048];
	struct sync_entry e[SYNC_MAX_CONNS];
	struct sync_msg m;
	size_t i, j, k, np = 0, len;
	static const enum sync_drop want[] = { SYNC_OK, SYNC_DROP_SIZE, SYNC_DROP_OPT_LEN, SYNC_OK };

	assert_int_equal(NIVEC, 4);
	for (i = 0; i < NIVEC; i++) {
		len = unhex(ivec[i].hex, buf, sizeof(buf));
		assert_int_equal(sync_msg_parse(buf, len, 1, &m, e, SYNC_MAX_CONNS), want[i]);
		for (j = 0; j < m.n; j++) {
			char a[INET6_ADDRSTRLEN];

			if (e[j].skip)
				continue;
			inet_ntop(e[j].af, e[j].caddr.b, a, sizeof(a));
			snprintf(predicted[np++], sizeof(predicted[0]), "%s:%u", a, e[j].cport);
		}
	}
	assert_int_equal(np, sizeof(kernel_listed) / sizeof(kernel_listed[0]));
	for (k = 0; k < np; k++) {
		for (j = 0; j < np; j++)
			if (!strcmp(predicted[j], kernel_listed[k]))
				break;
		if (j == np)
			fail_msg("the kernel created %s, the parser did not predict it", kernel_listed[k]);
	}
}

static void test_names(void **state)
{
	int i;

	for (i = 0; i <= SYNC_DROP__COUNT; i++)
		assert_non_null(sync_drop_name((enum sync_drop)i));
	for (i = 0; i <= SYNC_SKIP__COUNT; i++)
		assert_non_null(sync_skip_name((enum sync_skip)i));
	assert_string_equal(sync_drop_name(SYNC_DROP_SIZE), "size-mismatch");
	assert_string_equal(sync_drop_name(SYNC_DROP__COUNT), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernel_vectors_parse),
		cmocka_unit_test(test_kernel_vectors_rebuild),
		cmocka_unit_test(test_kernel_vectors_v6_templates),
		cmocka_unit_test(test_seq_option_layout),
		cmocka_unit_test(test_pe_options),
		cmocka_unit_test(test_builder_limits),
		cmocka_unit_test(test_drop_rules),
		cmocka_unit_test(test_skip_rules),
		cmocka_unit_test(test_version_and_v0),
		cmocka_unit_test(test_entries_body),
		cmocka_unit_test(test_kernel_accepts_what_we_predict),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
