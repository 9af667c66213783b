/* director/dir_scripts.h - scripts the parent runs (docs/config.md, "Scripts the daemon
 * runs"): startup_script before the children start, shutdown_script after they stopped (each
 * bounded by its timeout, killed with its process group when it runs out), and the readers
 * of the notify FIFOs (notify_fifo_script, vrrp_notify_fifo_script, lvs_notify_fifo_script),
 * started with the FIFO's path as last argument and stopped (SIGTERM) at shutdown or when
 * the config changes them. Scripts run as vrrp/vrrp_exec.h runs them: /bin/sh -c, own
 * process group, as the script user. */
#ifndef DIR_SCRIPTS_H
#define DIR_SCRIPTS_H

#include <ev.h>
#include "lib/conf.h"

struct dir_scripts;

struct dir_scripts *dir_scripts_new(struct ev_loop *loop);
/* stop the FIFO readers (SIGTERM to their groups) and a startup script still running */
void dir_scripts_free(struct dir_scripts *s);
/* in a forked child: free the memory, leave the parent's scripts alone */
void dir_scripts_forget(struct dir_scripts *s);
/* Start startup_script; done(arg) runs once it ended or was killed at its timeout. Returns 1
 * when it runs (done comes later), 0 when none is configured or it could not start (done is
 * not called: go on at once). */
int dir_scripts_startup(struct dir_scripts *s, const struct tdm_config *cfg,
                        void (*done)(void *arg), void *arg);
/* start, restart or stop the FIFO readers to match cfg */
void dir_scripts_fifos(struct dir_scripts *s, const struct tdm_config *cfg);
/* At shutdown, after the children stopped: stop the FIFO readers, run shutdown_script and
 * wait for it (runs the loop until it ends or its timeout kills it). */
void dir_scripts_shutdown(struct dir_scripts *s, const struct tdm_config *cfg);

#endif
