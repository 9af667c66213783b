/* tests/fuzz/fuzz_sync_msg.c - libFuzzer target for the kernel IPVS sync codec
 * (sync/sync_msg.c). Any bytes: parse never reads outside the input, returned entries point
 * into it, counts agree; every accepted entry re-encodes (v1 builder or v0 builder) to a
 * message that parses back to the same fields. Also the relay-body entry parser on the same
 * bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/ip_vs.h>
#include "sync/sync_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz_sync_msg: property violated: %s\n", what);
		abort();
	}
}

static void same_entry(const struct sync_entry *a, const struct sync_entry *b)
{
	size_t alen = a->af == AF_INET6 ? 16 : 4;

	check(a->af == b->af && a->protocol == b->protocol, "af/protocol");
	check((a->flags & ~(uint32_t)IP_VS_CONN_F_HASHED) == b->flags, "flags");
	check(a->state == b->state && a->cport == b->cport && a->vport == b->vport &&
	      a->dport == b->dport, "state/ports");
	check(!memcmp(a->caddr.b, b->caddr.b, alen) && !memcmp(a->vaddr.b, b->vaddr.b, alen) &&
	      !memcmp(a->daddr.b, b->daddr.b, alen), "addresses");
	check(a->has_seq == b->has_seq, "has_seq");
	if (a->has_seq)
		check(!memcmp(&a->in_seq, &b->in_seq, sizeof(a->in_seq)) &&
		      !memcmp(&a->out_seq, &b->out_seq, sizeof(a->out_seq)), "seq");
	check(a->skip == b->skip, "skip");
}

static void entries_in_buf(const uint8_t *data, size_t size, const struct sync_entry *e,
                           unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		check(e[i].raw >= data && e[i].raw + e[i].raw_len <= data + size, "raw in input");
		if (e[i].pe_data_len)
			check(e[i].pe_data >= e[i].raw &&
			      e[i].pe_data + e[i].pe_data_len <= e[i].raw + e[i].raw_len, "pe_data in entry");
		check(e[i].pe_name_len <= SYNC_PE_NAME_MAX, "pe name length");
		check(e[i].skip < SYNC_SKIP__COUNT, "skip value");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sync_entry e[SYNC_MAX_CONNS], back[SYNC_MAX_CONNS], re[SYNC_MAX_CONNS];
	static uint8_t out[SYNC_MSG_MAX_LEN];
	struct sync_builder b;
	struct sync_msg m, m2;
	enum sync_drop r;
	unsigned i, n, nre = 0;
	size_t len, end;

	if (size > SYNC_MSG_MAX_LEN)
		return 0;
	r = sync_msg_parse(data, size, 0, &m, e, SYNC_MAX_CONNS);
	check(r < SYNC_DROP__COUNT && r != SYNC_DROP_TOO_MANY && r != SYNC_DROP_TRAILING, "reason");
	check(m.n <= m.nr_conns && m.skipped <= m.n && m.end <= size, "counts");
	if (r == SYNC_OK)
		check(m.n == m.nr_conns, "all entries on success");
	entries_in_buf(data, size, e, m.n);
	/* the same answer without an output array, and through the syncid filter */
	check(sync_msg_parse(data, size, 0, &m2, NULL, 0) == r && m2.n == m.n, "NULL out");
	if (size >= 4 && data[1])
		check(sync_msg_parse(data, size, data[1], &m2, NULL, 0) == r, "own syncid");

	if (r == SYNC_OK && m.version == 1) {
		/* rebuild the entries that carry everything they had (no unknown options) */
		sync_builder_init(&b, out, SYNC_MSG_MAX_LEN, m.syncid);
		for (i = 0; i < m.n; i++) {
			if (e[i].skip == SYNC_SKIP_MANDATORY_OPT || !sync_entry_v1_len(&e[i]))
				continue;
			check(sync_builder_add(&b, &e[i]) == 0, "builder add");
			re[nre++] = e[i];
		}
		len = sync_builder_finish(&b);
		check(len == 0 ? nre == 0 : len <= SYNC_MSG_MAX_LEN, "built length");
		if (nre) {
			check(sync_msg_parse(out, len, 0, &m2, back, SYNC_MAX_CONNS) == SYNC_OK, "reparse");
			check(m2.n == nre && m2.version == 1 && m2.syncid == m.syncid, "reparse count");
			for (i = 0; i < nre; i++)
				same_entry(&re[i], &back[i]);
		}
	}
	if (r == SYNC_OK && m.version == 0 && m.n) {
		len = sync_msg_build_v0(e, m.n, m.syncid, out, sizeof(out));
		check(len == m.end, "v0 length");
		check(sync_msg_parse(out, len, 0, &m2, back, SYNC_MAX_CONNS) == SYNC_OK, "v0 reparse");
		/* a v0 message whose first bytes look like a v1 header is read as v1 */
		if (m2.version == 0) {
			check(m2.n == m.n, "v0 count");
			for (i = 0; i < m.n; i++)
				same_entry(&e[i], &back[i]);
		}
	}

	/* the relay body parser: n entries from the first byte */
	if (size) {
		r = sync_v1_entries_parse(data + 1, size - 1, data[0], e, SYNC_MAX_CONNS, &n, &end);
		check(n <= data[0] && end <= size - 1, "body counts");
		if (r == SYNC_OK)
			check(n == data[0] && end == size - 1, "body complete");
		entries_in_buf(data + 1, size - 1, e, n);
	}
	return 0;
}
