/* director/notify_fifo.h - event bus hook writing one JSON line per event to global_defs
 * notify_fifo. Never blocks: a full FIFO drops the event and counts it. */
#ifndef DIR_NOTIFY_FIFO_H
#define DIR_NOTIFY_FIFO_H

#include <stdint.h>
#include "director/evbus.h"

struct dir_fifo;

struct dir_fifo *dir_fifo_open(const char *path, struct dir_evbus *bus);
void dir_fifo_close(struct dir_fifo *f, struct dir_evbus *bus);
const char *dir_fifo_path(const struct dir_fifo *f);
uint64_t dir_fifo_dropped(const struct dir_fifo *f);

#endif
