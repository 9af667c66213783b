/* tests/bench/relay_codec/bench_relay_codec.c - throughput of the relay's codec path on one
 * core, with HMAC-SHA256: synthetic connections as the kernel master thread would send them
 * (v1 messages of up to 40 IPv4 entries, maxlen 1472), then
 *   send: parse the kernel message, pack its entries into DATA frames (max_frame_size),
 *         seal (HMAC), keep a copy in the resend queue, take ACKs;
 *   recv: open (verify the HMAC), replay window, parse the DATA entries, rebuild kernel v1
 *         messages for the local backup thread.
 * Prints entries/s per core (CPU time of this thread) for each side and for both together.
 * Usage: bench_relay_codec [entries] [max_frame] [ipv6-percent] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <openssl/crypto.h>
#include <sys/socket.h>
#include "sync/relay_window.h"

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct blob {
	uint8_t *buf;
	size_t len;
};

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 2000000;
	size_t max_frame = argc > 2 ? strtoul(argv[2], NULL, 10) : 1400;
	unsigned v6pct = argc > 3 ? (unsigned)strtoul(argv[3], NULL, 10) : 0;
	static const uint8_t key[32] = "bench-key-bench-key-bench-key-12";
	struct relay_mac *mac = relay_mac_new(key, sizeof(key));
	struct blob *msgs, *frames;
	size_t nmsg = 0, nframe = 0, i, j, cap_msgs = n / 20 + 16, cap_frames = n / 10 + 16;
	size_t recv_entries = 0, send_entries = 0, out_msgs = 0;
	struct relay_txq q;
	struct relay_txq_conf qc = { .cap = 4096, .window = 1024, .max_frame = (uint32_t)max_frame,
	                             .rto_us = 200000, .rto_max_us = 200000, .max_retries = 3 };
	struct relay_rxwin w;
	struct sync_builder kb;
	struct relay_data_builder d;
	struct relay_hdr h = { .sender = 1, .epoch = 1 };
	static struct sync_entry ents[SYNC_MAX_CONNS];
	static struct sync_entry fents[4096];
	static uint8_t kbuf[1500], fbuf[65536];
	double t0, t_send, t_recv;
	uint8_t *arena;
	uint64_t seq = 0;

	if (!mac || max_frame < 200 || max_frame > RELAY_MAX_FRAME) {
		fprintf(stderr, "usage: %s [entries] [max_frame 200..65507] [ipv6-percent]\n", argv[0]);
		return 2;
	}
	msgs = calloc(cap_msgs, sizeof(*msgs));
	frames = calloc(cap_frames, sizeof(*frames));
	/* sealed frames are also copied here for the receive side (touched before timing) */
	arena = malloc(cap_frames * max_frame);
	if (!msgs || !frames || !arena)
		return 1;
	memset(arena, 0, cap_frames * max_frame);

	/* input: kernel v1 messages, as the master thread sends them */
	sync_builder_init(&kb, kbuf, 1472, 1);
	for (i = 0; i <= n; i++) {
		struct sync_entry e;
		size_t len;

		memset(&e, 0, sizeof(e));
		if (i < n) {
			e.af = (i % 100) < v6pct ? AF_INET6 : AF_INET;
			e.protocol = IPPROTO_TCP;
			e.state = 1;
			e.timeout = 900;
			e.cport = (uint16_t)(1024 + i % 60000);
			e.vport = 443;
			e.dport = 8443;
			e.caddr.v4.s_addr = htonl(0x0a000000u + (uint32_t)(i / 60000));
			e.vaddr.v4.s_addr = htonl(0xc6336401u);
			e.daddr.v4.s_addr = htonl(0x0a010000u + (uint32_t)(i % 16));
			if (e.af == AF_INET6) {
				memset(e.caddr.b, 0, 16);
				e.caddr.b[0] = 0xfd;
				memcpy(e.caddr.b + 12, &i, 4);
				e.vaddr.b[0] = 0xfd;
				e.daddr.b[0] = 0xfd;
			}
			if (sync_builder_add(&kb, &e) == 0)
				continue;
		}
		len = sync_builder_finish(&kb);
		if (len) {
			msgs[nmsg].buf = malloc(len);
			memcpy(msgs[nmsg].buf, kbuf, len);
			msgs[nmsg++].len = len;
		}
		sync_builder_init(&kb, kbuf, 1472, 1);
		if (i < n && sync_builder_add(&kb, &e) != 0)
			return 1;
	}

	if (relay_txq_init(&q, &qc, 1, 1) || relay_rxwin_init(&w, 1, 1024))
		return 1;
	/* --- send side --- */
	t0 = cpu_now();
	relay_data_init(&d, fbuf, max_frame);
	for (i = 0; i <= nmsg; i++) {
		struct sync_msg m;
		int flush = i == nmsg;

		if (!flush && sync_msg_parse(msgs[i].buf, msgs[i].len, 0, &m, ents, SYNC_MAX_CONNS))
			return 1;
		for (j = 0; flush || j < m.n; j++) {
			int r = flush ? 1 : relay_data_add_raw(&d, ents[j].raw, ents[j].raw_len);
			size_t len;

			if (r == 0)
				continue;
			if (d.count) {
				relay_data_hdr(&d, &h);
				h.seq = ++seq;
				len = relay_frame_seal(mac, &h, fbuf, sizeof(fbuf));
				if (!len || nframe == cap_frames)
					return 1;
				if (relay_txq_push(&q, h.seq, 1, fbuf, len, 0) != RELAY_TXQ_OK)
					return 1;
				send_entries += d.count;
				frames[nframe].buf = arena + nframe * max_frame;
				memcpy(frames[nframe].buf, fbuf, len);
				frames[nframe++].len = len;
				/* one cumulative ACK per 32 frames (the peer's rate) */
				if (seq % 32 == 0) {
					struct relay_ack a = { .acked_sender = 1, .acked_epoch = 1, .cum = seq - 16 };

					relay_txq_ack(&q, 0, &a);
				}
			}
			relay_data_init(&d, fbuf, max_frame);
			if (flush)
				break;
			if (relay_data_add_raw(&d, ents[j].raw, ents[j].raw_len))
				return 1;
		}
	}
	t_send = cpu_now() - t0;

	/* --- receive side --- */
	t0 = cpu_now();
	sync_builder_init(&kb, kbuf, 1472, 1);
	for (i = 0; i < nframe; i++) {
		struct relay_hdr g;
		const uint8_t *body;
		unsigned k;

		if (relay_frame_open(mac, frames[i].buf, frames[i].len, &g, &body) != RELAY_OK)
			return 1;
		if (relay_rxwin_accept(&w, g.epoch, g.seq) > RELAY_WIN_NEW_EPOCH)
			return 1;
		if (relay_data_parse(&g, body, fents, 4096, &k) != SYNC_OK)
			return 1;
		for (j = 0; j < k; j++) {
			int r = sync_builder_add_raw(&kb, fents[j].raw, fents[j].raw_len);

			if (r == 1) {
				if (sync_builder_finish(&kb))
					out_msgs++;
				sync_builder_init(&kb, kbuf, 1472, 1);
				r = sync_builder_add_raw(&kb, fents[j].raw, fents[j].raw_len);
			}
			if (r)
				return 1;
		}
		recv_entries += k;
		if (g.seq % 32 == 0) {
			struct relay_ack a;

			relay_rxwin_ack(&w, &a);
		}
	}
	if (sync_builder_finish(&kb))
		out_msgs++;
	t_recv = cpu_now() - t0;

	if (send_entries != n || recv_entries != n) {
		fprintf(stderr, "entries lost: sent %zu, received %zu of %zu\n", send_entries,
		        recv_entries, n);
		return 1;
	}
	printf("relay codec, one core, HMAC-SHA256 (%s), %zu entries (%u%% IPv6), "
	       "max_frame %zu: %zu kernel msgs in, %zu frames (%.1f entries/frame), %zu kernel msgs out\n",
	       OpenSSL_version(OPENSSL_VERSION), n, v6pct, max_frame, nmsg, nframe, (double)n / (double)nframe,
	       out_msgs);
	printf("send  (kernel msg parse + pack + seal + resend queue): %6.2f M entries/s per core\n",
	       (double)n / t_send / 1e6);
	printf("recv  (open/verify + window + parse + kernel msgs):    %6.2f M entries/s per core\n",
	       (double)n / t_recv / 1e6);
	printf("both  (send + recv on the same core):                  %6.2f M entries/s per core\n",
	       (double)n / (t_send + t_recv) / 1e6);
	for (i = 0; i < nmsg; i++)
		free(msgs[i].buf);
	free(arena);
	free(msgs);
	free(frames);
	relay_txq_free(&q);
	relay_rxwin_free(&w);
	relay_mac_free(mac);
	return 0;
}
