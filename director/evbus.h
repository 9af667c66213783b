/* director/evbus.h - the parent's event bus: numbers events (seq), stamps wall and monotonic
 * time, and fans each one out, in order, to the log and to the registered hooks (control
 * socket subscribers, notify FIFO). Keeps a bounded ring of recent events for "since". */
#ifndef DIR_EVBUS_H
#define DIR_EVBUS_H

#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>

#define DIR_EVBUS_RING 4096

struct dir_evbus;

/* line: the event as one JSON text without a newline; ev: the same as an object */
typedef void (*dir_evbus_hook)(void *arg, uint64_t seq, const char *line, size_t len,
                               json_object *ev);

struct dir_evbus *dir_evbus_new(size_t ring_cap);
void dir_evbus_free(struct dir_evbus *bus);
int dir_evbus_add_hook(struct dir_evbus *bus, dir_evbus_hook fn, void *arg);
void dir_evbus_del_hook(struct dir_evbus *bus, dir_evbus_hook fn, void *arg);

/* a new event object {"type":type} to fill and emit */
json_object *dir_event_new(const char *type);
/* emit (takes ownership of ev). Events emitted from inside a hook are queued and fanned out
 * after the current one, so order is preserved. */
void dir_evbus_emit(struct dir_evbus *bus, json_object *ev);
uint64_t dir_evbus_last_seq(const struct dir_evbus *bus);
uint64_t dir_evbus_total(const struct dir_evbus *bus);
/* the retained event with this seq (NULL if not retained); *len its length */
const char *dir_evbus_get(const struct dir_evbus *bus, uint64_t seq, size_t *len);
/* seq of the oldest retained event (last seq + 1 if none) */
uint64_t dir_evbus_oldest(const struct dir_evbus *bus);
/* call fn for every ring event with seq > since, oldest first */
void dir_evbus_replay(struct dir_evbus *bus, uint64_t since, dir_evbus_hook fn, void *arg);

#endif
