/* sync/relay_frame.c - tandem relay frames: header, bodies, HMAC-SHA256 tag (see
 * relay_frame.h and docs/sync-protocol.md for the layout). */
#include <stdlib.h>
#include <string.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include "sync/relay_frame.h"

struct relay_mac {
	EVP_MAC *mac;
	EVP_MAC_CTX *base;       /* keyed once */
	EVP_MAC_CTX *work;       /* re-initialised from the keyed state for every frame */
};

static inline uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline uint64_t get64(const uint8_t *p) { return (uint64_t)get32(p) << 32 | get32(p + 4); }
static inline void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static inline void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}
static inline void put64(uint8_t *p, uint64_t v) { put32(p, (uint32_t)(v >> 32)); put32(p + 4, (uint32_t)v); }

struct relay_mac *relay_mac_new(const uint8_t *key, size_t keylen)
{
	struct relay_mac *m;
	OSSL_PARAM params[2];
	char digest[] = "SHA256";

	if (!key || keylen < RELAY_KEY_MIN || keylen > RELAY_KEY_MAX)
		return NULL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (!m->mac)
		goto fail;
	m->base = EVP_MAC_CTX_new(m->mac);
	if (!m->base)
		goto fail;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	if (!EVP_MAC_init(m->base, key, keylen, params))
		goto fail;
	m->work = EVP_MAC_CTX_dup(m->base);
	if (!m->work)
		goto fail;
	return m;
fail:
	relay_mac_free(m);
	return NULL;
}

void relay_mac_free(struct relay_mac *m)
{
	if (!m)
		return;
	EVP_MAC_CTX_free(m->work);
	EVP_MAC_CTX_free(m->base);
	EVP_MAC_free(m->mac);
	free(m);
}

int relay_mac_compute(struct relay_mac *m, const uint8_t *data, size_t len, uint8_t out[32])
{
	size_t outl = 0;

	/* a NULL key keeps the key set on m->base (HMAC restarts from the precomputed pad
	 * states); the tests compare this with one-shot HMAC() */
	if (!EVP_MAC_init(m->work, NULL, 0, NULL) || !EVP_MAC_update(m->work, data, len) ||
	    !EVP_MAC_final(m->work, out, &outl, 32) || outl != 32)
		return -1;
	return 0;
}

static void put_hdr(uint8_t *p, const struct relay_hdr *h)
{
	put32(p, RELAY_MAGIC);
	p[4] = RELAY_VERSION;
	p[5] = h->kind;
	put16(p + 6, h->flags);
	put32(p + 8, h->sender);
	put64(p + 12, h->epoch);
	put64(p + 20, h->seq);
	put16(p + 28, h->body_len);
	put16(p + 30, h->count);
}

size_t relay_frame_seal(struct relay_mac *m, const struct relay_hdr *h, uint8_t *frame,
                        size_t cap)
{
	size_t len = RELAY_HDR_LEN + (size_t)h->body_len;
	uint8_t tag[32];

	if (h->body_len > RELAY_MAX_BODY || len + RELAY_TAG_LEN > cap)
		return 0;
	put_hdr(frame, h);
	if (relay_mac_compute(m, frame, len, tag))
		return 0;
	memcpy(frame + len, tag, RELAY_TAG_LEN);
	return len + RELAY_TAG_LEN;
}

enum relay_drop relay_frame_peek(const uint8_t *frame, size_t len, struct relay_hdr *h)
{
	memset(h, 0, sizeof(*h));
	if (len < RELAY_OVERHEAD)
		return RELAY_DROP_SHORT;
	if (get32(frame) != RELAY_MAGIC)
		return RELAY_DROP_MAGIC;
	h->version = frame[4];
	if (h->version != RELAY_VERSION)
		return RELAY_DROP_VERSION;
	h->kind = frame[5];
	h->flags = get16(frame + 6);
	h->sender = get32(frame + 8);
	h->epoch = get64(frame + 12);
	h->seq = get64(frame + 20);
	h->body_len = get16(frame + 28);
	h->count = get16(frame + 30);
	if (h->kind < RELAY_DATA || h->kind > RELAY_KIND__MAX)
		return RELAY_DROP_KIND;
	if (len != RELAY_OVERHEAD + (size_t)h->body_len)
		return RELAY_DROP_LENGTH;
	if (!h->sender || !h->epoch || !h->seq)
		return RELAY_DROP_ZERO;
	return RELAY_OK;
}

enum relay_drop relay_frame_open(struct relay_mac *m, const uint8_t *frame, size_t len,
                                 struct relay_hdr *h, const uint8_t **body)
{
	enum relay_drop r = relay_frame_peek(frame, len, h);
	size_t mlen = len - RELAY_TAG_LEN;
	uint8_t tag[32];

	if (r != RELAY_OK)
		return r;
	if (relay_mac_compute(m, frame, mlen, tag) ||
	    CRYPTO_memcmp(tag, frame + mlen, RELAY_TAG_LEN) != 0)
		return RELAY_DROP_MAC;
	*body = frame + RELAY_HDR_LEN;
	return RELAY_OK;
}

void relay_data_init(struct relay_data_builder *d, uint8_t *frame, size_t max_frame)
{
	if (max_frame > RELAY_MAX_FRAME)
		max_frame = RELAY_MAX_FRAME;
	d->frame = frame;
	d->max_frame = max_frame;
	d->body_len = 0;
	d->count = 0;
}

static int data_room(const struct relay_data_builder *d, size_t elen, size_t *pad)
{
	*pad = (4 - d->body_len) & 3;
	if (RELAY_OVERHEAD + elen > d->max_frame)
		return -1;
	if (d->count == UINT16_MAX || RELAY_OVERHEAD + d->body_len + *pad + elen > d->max_frame)
		return 1;
	return 0;
}

int relay_data_add(struct relay_data_builder *d, const struct sync_entry *e)
{
	size_t elen = sync_entry_v1_len(e), pad;
	uint8_t *p;
	int r;

	if (!elen)
		return -1;
	r = data_room(d, elen, &pad);
	if (r)
		return r;
	p = d->frame + RELAY_HDR_LEN + d->body_len;
	memset(p, 0, pad);
	sync_entry_v1_encode(e, p + pad, elen);
	d->body_len += pad + elen;
	d->count++;
	return 0;
}

int relay_data_add_raw(struct relay_data_builder *d, const uint8_t *raw, size_t len)
{
	size_t pad;
	uint8_t *p;
	int r;

	if (len < SYNC_V1_V4_LEN || len > SYNC_ENTRY_MAX_LEN)
		return -1;
	r = data_room(d, len, &pad);
	if (r)
		return r;
	p = d->frame + RELAY_HDR_LEN + d->body_len;
	memset(p, 0, pad);
	memcpy(p + pad, raw, len);
	d->body_len += pad + len;
	d->count++;
	return 0;
}

void relay_data_hdr(const struct relay_data_builder *d, struct relay_hdr *h)
{
	h->kind = RELAY_DATA;
	h->body_len = (uint16_t)d->body_len;
	h->count = d->count;
}

enum sync_drop relay_data_parse(const struct relay_hdr *h, const uint8_t *body,
                                struct sync_entry *out, size_t max_out, unsigned *n)
{
	size_t end;

	*n = 0;
	if (h->kind != RELAY_DATA)
		return SYNC_DROP_SHORT;
	return sync_v1_entries_parse(body, h->body_len, h->count, out, max_out, n, &end);
}

size_t relay_ack_encode(const struct relay_ack *a, uint8_t *body, size_t cap)
{
	size_t len = RELAY_ACK_BODY_LEN(a->n), i;

	if (a->n > RELAY_ACK_MAX_RANGES || len > cap)
		return 0;
	put32(body, a->acked_sender);
	put32(body + 4, a->has_window ? a->window : 0);
	put64(body + 8, a->acked_epoch);
	put64(body + 16, a->cum);
	for (i = 0; i < a->n; i++) {
		put64(body + 24 + 16 * i, a->r[i].first);
		put64(body + 32 + 16 * i, a->r[i].last);
	}
	return len;
}

int relay_ack_decode(const struct relay_hdr *h, const uint8_t *body, struct relay_ack *a)
{
	uint64_t prev;
	size_t i;

	if (h->kind != RELAY_ACK || h->count > RELAY_ACK_MAX_RANGES ||
	    h->body_len != RELAY_ACK_BODY_LEN(h->count) ||
	    (!(h->flags & RELAY_F_WINDOW) && get32(body + 4) != 0))
		return -1;
	a->has_window = (h->flags & RELAY_F_WINDOW) != 0;
	a->window = a->has_window ? get32(body + 4) : 0;
	a->acked_sender = get32(body);
	a->acked_epoch = get64(body + 8);
	a->cum = get64(body + 16);
	a->n = h->count;
	if (!a->acked_sender || !a->acked_epoch)
		return -1;
	prev = a->cum;          /* each range starts after a hole: first >= prev + 2 */
	for (i = 0; i < a->n; i++) {
		a->r[i].first = get64(body + 24 + 16 * i);
		a->r[i].last = get64(body + 32 + 16 * i);
		if (prev >= UINT64_MAX - 1 || a->r[i].first < prev + 2 ||
		    a->r[i].last < a->r[i].first)
			return -1;
		prev = a->r[i].last;
	}
	return 0;
}

size_t relay_resync_req_encode(const struct relay_resync_req *r, uint8_t *body, size_t cap)
{
	if (cap < RELAY_RESYNC_REQ_BODY_LEN)
		return 0;
	put32(body, r->target);
	put32(body + 4, 0);
	return RELAY_RESYNC_REQ_BODY_LEN;
}

int relay_resync_req_decode(const struct relay_hdr *h, const uint8_t *body,
                            struct relay_resync_req *r)
{
	if (h->kind != RELAY_RESYNC_REQ || h->count || h->body_len != RELAY_RESYNC_REQ_BODY_LEN ||
	    get32(body + 4) != 0)
		return -1;
	r->target = get32(body);
	return 0;
}

size_t relay_resync_end_encode(const struct relay_resync_end *r, uint8_t *body, size_t cap)
{
	if (cap < RELAY_RESYNC_END_BODY_LEN || r->status > RELAY_RESYNC_ABORTED)
		return 0;
	put32(body, r->requester);
	put32(body + 4, r->status);
	put64(body + 8, r->request_seq);
	put64(body + 16, r->entries);
	return RELAY_RESYNC_END_BODY_LEN;
}

int relay_resync_end_decode(const struct relay_hdr *h, const uint8_t *body,
                            struct relay_resync_end *r)
{
	if (h->kind != RELAY_RESYNC_END || h->count || h->body_len != RELAY_RESYNC_END_BODY_LEN)
		return -1;
	r->requester = get32(body);
	r->status = get32(body + 4);
	r->request_seq = get64(body + 8);
	r->entries = get64(body + 16);
	if (!r->requester || !r->request_seq || r->status > RELAY_RESYNC_ABORTED)
		return -1;
	return 0;
}

size_t relay_hello_encode(const struct relay_hello *hl, uint8_t *body, size_t cap)
{
	if (cap < RELAY_HELLO_BODY_LEN || hl->role > RELAY_ROLE_MASTER)
		return 0;
	put32(body, hl->window);
	put32(body + 4, hl->max_frame);
	body[8] = hl->role;
	body[9] = body[10] = body[11] = 0;
	return RELAY_HELLO_BODY_LEN;
}

int relay_hello_decode(const struct relay_hdr *h, const uint8_t *body, struct relay_hello *hl)
{
	if (h->kind != RELAY_HELLO || h->count || h->body_len != RELAY_HELLO_BODY_LEN ||
	    body[9] || body[10] || body[11])
		return -1;
	hl->window = get32(body);
	hl->max_frame = get32(body + 4);
	hl->role = body[8];
	if (hl->role > RELAY_ROLE_MASTER || hl->max_frame < RELAY_OVERHEAD)
		return -1;
	return 0;
}

enum relay_drop relay_body_check(const struct relay_hdr *h, const uint8_t *body)
{
	union {
		struct relay_ack a;
		struct relay_resync_req rq;
		struct relay_resync_end re;
		struct relay_hello hl;
	} u;
	unsigned n;
	int r = -1;

	switch (h->kind) {
	case RELAY_DATA:
		r = h->count && relay_data_parse(h, body, NULL, 0, &n) == SYNC_OK ? 0 : -1;
		break;
	case RELAY_ACK:
		r = relay_ack_decode(h, body, &u.a);
		break;
	case RELAY_RESYNC_REQ:
		r = relay_resync_req_decode(h, body, &u.rq);
		break;
	case RELAY_RESYNC_END:
		r = relay_resync_end_decode(h, body, &u.re);
		break;
	case RELAY_HELLO:
		r = relay_hello_decode(h, body, &u.hl);
		break;
	}
	return r ? RELAY_DROP_BODY : RELAY_OK;
}

static const char *const drop_names[RELAY_DROP__COUNT] = {
	[RELAY_OK] = "ok",
	[RELAY_DROP_SHORT] = "short",
	[RELAY_DROP_MAGIC] = "magic",
	[RELAY_DROP_VERSION] = "version",
	[RELAY_DROP_KIND] = "kind",
	[RELAY_DROP_LENGTH] = "length",
	[RELAY_DROP_ZERO] = "zero-field",
	[RELAY_DROP_MAC] = "bad-mac",
	[RELAY_DROP_BODY] = "bad-body",
};

const char *relay_drop_name(enum relay_drop why)
{
	return (unsigned)why < RELAY_DROP__COUNT ? drop_names[why] : "?";
}

const char *relay_kind_name(unsigned kind)
{
	static const char *const names[] = { "?", "data", "ack", "resync-req", "resync-end",
	                                     "hello" };

	return kind <= RELAY_KIND__MAX ? names[kind] : "?";
}
