/* director/ctl_forward.h - control commands served by a child part (docs/control.md): the
 * parent forwards the request to the child that declares the command and relays its reply. */
#ifndef DIR_CTL_FORWARD_H
#define DIR_CTL_FORWARD_H

#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>

#define DIR_FWD_TIMEOUT_S   5.0
/* with --test-hooks only: the timeout in milliseconds, for tests of the timeout path */
#define DIR_FWD_TIMEOUT_ENV "TANDEMD_FORWARD_TIMEOUT_MS"

struct dir_daemon;
struct dir_child;
struct dir_ctl_client;

/* A request whose "cmd" is not one of the parent's own. -1: no part declares cmd (the caller
 * answers "unknown command"); 0: handled, i.e. forwarded (the client is held until the reply,
 * a timeout or the child's exit) or answered with an error. */
int dir_fwd_dispatch(struct dir_daemon *d, struct dir_ctl_client *cl, json_object *req,
                     const char *cmd);
/* supervisor.c: a TDM_IPC_REPLY from a child */
void dir_fwd_reply(struct dir_child *ch, uint64_t id, const char *text, size_t len);
/* supervisor.c: the child's socket closed (exit, restart): its pending requests fail */
void dir_fwd_child_gone(struct dir_child *ch);
/* ctl_server.c: a held client went away: forget its request (a late reply is dropped) */
void dir_fwd_client_gone(struct dir_daemon *d, struct dir_ctl_client *cl);
/* daemon teardown (also in a freshly forked child): free everything, reply to nobody */
void dir_fwd_free_all(struct dir_daemon *d);

#endif
