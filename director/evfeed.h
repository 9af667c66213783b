/* director/evfeed.h - the event feed from the parent's bus to the children whose part asks
 * for events (dir_part_ops.event_types / on_event). Each such child gets a dedicated
 * SOCK_SEQPACKET socket (passed with TDM_IPC_FEED right after its first config), so a slow
 * feed never delays config, heartbeats or commands on the main socketpair. On it, in order:
 *   {"type":"feed.state","replay":true,"last_seq":N,"status":{the status reply},
 *    "view":{"vrrp":[...]}}  (the parent's monitoring view: state learnt from all events)
 *   the retained ring events of the part's types with seq <= N (a replay),
 *   then every new event of those types as the bus numbers it,
 *   and a fresh "feed.state" (replay false) after each daemon.*, child.* or config.* event
 *   and whenever a child reports ready.
 * Packets are TDM_IPC_EVENT with one or more event lines separated by '\n'. A child that
 * falls more than DIR_FEED_MAX_QUEUED lines behind is resynchronised: its queue is dropped
 * and it starts over with a replaying feed.state. The parent also keeps its own monitoring
 * view (snmp/snmp_view.h) from every event, for `tandemctl metrics`. */
#ifndef DIR_EVFEED_H
#define DIR_EVFEED_H

#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>

#define DIR_FEED_MAX_QUEUED 16384

struct dir_daemon;
struct dir_child;
struct dir_part_ops;
struct snmp_view;

/* after the bus exists (dir_sup_init); 0 / -1 */
int dir_feed_init(struct dir_daemon *d);
/* teardown, also in a freshly forked child (closes the parent's feed sockets) */
void dir_feed_free(struct dir_daemon *d);
/* after a child was forked and sent its config: open its feed if the part wants one */
void dir_feed_child_start(struct dir_child *ch);
/* the child's socket closed */
void dir_feed_child_gone(struct dir_child *ch);
/* something in the status changed without an event (a child became ready) */
void dir_feed_state_changed(struct dir_daemon *d);
/* does the part want events of this type? */
int dir_feed_wants(const struct dir_part_ops *ops, const char *type);
/* the parent's monitoring view, status refreshed now (NULL before init) */
const struct snmp_view *dir_feed_view(struct dir_daemon *d);
/* metrics.c: the reply to {"cmd":"metrics"}: {"ok":true,"content_type":"text/plain;
 * version=0.0.4; charset=utf-8","text":"<Prometheus text exposition>"} */
json_object *dir_metrics_json(struct dir_daemon *d);
/* lines dropped by resyncs, all children */
uint64_t dir_feed_dropped(const struct dir_daemon *d);

#endif
