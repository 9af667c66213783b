/* director/notify_line.h - keepalived's notify FIFO line format from bus events:
 *   vrrp.state  -> INSTANCE "VI_1" MASTER 100      (INIT is not written)
 *   vrrp.group  -> GROUP "G1" BACKUP 0
 *   rs.state    -> RS [198.51.100.11]:tcp:80 [192.0.2.10]:tcp:80 UP   (up/down changes only)
 *   vs.quorum   -> VS [192.0.2.10]:tcp:80 DOWN                        (changes only)
 * Virtual servers are written [ADDR]:PROTO:PORT, "FWM N" or "[GROUP]:0", as keepalived 2.2.7
 * writes them. A virtual server without quorum settings gets VS lines when its live weight
 * crosses 1 (keepalived's default quorum). */
#ifndef DIR_NOTIFY_LINE_H
#define DIR_NOTIFY_LINE_H

#include <stddef.h>
#include <json-c/json.h>

#define DIR_NOTIFY_VRRP 1u      /* INSTANCE and GROUP lines */
#define DIR_NOTIFY_LVS  2u      /* RS and VS lines */

struct dir_notify_lines;

struct dir_notify_lines *dir_notify_lines_new(void);
void dir_notify_lines_free(struct dir_notify_lines *s);
/* the line(s) for ev into buf (NUL-terminated, each ending in '\n'); their length, 0 when
 * the event gives none of the kinds asked for. Every event of a kind is passed (state). */
size_t dir_notify_line(struct dir_notify_lines *s, json_object *ev, unsigned kinds, char *buf,
                       size_t len);
/* keepalived's names for a virtual server id ("tcp 192.0.2.10:80") and for the real server
 * of a real server id ("tcp 192.0.2.10:80/198.51.100.11:80"); 0 / -1 */
int dir_notify_fmt_vs(const char *id, char *buf, size_t len);
int dir_notify_fmt_rs(const char *id, char *buf, size_t len);

#endif
