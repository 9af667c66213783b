/* director/auto_prio.h - max_auto_priority / min_auto_priority_delay (docs/config.md, "Process
 * settings"): when the vrrp child reports a late wake-up (vrrp.stall) of at least
 * min_auto_priority_delay, the parent raises the child's real-time priority by one (or makes
 * it real-time at 1), up to max_auto_priority. An event-bus hook of the parent. */
#ifndef DIR_AUTO_PRIO_H
#define DIR_AUTO_PRIO_H

#include <json-c/json.h>
#include <stdint.h>

struct dir_daemon;

/* dir_evbus_hook for the parent's bus, arg = the daemon */
void dir_auto_prio_hook(void *arg, uint64_t seq, const char *line, size_t len, json_object *ev);

#endif
