/* director/daemon.h - the tandemd parent process: options, the daemon state shared by the
 * supervisor, reload, event bus and control socket modules, and their entry points. */
#ifndef DIR_DAEMON_H
#define DIR_DAEMON_H

#include <stdint.h>
#include <sys/types.h>
#include <ev.h>
#include <json-c/json.h>
#include "lib/conf.h"

#define DIR_DEFAULT_CONF     "/etc/tandem/tandem.conf"
#define DIR_FALLBACK_CONF    "/etc/keepalived/keepalived.conf"
#define DIR_DEFAULT_PIDFILE  "/run/tandem/tandemd.pid"
#define DIR_DEFAULT_CONTROL  "/run/tandem/tandemd.sock"
#define DIR_STOP_TIMEOUT_S   5.0
#define DIR_BACKOFF_MIN_MS   100u
#define DIR_BACKOFF_MAX_MS   30000u
#define DIR_HEALTHY_RESET_S  60.0
#define DIR_HB_MISSES        3

struct dir_opts {
	const char *conf_file;
	int foreground;             /* -n */
	unsigned log_flags;         /* TDM_LOGF_* */
	const char *conf_id;        /* -i */
	const char *pidfile;        /* -p; NULL = /run/tandem/tandemd[_INSTANCE].pid */
	unsigned parts_mask;        /* -P / -C: TDM_PART_* allowed; 0 = all */
	int lenient;                /* --compat=lenient */
	const char *control_path;   /* --control; NULL = config or default */
	unsigned heartbeat_ms;      /* --heartbeat */
	int test_hooks;             /* --test-hooks: enables the test-only control commands */
};

enum dir_child_state {
	DIR_CHILD_STOPPED = 0,
	DIR_CHILD_STARTING,
	DIR_CHILD_RUNNING,
	DIR_CHILD_RESTARTING,
};

struct dir_part_ops;
struct dir_daemon;

struct dir_child {
	struct dir_daemon *d;
	const struct dir_part_ops *ops;
	int wanted;                 /* the config (and -P/-C) asks for this part */
	enum dir_child_state state;
	pid_t pid;
	int sock;                   /* parent side of the socketpair, -1 if none */
	ev_io io;
	ev_child cw;
	ev_timer restart_timer;
	uint64_t started_mono;      /* fork time */
	uint64_t last_pong_mono;
	uint64_t ping_seq;
	uint64_t generation;        /* config generation the child reported holding */
	unsigned restarts;
	unsigned backoff_ms;        /* next restart delay */
	int hb_killed;              /* SIGKILLed for missing heartbeats */
	char last_exit[48];         /* "" = none */
};

#define DIR_NPARTS 4

struct dir_reload_result {
	int valid;                  /* a reload was attempted (or the initial load) */
	int ok;
	uint64_t wall_ns;
	uint64_t generation;
	char *error;                /* first error "file:line:col: msg", NULL if ok */
};

struct dir_evbus;
struct dir_ctl;
struct dir_fifo;
struct dir_fwd_req;

struct dir_daemon {
	struct ev_loop *loop;
	const struct dir_opts *opts;
	struct tdm_conf_opts copts;
	const char *conf_file;

	struct tdm_canon canon;
	struct tdm_config *cfg;
	int snap_fd;                /* sealed memfd holding canon.text for this generation */
	uint64_t generation;
	uint64_t reload_t0_ns;      /* monotonic time the last (successful) reload began */
	struct dir_reload_result last_reload;

	uint64_t started_wall_ns, started_mono_ns;
	struct dir_child children[DIR_NPARTS];

	struct dir_evbus *bus;
	struct dir_ctl *ctl;
	struct dir_fifo *fifo;
	char *control_path;
	char *control_group;

	int pid_fd;
	ev_signal sig_hup, sig_term, sig_int, sig_usr1;
	ev_timer hb_timer, wd_timer, stop_timer;
	uint64_t last_hb_tick;      /* monotonic time of the last heartbeat round */
	int stopping;
	struct dir_fwd_req *fwd_reqs;   /* control requests forwarded to children (ctl_forward.c) */
	uint64_t fwd_next_id;
	int is_child;               /* set in a forked child before it frees the parent state */
	struct dir_feed *feed;      /* event feed to children + the metrics view (evfeed.c) */
	struct dir_metrics_http *metrics_http;  /* metrics_listen endpoint (metrics_http.c) */
	struct dir_scripts *scripts;    /* startup/shutdown and FIFO reader scripts (dir_scripts.c) */
	int startup_pending;            /* startup_script runs: children start after it */
	char *pidfile;                  /* -p, else named after `instance` (globals.c) */
	struct dir_smtp *smtp;          /* mail alerts (smtp_alert.c) */
	struct dir_reload_timer *reload_timer;  /* reload_time_file (reload_timer.c) */
	char *netns;                    /* net_namespace entered at start, NULL if none */
};

/* tandemd_main.c helpers live there; the rest: */

/* daemon.c: run the daemon with an already loaded config (takes ownership of canon/cfg).
 * Returns the process exit status. */
int dir_daemon_run(const struct dir_opts *opts, const char *conf_file,
                   struct tdm_canon *canon, struct tdm_config *cfg);
void dir_daemon_stop(struct dir_daemon *d);
/* free parent-only state in a freshly forked child (no unlinks, no signals to anyone) */
void dir_daemon_forget(struct dir_daemon *d);
/* the parts this config wants, after -P/-C */
unsigned dir_daemon_parts(const struct dir_daemon *d, const struct tdm_config *cfg);
/* log the daemon's state (SIGUSR1) */
void dir_daemon_dump(struct dir_daemon *d);
/* after a reload swapped in d->cfg: umask, FIFO reader scripts, running children's process
 * settings (globals.h) */
void dir_daemon_reloaded(struct dir_daemon *d);

/* pidfile.c */
int dir_pidfile_lock(const char *path, int *fd_out);   /* 0 ok, -1 error (message logged) */
int dir_pidfile_write(int fd);
void dir_pidfile_remove(const char *path, int fd);

/* snapshot.c: sealed memfd holding a NUL-terminated text (len + 1 bytes) */
/* canon (may be NULL): its origin map travels with the text */
int dir_snapshot_create(const char *text, size_t len, const struct tdm_canon *canon);
/* checks the seals; origin (may be NULL) gets the origin map if the snapshot has one
 * (free with dir_origin_free) */
int dir_snapshot_map(int fd, const char **text, size_t *len, struct tdm_canon *origin);
void dir_snapshot_unmap(int fd, const char *text);
void dir_origin_free(struct tdm_canon *o);
/* "file:line" of a canonical line, or "config line N" without an origin map */
void dir_origin_where(const struct tdm_canon *o, uint32_t line, char *buf, size_t cap);

/* supervisor.c */
void dir_sup_init(struct dir_daemon *d);
int dir_sup_start(struct dir_child *ch);
void dir_sup_apply_parts(struct dir_daemon *d, unsigned parts);  /* start/stop per part */
void dir_sup_send_config(struct dir_child *ch);
void dir_sup_stop_all(struct dir_daemon *d);
int dir_sup_all_stopped(const struct dir_daemon *d);
void dir_sup_grace(struct dir_daemon *d);  /* reset heartbeat clocks after a long stall */
const char *dir_child_state_name(enum dir_child_state s);

/* reload.c: source "sighup" | "control" | "start". On failure *diags_json (if not NULL)
 * receives a json array of the diagnostics. 0 ok, -1 refused. */
int dir_reload(struct dir_daemon *d, const char *source, json_object **diags_json);
/* first error diagnostic as "file:line:col: msg" (malloc'd), or NULL */
char *dir_diags_first_error(const struct tdm_diags *diags);
json_object *dir_diags_to_json(const struct tdm_diags *diags);
void dir_diags_log(const struct tdm_diags *diags);
/* global_defs settings read from the tree (kept independent of struct layout) */
const char *dir_global_str(const struct tdm_config *cfg, const char *kw);

/* ctl_cmds.c */
json_object *dir_status_json(struct dir_daemon *d);

#endif
