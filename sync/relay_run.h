/* sync/relay_run.h - the running relay inside the sync child: sockets (relay_os.h), libev
 * watchers and one timer around the pure relay_core, the key, sender id and epoch, the
 * forwarding methods for resync answers from the config, bus events and the status reply.
 * sync/sync_child.c starts it when sync_relay is configured. */
#ifndef SYNC_RELAY_RUN_H
#define SYNC_RELAY_RUN_H

#include <stddef.h>
#include <stdint.h>
#include <ev.h>
#include <json-c/json.h>
#include "lib/conf.h"
#include "sync/sync_daemon.h"
#include "sync/sync_msg.h"

/* the local kernel threads' side: where the master thread sends and the backup listens */
struct relay_local {
	char ifname[16];
	int af;
	union sync_addr group;
	uint16_t port;              /* host order */
	uint8_t syncid;
	uint32_t maxlen;            /* messages to the backup thread */
};

typedef void (*relay_emit_fn)(void *arg, json_object *ev);   /* takes ownership of ev */

struct relay_run;

/* The relay of cfg->sync->relay. NULL with err (bad key file, no memory); socket failures
 * do not stop it: they are reported in the status and retried. */
struct relay_run *relay_run_start(struct ev_loop *loop, const struct tdm_config *cfg,
                                  const struct relay_local *local, relay_emit_fn emit,
                                  void *arg, char *err, size_t errlen);
void relay_run_stop(struct relay_run *r);
/* does cfg ask for exactly the relay that runs? (else: stop and start a new one) */
int relay_run_same(const struct relay_run *r, const struct tdm_config *cfg,
                   const struct relay_local *local);
/* a reload that keeps the relay: the services (forwarding methods for resync) again */
void relay_run_reconfig(struct relay_run *r, const struct tdm_config *cfg);
void relay_run_set_role(struct relay_run *r, enum sync_role role);
void relay_run_resync(struct relay_run *r);
/* the "relay" object of the sync command's reply */
json_object *relay_run_status(struct relay_run *r);

#endif
