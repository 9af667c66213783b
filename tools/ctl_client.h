/* tools/ctl_client.h - tandemctl's connection to the control socket: connect, send one JSON
 * request line, read reply lines with a timeout. */
#ifndef CTL_CLIENT_H
#define CTL_CLIENT_H

#include <stddef.h>
#include <json-c/json.h>

/* tandemctl exit codes (docs/control.md) */
#define CTL_EXIT_OK      0
#define CTL_EXIT_ERROR   1   /* the daemon answered with an error */
#define CTL_EXIT_USAGE   2
#define CTL_EXIT_CONNECT 3   /* cannot connect, daemon gone, or timeout */
#define CTL_EXIT_PERM    4   /* permission denied */

#define CTL_REPLY_MAX (16u * 1024 * 1024)

struct ctl_conn {
	int fd;
	char *buf;
	size_t len, cap;
	size_t consumed;            /* bytes of the line returned last */
};

/* 0 ok, else a CTL_EXIT_* code (message printed to stderr) */
int ctl_connect(struct ctl_conn *c, const char *path, int timeout_ms);
int ctl_send(struct ctl_conn *c, json_object *req);   /* 0 ok, -1 error */
/* next line (NUL-terminated, valid until the next call) into *line.
 * 1 = line, 0 = the daemon closed the connection, -1 = timeout (errno ETIMEDOUT) or error.
 * timeout_ms < 0: wait forever. */
int ctl_read_line(struct ctl_conn *c, int timeout_ms, char **line);
void ctl_close(struct ctl_conn *c);

/* ctl_print.c: human output */
void ctl_print_status(json_object *reply);
void ctl_print_event(json_object *ev);
void ctl_print_diagnostics(json_object *diags);

#endif
