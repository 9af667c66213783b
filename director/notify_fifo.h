/* director/notify_fifo.h - event bus hooks writing to global_defs notify_fifo (VRRP and LVS
 * lines) and lvs_notify_fifo (LVS lines), in keepalived's line format (notify_line.h) or,
 * with `notify_fifo_format json`, tandem's JSON events. Never blocks: a full FIFO drops the
 * line and counts it. */
#ifndef DIR_NOTIFY_FIFO_H
#define DIR_NOTIFY_FIFO_H

#include <stdint.h>
#include "director/evbus.h"
#include "lib/conf.h"

struct dir_fifo;

/* open, move or close the FIFOs to match cfg (f: the current set, NULL at start); the set,
 * NULL when neither FIFO is configured */
struct dir_fifo *dir_fifo_apply(struct dir_fifo *f, const struct tdm_config *cfg,
                                struct dir_evbus *bus);
void dir_fifo_close(struct dir_fifo *f, struct dir_evbus *bus);
/* notify_fifo's path (lvs_notify_fifo's without it) */
const char *dir_fifo_path(const struct dir_fifo *f);
uint64_t dir_fifo_dropped(const struct dir_fifo *f);

#endif
