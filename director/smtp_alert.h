/* director/smtp_alert.h - e-mail alerts (global_defs notification_email, smtp_server, ...,
 * and the smtp_alert of VRRP instances, sync groups, virtual and real servers; docs/config.md
 * "Mail alerts"). An event-bus hook of the parent turns vrrp.state, vrrp.group, rs.state and
 * vs.quorum events into plain-text mails, queues them (bounded) and sends one at a time with
 * libcurl from a short-lived forked process, so the parent never blocks on a mail server. */
#ifndef DIR_SMTP_ALERT_H
#define DIR_SMTP_ALERT_H

#include <ev.h>
#include "lib/conf.h"

struct dir_evbus;
struct dir_smtp;

struct dir_smtp *dir_smtp_new(struct ev_loop *loop, struct dir_evbus *bus);
/* take the settings of cfg (start and each reload; cfg may be freed afterwards) */
void dir_smtp_config(struct dir_smtp *m, const struct tdm_config *cfg);
/* unhook; a mail being sent finishes on its own (bounded by its timeout) */
void dir_smtp_free(struct dir_smtp *m, struct dir_evbus *bus);

#endif
