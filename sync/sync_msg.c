/* sync/sync_msg.c - the kernel's IPVS sync protocol v0/v1: parse and build (see sync_msg.h).
 * The parse rules follow the order of checks in the kernel's receive path so that the drop
 * reason we report is the one the kernel's backup thread would act on. */
#include <string.h>
#include <sys/socket.h>
#include <linux/ip_vs.h>
#include "sync/sync_msg.h"

#ifndef IPPROTO_SCTP
#define IPPROTO_SCTP 132
#endif

static inline uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static inline void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

/* Number of states of the IPVS protocol handlers built into Debian's kernel (TCP, UDP, SCTP,
 * AH/ESP); 0 = no handler, the kernel skips the entry. */
static unsigned proto_states(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:  return 11;   /* IP_VS_TCP_S_LAST */
	case IPPROTO_UDP:  return 1;    /* IP_VS_UDP_S_LAST */
	case IPPROTO_SCTP: return 14;   /* IP_VS_SCTP_S_LAST */
	case IPPROTO_AH:
	case IPPROTO_ESP:  return 1;
	default:           return 0;
	}
}

static uint8_t check_proto_state(const struct sync_entry *e)
{
	unsigned n;

	if (e->flags & IP_VS_CONN_F_TEMPLATE)
		return SYNC_SKIP_NONE;          /* template states are not checked */
	n = proto_states(e->protocol);
	if (!n)
		return SYNC_SKIP_PROTOCOL;
	if (e->state >= n)
		return SYNC_SKIP_STATE;
	return SYNC_SKIP_NONE;
}

static void get_seq(const uint8_t *p, struct sync_seq *s)
{
	s->init_seq = get32(p);
	s->delta = get32(p + 4);
	s->previous_delta = get32(p + 8);
}

static void put_seq(uint8_t *p, const struct sync_seq *s)
{
	put32(p, s->init_seq);
	put32(p + 4, s->delta);
	put32(p + 8, s->previous_delta);
}

/* One v1 entry of exactly size bytes at p (the kernel's per-entry decoding). */
static enum sync_drop parse_v1_entry(const uint8_t *p, size_t size, struct sync_entry *e)
{
	size_t base, q;
	int have_data = 0, have_name = 0;

	memset(e, 0, sizeof(*e));
	e->version = 1;
	e->raw = p;
	e->raw_len = (uint16_t)size;
	if (p[0] & SYNC_TYPE_F_INET6) {
		e->af = AF_INET6;
		base = SYNC_V1_V6_LEN;
	} else if (p[0] == 0) {
		e->af = AF_INET;
		base = SYNC_V1_V4_LEN;
	} else {
		return SYNC_DROP_ENTRY_TYPE;
	}
	if (base > size)
		return SYNC_DROP_ENTRY_BASE;
	e->protocol = p[1];
	e->flags = get32(p + 4);
	e->state = get16(p + 8);
	e->cport = get16(p + 10);
	e->vport = get16(p + 12);
	e->dport = get16(p + 14);
	e->fwmark = get32(p + 16);
	e->timeout = get32(p + 20);
	if (e->af == AF_INET6) {
		memcpy(e->caddr.b, p + 24, 16);
		memcpy(e->vaddr.b, p + 40, 16);
		memcpy(e->daddr.b, p + 56, 16);
	} else {
		memcpy(e->caddr.b, p + 24, 4);
		memcpy(e->vaddr.b, p + 28, 4);
		memcpy(e->daddr.b, p + 32, 4);
	}

	for (q = base; q < size;) {
		unsigned ptype, plen;

		if (q + 2 > size)
			return SYNC_DROP_OPT_HEADER;
		ptype = p[q];
		plen = p[q + 1];
		q += 2;
		if (!plen || q + plen > size)
			return SYNC_DROP_OPT_LEN;
		switch (ptype & ~(unsigned)SYNC_OPT_F_OPTIONAL) {
		case SYNC_OPT_SEQ:
			if (plen != SYNC_SEQ_LEN || e->has_seq)
				return SYNC_DROP_OPT_SEQ;
			get_seq(p + q, &e->in_seq);
			get_seq(p + q + 12, &e->out_seq);
			e->has_seq = 1;
			break;
		case SYNC_OPT_PE_DATA:
			if (have_data)
				return SYNC_DROP_OPT_PE_DATA;
			have_data = 1;
			e->pe_data = p + q;
			e->pe_data_len = (uint8_t)plen;
			break;
		case SYNC_OPT_PE_NAME:
			if (plen > SYNC_PE_NAME_MAX || have_name)
				return SYNC_DROP_OPT_PE_NAME;
			have_name = 1;
			memcpy(e->pe_name, p + q, plen);
			e->pe_name[plen] = 0;
			e->pe_name_len = (uint8_t)plen;
			break;
		default:
			if (!(ptype & SYNC_OPT_F_OPTIONAL)) {
				/* the kernel stops decoding this entry and skips it */
				e->skip = SYNC_SKIP_MANDATORY_OPT;
				return SYNC_OK;
			}
		}
		q += plen;
	}
	e->skip = check_proto_state(e);
	if (!e->skip && e->pe_data_len && !e->pe_name_len)
		e->skip = SYNC_SKIP_PE;
	return SYNC_OK;
}

/* The v1 entry loop over buf[start .. len); alignment is relative to buf. */
static enum sync_drop parse_v1_loop(const uint8_t *buf, size_t len, size_t start, unsigned n,
                                    struct sync_entry *out, size_t max_out, unsigned *n_out,
                                    unsigned *skipped, size_t *end)
{
	struct sync_entry tmp;
	size_t off = start;
	unsigned i;

	*n_out = 0;
	*skipped = 0;
	*end = start;
	for (i = 0; i < n; i++) {
		size_t p = off, size;
		uint16_t vs;
		struct sync_entry *e;
		enum sync_drop r;

		if (p + SYNC_V1_V4_LEN > len)
			return SYNC_DROP_ENTRY_SHORT;
		vs = get16(buf + p + 2);
		size = vs & SYNC_ENTRY_MAX_LEN;
		if (p + size > len)
			return SYNC_DROP_ENTRY_SIZE;
		if (vs >> 12)
			return SYNC_DROP_ENTRY_VERSION;
		if (out && i >= max_out)
			return SYNC_DROP_TOO_MANY;
		e = out ? &out[i] : &tmp;
		r = parse_v1_entry(buf + p, size, e);
		if (r != SYNC_OK)
			return r;
		(*n_out)++;
		if (e->skip)
			(*skipped)++;
		*end = p + size;
		off = p + ((size + 3) & ~(size_t)3);
	}
	return SYNC_OK;
}

static enum sync_drop parse_v0(const uint8_t *buf, size_t len, struct sync_msg *msg,
                               struct sync_entry *out, size_t max_out)
{
	struct sync_entry tmp;
	size_t off = SYNC_V0_HDR_LEN;
	unsigned i;

	for (i = 0; i < msg->nr_conns; i++) {
		const uint8_t *p = buf + off;
		struct sync_entry *e;
		size_t elen = SYNC_V0_CONN_LEN;
		uint16_t flags;

		if (off + SYNC_V0_CONN_LEN > len)
			return SYNC_DROP_V0_ENTRY;
		flags = get16(p + 20);
		if (flags & IP_VS_CONN_F_SEQ_MASK) {
			elen += SYNC_SEQ_LEN;
			if (off + elen > len)
				return SYNC_DROP_V0_OPTIONS;
		}
		if (out && i >= max_out)
			return SYNC_DROP_TOO_MANY;
		e = out ? &out[i] : &tmp;
		memset(e, 0, sizeof(*e));
		e->version = 0;
		e->af = AF_INET;
		e->protocol = p[1];
		e->cport = get16(p + 2);
		e->vport = get16(p + 4);
		e->dport = get16(p + 6);
		memcpy(e->caddr.b, p + 8, 4);
		memcpy(e->vaddr.b, p + 12, 4);
		memcpy(e->daddr.b, p + 16, 4);
		e->flags = flags;
		e->state = get16(p + 22);
		if (flags & IP_VS_CONN_F_SEQ_MASK) {
			/* v0 options are the kernel's struct ip_vs_seq pair copied as is: host order */
			uint32_t v[6];

			memcpy(v, p + SYNC_V0_CONN_LEN, sizeof(v));
			e->in_seq = (struct sync_seq){ v[0], v[1], v[2] };
			e->out_seq = (struct sync_seq){ v[3], v[4], v[5] };
			e->has_seq = 1;
		}
		e->raw = p;
		e->raw_len = (uint16_t)elen;
		e->skip = check_proto_state(e);
		msg->n++;
		if (e->skip)
			msg->skipped++;
		off += elen;
		msg->end = off;
	}
	return SYNC_OK;
}

enum sync_drop sync_msg_parse(const uint8_t *buf, size_t len, uint8_t want_syncid,
                              struct sync_msg *msg, struct sync_entry *out, size_t max_out)
{
	unsigned n, skipped;
	enum sync_drop r;

	memset(msg, 0, sizeof(*msg));
	if (len < SYNC_V0_HDR_LEN)
		return SYNC_DROP_SHORT;
	msg->syncid = buf[1];
	msg->size = get16(buf + 2);
	msg->end = SYNC_V0_HDR_LEN;
	if (len != msg->size)
		return SYNC_DROP_SIZE;
	if (want_syncid && msg->syncid != want_syncid)
		return SYNC_DROP_SYNCID;
	if (len < SYNC_V1_HDR_LEN || buf[5] != 1 || buf[0] != 0 || buf[6] || buf[7]) {
		msg->version = 0;
		msg->nr_conns = buf[0];
		return parse_v0(buf, len, msg, out, max_out);
	}
	msg->version = 1;
	msg->nr_conns = buf[4];
	r = parse_v1_loop(buf, len, SYNC_V1_HDR_LEN, msg->nr_conns, out, max_out, &n, &skipped,
	                  &msg->end);
	msg->n = (uint16_t)n;
	msg->skipped = (uint16_t)skipped;
	return r;
}

enum sync_drop sync_v1_entries_parse(const uint8_t *buf, size_t len, unsigned n,
                                     struct sync_entry *out, size_t max_out,
                                     unsigned *n_out, size_t *end)
{
	unsigned skipped;
	enum sync_drop r;

	r = parse_v1_loop(buf, len, 0, n, out, max_out, n_out, &skipped, end);
	if (r == SYNC_OK && *end != len)
		return SYNC_DROP_TRAILING;
	return r;
}

size_t sync_entry_v1_len(const struct sync_entry *e)
{
	size_t len;

	if (e->af == AF_INET)
		len = SYNC_V1_V4_LEN;
	else if (e->af == AF_INET6)
		len = SYNC_V1_V6_LEN;
	else
		return 0;
	if (e->pe_name_len > SYNC_PE_NAME_MAX || (e->pe_name_len && !e->pe_data_len) ||
	    (e->pe_data_len && !e->pe_data))
		return 0;
	if (e->has_seq)
		len += 2 + SYNC_SEQ_LEN;
	if (e->pe_data_len)
		len += 2 + (size_t)e->pe_data_len;
	if (e->pe_name_len)
		len += 2 + (size_t)e->pe_name_len;
	return len;
}

size_t sync_entry_v1_encode(const struct sync_entry *e, uint8_t *out, size_t cap)
{
	size_t len = sync_entry_v1_len(e), q;

	if (!len || len > cap)
		return 0;
	out[0] = e->af == AF_INET6 ? SYNC_TYPE_F_INET6 : 0;
	out[1] = e->protocol;
	put16(out + 2, (uint16_t)len);          /* version bits 0 */
	put32(out + 4, e->flags & ~(uint32_t)IP_VS_CONN_F_HASHED);
	put16(out + 8, e->state);
	put16(out + 10, e->cport);
	put16(out + 12, e->vport);
	put16(out + 14, e->dport);
	put32(out + 16, e->fwmark);
	put32(out + 20, e->timeout);
	if (e->af == AF_INET6) {
		memcpy(out + 24, e->caddr.b, 16);
		memcpy(out + 40, e->vaddr.b, 16);
		memcpy(out + 56, e->daddr.b, 16);
		q = SYNC_V1_V6_LEN;
	} else {
		memcpy(out + 24, e->caddr.b, 4);
		memcpy(out + 28, e->vaddr.b, 4);
		memcpy(out + 32, e->daddr.b, 4);
		q = SYNC_V1_V4_LEN;
	}
	if (e->has_seq) {
		out[q] = SYNC_OPT_SEQ;
		out[q + 1] = SYNC_SEQ_LEN;
		put_seq(out + q + 2, &e->in_seq);
		put_seq(out + q + 14, &e->out_seq);
		q += 2 + SYNC_SEQ_LEN;
	}
	if (e->pe_data_len) {
		out[q] = SYNC_OPT_PE_DATA;
		out[q + 1] = e->pe_data_len;
		memcpy(out + q + 2, e->pe_data, e->pe_data_len);
		q += 2 + (size_t)e->pe_data_len;
	}
	if (e->pe_name_len) {
		out[q] = SYNC_OPT_PE_NAME;
		out[q + 1] = e->pe_name_len;
		memcpy(out + q + 2, e->pe_name, e->pe_name_len);
		q += 2 + (size_t)e->pe_name_len;
	}
	return q;
}

void sync_builder_init(struct sync_builder *b, uint8_t *buf, size_t maxlen, uint8_t syncid)
{
	if (maxlen > SYNC_MSG_MAX_LEN)
		maxlen = SYNC_MSG_MAX_LEN;
	if (maxlen < SYNC_V1_HDR_LEN + SYNC_V1_V4_LEN)
		maxlen = SYNC_V1_HDR_LEN + SYNC_V1_V4_LEN;
	b->buf = buf;
	b->maxlen = maxlen;
	b->len = SYNC_V1_HDR_LEN;
	b->syncid = syncid;
	b->nr = 0;
}

/* Room for elen more bytes after padding? 0 yes, 1 not in this message, -1 never */
static int builder_room(const struct sync_builder *b, size_t elen, size_t *pad)
{
	*pad = (4 - b->len) & 3;
	if (SYNC_V1_HDR_LEN + elen > b->maxlen)
		return -1;
	if (b->nr == SYNC_MAX_CONNS || b->len + *pad + elen > b->maxlen)
		return 1;
	return 0;
}

int sync_builder_add(struct sync_builder *b, const struct sync_entry *e)
{
	size_t elen = sync_entry_v1_len(e), pad;
	int r;

	if (!elen)
		return -1;
	r = builder_room(b, elen, &pad);
	if (r)
		return r;
	memset(b->buf + b->len, 0, pad);
	b->len += pad;
	b->len += sync_entry_v1_encode(e, b->buf + b->len, elen);
	b->nr++;
	return 0;
}

int sync_builder_add_raw(struct sync_builder *b, const uint8_t *raw, size_t len)
{
	size_t pad;
	int r;

	if (len < SYNC_V1_V4_LEN || len > SYNC_ENTRY_MAX_LEN)
		return -1;
	r = builder_room(b, len, &pad);
	if (r)
		return r;
	memset(b->buf + b->len, 0, pad);
	b->len += pad;
	memcpy(b->buf + b->len, raw, len);
	b->len += len;
	b->nr++;
	return 0;
}

size_t sync_builder_finish(struct sync_builder *b)
{
	if (!b->nr)
		return 0;
	b->buf[0] = 0;
	b->buf[1] = b->syncid;
	put16(b->buf + 2, (uint16_t)b->len);
	b->buf[4] = b->nr;
	b->buf[5] = 1;
	b->buf[6] = 0;
	b->buf[7] = 0;
	return b->len;
}

size_t sync_msg_build_v0(const struct sync_entry *e, size_t n, uint8_t syncid,
                         uint8_t *out, size_t cap)
{
	size_t off = SYNC_V0_HDR_LEN, i;

	if (n > SYNC_MAX_CONNS || cap < SYNC_V0_HDR_LEN)
		return 0;
	for (i = 0; i < n; i++) {
		uint16_t flags = (uint16_t)(e[i].flags & ~(uint32_t)IP_VS_CONN_F_HASHED);
		size_t elen = SYNC_V0_CONN_LEN + ((flags & IP_VS_CONN_F_SEQ_MASK) ? SYNC_SEQ_LEN : 0);
		uint8_t *p = out + off;

		if (e[i].af != AF_INET || off + elen > cap || off + elen > SYNC_MSG_MAX_LEN)
			return 0;
		p[0] = 0;
		p[1] = e[i].protocol;
		put16(p + 2, e[i].cport);
		put16(p + 4, e[i].vport);
		put16(p + 6, e[i].dport);
		memcpy(p + 8, e[i].caddr.b, 4);
		memcpy(p + 12, e[i].vaddr.b, 4);
		memcpy(p + 16, e[i].daddr.b, 4);
		put16(p + 20, flags);
		put16(p + 22, e[i].state);
		if (flags & IP_VS_CONN_F_SEQ_MASK) {
			uint32_t v[6] = { e[i].in_seq.init_seq, e[i].in_seq.delta,
			                  e[i].in_seq.previous_delta, e[i].out_seq.init_seq,
			                  e[i].out_seq.delta, e[i].out_seq.previous_delta };

			memcpy(p + SYNC_V0_CONN_LEN, v, sizeof(v));
		}
		off += elen;
	}
	out[0] = (uint8_t)n;
	out[1] = syncid;
	put16(out + 2, (uint16_t)off);
	return off;
}

static const char *const drop_names[SYNC_DROP__COUNT] = {
	[SYNC_OK] = "ok",
	[SYNC_DROP_SHORT] = "short",
	[SYNC_DROP_SIZE] = "size-mismatch",
	[SYNC_DROP_SYNCID] = "syncid",
	[SYNC_DROP_V0_ENTRY] = "v0-entry-truncated",
	[SYNC_DROP_V0_OPTIONS] = "v0-options-truncated",
	[SYNC_DROP_ENTRY_SHORT] = "entry-truncated",
	[SYNC_DROP_ENTRY_SIZE] = "entry-size-overrun",
	[SYNC_DROP_ENTRY_VERSION] = "entry-version",
	[SYNC_DROP_ENTRY_TYPE] = "entry-type",
	[SYNC_DROP_ENTRY_BASE] = "entry-size-short",
	[SYNC_DROP_OPT_HEADER] = "option-header",
	[SYNC_DROP_OPT_LEN] = "option-length",
	[SYNC_DROP_OPT_SEQ] = "option-seq",
	[SYNC_DROP_OPT_PE_DATA] = "option-pe-data",
	[SYNC_DROP_OPT_PE_NAME] = "option-pe-name",
	[SYNC_DROP_TOO_MANY] = "too-many-entries",
	[SYNC_DROP_TRAILING] = "trailing-bytes",
};

static const char *const skip_names[SYNC_SKIP__COUNT] = {
	[SYNC_SKIP_NONE] = "none",
	[SYNC_SKIP_MANDATORY_OPT] = "unknown-mandatory-option",
	[SYNC_SKIP_PROTOCOL] = "protocol",
	[SYNC_SKIP_STATE] = "state",
	[SYNC_SKIP_PE] = "pe-data-without-name",
};

const char *sync_drop_name(enum sync_drop why)
{
	return (unsigned)why < SYNC_DROP__COUNT ? drop_names[why] : "?";
}

const char *sync_skip_name(enum sync_skip why)
{
	return (unsigned)why < SYNC_SKIP__COUNT ? skip_names[why] : "?";
}
