/* tests/unit/vectors/sync/mkinject.c - writes kernel-6.1-inject.txt: v1/v0 messages from
 * tandem's sync builder covering each accept/skip/drop rule (build against libtandem.a:
 * cc -I. -o mkinject tests/unit/vectors/sync/mkinject.c build/libtandem.a). */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/ip_vs.h>
#include "sync/sync_msg.h"
static struct sync_entry base(int cport, const char *c) {
	struct sync_entry e; memset(&e, 0, sizeof e);
	e.af = AF_INET; e.protocol = IPPROTO_TCP; e.state = 1; e.timeout = 900; e.cport = (uint16_t)cport; e.vport = 80; e.dport = 80;
	inet_pton(AF_INET, c, &e.caddr.v4); inet_pton(AF_INET, "10.0.0.1", &e.vaddr.v4); inet_pton(AF_INET, "10.0.1.2", &e.daddr.v4);
	return e;
}
static void hex(const char *tag, const uint8_t *b, size_t n) { printf("%s ", tag); for (size_t i = 0; i < n; i++) printf("%02x", b[i]); printf("\n"); }
int main(void) {
	uint8_t buf[1500], raw[200]; struct sync_builder b; struct sync_entry e; size_t n, len;
	sync_builder_init(&b, buf, 1472, 1);
	e = base(1001, "10.9.0.1"); sync_builder_add(&b, &e);
	e = base(1002, "10.9.0.2"); e.flags = IP_VS_CONN_F_IN_SEQ | IP_VS_CONN_F_OUT_SEQ; e.has_seq = 1;
	e.in_seq = (struct sync_seq){ 1000, 5, 3 }; e.out_seq = (struct sync_seq){ 2000, 7, 1 }; sync_builder_add(&b, &e);
	e = base(1003, "10.9.0.3"); e.af = AF_INET6; inet_pton(AF_INET6, "fd00::9", e.caddr.b); inet_pton(AF_INET6, "fd00::1", e.vaddr.b); inet_pton(AF_INET6, "fd00::2", e.daddr.b); sync_builder_add(&b, &e);
	e = base(0, "10.9.0.4"); e.flags = IP_VS_CONN_F_TEMPLATE; e.state = 0; e.timeout = 300; sync_builder_add(&b, &e);
	e = base(1005, "10.9.0.5"); e.protocol = IPPROTO_UDP; e.state = 0; e.timeout = 300; e.vport = 53; e.dport = 53; sync_builder_add(&b, &e);
	/* optional unknown option: accepted */
	e = base(1006, "10.9.0.6"); n = sync_entry_v1_encode(&e, raw, sizeof raw); raw[n] = 0x45; raw[n+1] = 2; raw[n+2] = 'a'; raw[n+3] = 'b'; n += 4; raw[2] = 0; raw[3] = (uint8_t)n; sync_builder_add_raw(&b, raw, n);
	/* mandatory unknown option: skipped */
	e = base(1007, "10.9.0.7"); n = sync_entry_v1_encode(&e, raw, sizeof raw); raw[n] = 5; raw[n+1] = 2; raw[n+2] = 'a'; raw[n+3] = 'b'; n += 4; raw[3] = (uint8_t)n; sync_builder_add_raw(&b, raw, n);
	e = base(1008, "10.9.0.8"); e.protocol = 99; sync_builder_add(&b, &e);          /* skipped */
	e = base(1009, "10.9.0.9"); e.state = 11; sync_builder_add(&b, &e);             /* skipped */
	e = base(1012, "10.9.0.12"); e.state = 10; sync_builder_add(&b, &e);            /* SYNACK: kept */
	len = sync_builder_finish(&b); hex("mixed", buf, len);
	/* whole message dropped: size mismatch */
	sync_builder_init(&b, buf, 1472, 1); e = base(1010, "10.9.0.10"); sync_builder_add(&b, &e); len = sync_builder_finish(&b);
	buf[3]++; hex("badsize", buf, len);
	/* second entry has a bad option length: the first applied, then dropped */
	sync_builder_init(&b, buf, 1472, 1); e = base(1013, "10.9.0.13"); sync_builder_add(&b, &e);
	e = base(1014, "10.9.0.14"); n = sync_entry_v1_encode(&e, raw, sizeof raw); raw[n] = 2; raw[n+1] = 0; raw[n+2] = 0; raw[n+3] = 0; n += 4; raw[3] = (uint8_t)n; sync_builder_add_raw(&b, raw, n);
	e = base(1015, "10.9.0.15"); sync_builder_add(&b, &e);
	len = sync_builder_finish(&b); hex("optlen", buf, len);
	/* v0 */
	e = base(1011, "10.9.0.11"); len = sync_msg_build_v0(&e, 1, 1, buf, sizeof buf); hex("v0", buf, len);
	return 0;
}
