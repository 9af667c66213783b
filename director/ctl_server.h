/* director/ctl_server.h - the control socket: a Unix stream socket speaking one JSON object
 * per line each way (docs/control.md). Peer credentials are checked on accept; input lines and
 * output buffers are bounded; a client that stops reading is dropped, never waited for. */
#ifndef DIR_CTL_SERVER_H
#define DIR_CTL_SERVER_H

#include <stdint.h>
#include <json-c/json.h>

#define DIR_CTL_LINE_MAX   65536         /* longest request line (bytes, without "\n") */
#define DIR_CTL_OUT_MAX    (256 * 1024)  /* unsent bytes per client before it is dropped */
#define DIR_CTL_MAX_CLIENTS 128
#define DIR_CTL_JSON_DEPTH 32

struct dir_daemon;
struct dir_ctl;
struct dir_ctl_client;

struct dir_ctl *dir_ctl_open(struct dir_daemon *d, const char *path, const char *group);
/* unlink_path: remove the socket file (the owning parent), not in a forked child */
void dir_ctl_close(struct dir_ctl *c, int unlink_path);
const char *dir_ctl_path(const struct dir_ctl *c);
uint64_t dir_ctl_dropped(const struct dir_ctl *c);    /* clients dropped as slow readers */
unsigned dir_ctl_nclients(const struct dir_ctl *c);

/* for command handlers (ctl_cmds.c) */
void dir_ctl_reply(struct dir_ctl_client *cl, json_object *obj);   /* takes ownership */
void dir_ctl_reply_error(struct dir_ctl_client *cl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* start streaming events; replays the ring from since (seq > since) when has_since */
void dir_ctl_subscribe(struct dir_ctl_client *cl, int has_since, uint64_t since,
                       const char *type_prefix);

/* a request whose reply comes later (ctl_forward.c): hold the client (its further request
 * lines wait, in order) until dir_ctl_release, called after that reply was given */
void dir_ctl_hold(struct dir_ctl_client *cl);
void dir_ctl_release(struct dir_ctl_client *cl);

/* ctl_cmds.c: handle one request object (never NULL, always an object) */
void dir_ctl_dispatch(struct dir_daemon *d, struct dir_ctl_client *cl, json_object *req);

#endif
