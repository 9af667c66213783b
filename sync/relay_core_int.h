/* sync/relay_core_int.h - what sync/relay_core.c and sync/relay_core_resync.c share inside the
 * relay state machine (not for other callers). */
#ifndef SYNC_RELAY_CORE_INT_H
#define SYNC_RELAY_CORE_INT_H

#include "sync/relay_core.h"

/* relay_core.c */
/* header + tag into rc->fbuf (body already at fbuf + RELAY_HDR_LEN), taking the next seq into
 * *seq (may be NULL); the frame length or 0 */
size_t relay_core_seal(struct relay_core *rc, uint8_t kind, uint16_t flags, size_t body_len,
                       uint16_t count, uint64_t *seq);
void relay_core_send_to(struct relay_core *rc, int peer, const uint8_t *f, size_t len);
/* does the resend queue take a frame with the next seq? */
int relay_core_room(const struct relay_core *rc);

/* relay_core_resync.c */
void relay_resync_event(struct relay_core *rc, int peer, uint32_t sender, int server,
                        const char *phase, uint64_t entries, double dur);
/* serving: start for peer slot `peer` (requester's id, the request's seq; 0 = unasked), one
 * pacing step, stop with status 1 done / 2 aborted (sends RESYNC_END) */
void relay_srv_start(struct relay_core *rc, int peer, uint32_t requester, uint64_t req_seq,
                     uint64_t now);
void relay_srv_step(struct relay_core *rc, uint64_t now);
void relay_srv_stop(struct relay_core *rc, int status, uint64_t now);
int relay_srv_end(struct relay_core *rc, uint32_t status, uint64_t now);
/* asking: a RESYNC_REQ to the MASTER peer (if one is known), a RESYNC_END received */
void relay_req_send(struct relay_core *rc, uint64_t now);
void relay_req_end(struct relay_core *rc, int i, const struct relay_resync_end *e, uint64_t now);

#endif
