/* director/daemon.c - the tandemd parent: pidfile, daemonizing, the libev loop and signals
 * (SIGHUP reload, SIGTERM/SIGINT stop, SIGUSR1 state dump), systemd notification and
 * watchdog, start-up and orderly shutdown. */
#include "director/daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>
#include "director/auto_prio.h"
#include "director/child_parts.h"
#include "director/ctl_forward.h"
#include "director/ctl_server.h"
#include "director/dir_scripts.h"
#include "director/evbus.h"
#include "director/evfeed.h"
#include "director/globals.h"
#include "director/metrics_http.h"
#include "director/notify_fifo.h"
#include "director/reload_timer.h"
#include "director/smtp_alert.h"
#include "lib/log.h"
#include "lib/mono.h"

unsigned dir_daemon_parts(const struct dir_daemon *d, const struct tdm_config *cfg)
{
	unsigned parts = cfg ? cfg->parts : 0;

	/* the objects imply their parts too (whatever the tables set in cfg->parts) */
	for (size_t i = 0; cfg && i < cfg->nobjs; i++) {
		switch (cfg->objs[i].kind) {
		case TDM_OBJ_VRRP_SCRIPT:
		case TDM_OBJ_VRRP_SYNC_GROUP:
		case TDM_OBJ_VRRP_INSTANCE:
			parts |= TDM_PART_VRRP;
			break;
		case TDM_OBJ_VS_GROUP:
		case TDM_OBJ_VIRTUAL_SERVER:
		case TDM_OBJ_REAL_SERVER:
		case TDM_OBJ_CHECKER:
			parts |= TDM_PART_CHECK;
			break;
		case TDM_OBJ_SYNC:
			parts |= TDM_PART_SYNC;
			break;
		default:
			break;
		}
	}

	if (d->opts->parts_mask)
		parts &= d->opts->parts_mask;
	return parts;
}

static void cleanup(struct dir_daemon *d, int owner)
{
	dir_fwd_free_all(d);
	dir_ctl_close(d->ctl, owner);
	d->ctl = NULL;
	dir_fifo_close(d->fifo, NULL);
	d->fifo = NULL;
	dir_smtp_free(d->smtp, d->bus);
	d->smtp = NULL;
	dir_reload_timer_free(d->reload_timer, !d->is_child);
	d->reload_timer = NULL;
	if (!d->is_child)
		dir_scripts_free(d->scripts);
	else
		dir_scripts_forget(d->scripts); /* a forked child: the scripts are the parent's */
	d->scripts = NULL;
	if (owner)
		dir_pidfile_remove(d->pidfile, d->pid_fd);
	else if (d->pid_fd >= 0)
		close(d->pid_fd);
	d->pid_fd = -1;
	dir_metrics_http_close(d, d->is_child);
	dir_feed_free(d);
	dir_evbus_free(d->bus);
	d->bus = NULL;
	tdm_canon_free(&d->canon);
	tdm_config_free(d->cfg);
	d->cfg = NULL;
	if (d->snap_fd >= 0)
		close(d->snap_fd);
	free(d->last_reload.error);
	free(d->control_path);
	free(d->pidfile);
	free(d->netns);
	if (d->loop)
		ev_loop_destroy(d->loop);
	free(d);
}

void dir_daemon_forget(struct dir_daemon *d)
{
	d->is_child = 1;
	cleanup(d, 0);
	tdm_log_close();
}

void dir_daemon_dump(struct dir_daemon *d)
{
	json_object *st = dir_status_json(d);

	tdm_log_notice("state: %s", json_object_to_json_string_ext(st, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(st);
}

static void on_stop_timeout(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct dir_daemon *d = w->data;

	for (int i = 0; i < DIR_NPARTS; i++) {
		struct dir_child *ch = &d->children[i];

		if (ch->pid > 0) {
			tdm_log_warn("child %s (pid %d) did not stop within %.0f s (child_wait_time): "
			             "SIGKILL", ch->ops->name, (int)ch->pid, w->repeat);
			kill(ch->pid, SIGKILL);
		}
	}
}

void dir_daemon_stop(struct dir_daemon *d)
{
	if (d->stopping)
		return;
	d->stopping = 1;
	tdm_log_notice("stopping");
	sd_notify(0, "STOPPING=1");
	dir_evbus_emit(d->bus, dir_event_new("daemon.stop"));
	dir_sup_stop_all(d);
	if (dir_sup_all_stopped(d)) {
		ev_break(d->loop, EVBREAK_ALL);
		return;
	}
	{
		double wait = dir_child_wait_time(d->cfg, DIR_STOP_TIMEOUT_S);

		ev_timer_init(&d->stop_timer, on_stop_timeout, wait, wait);
	}
	d->stop_timer.data = d;
	ev_timer_start(d->loop, &d->stop_timer);
}

static void on_signal(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct dir_daemon *d = w->data;

	switch (w->signum) {
	case SIGHUP:
		if (!d->stopping)
			dir_reload(d, "sighup", NULL);
		break;
	case SIGUSR1:
		dir_daemon_dump(d);
		break;
	default:
		tdm_log_notice("signal %d received", w->signum);
		dir_daemon_stop(d);
		break;
	}
}

static void on_watchdog(struct ev_loop *loop, ev_timer *w, int revents)
{
	sd_notify(0, "WATCHDOG=1");
}

static int daemonize(void)
{
	pid_t pid = fork();
	int fd;

	if (pid < 0)
		return -1;
	if (pid > 0)
		_exit(0);
	if (setsid() < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid > 0)
		_exit(0);
	if (chdir("/") < 0)
		return -1;
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	return 0;
}

static void startup_done(void *arg)
{
	struct dir_daemon *d = arg;

	d->startup_pending = 0;
	if (!d->stopping)
		dir_sup_apply_parts(d, dir_daemon_parts(d, d->cfg));
}

static void apply_umask(const struct tdm_config *cfg)
{
	mode_t m = dir_umask_get(cfg);

	if (umask(m) != m)
		tdm_log_info("umask %03o", (unsigned)m);
}

void dir_daemon_reloaded(struct dir_daemon *d)
{
	const struct tdm_cnode *ns = dir_gdef(d->cfg, "net_namespace");

	if (ns && strcmp(ns->argv[0], d->netns ? d->netns : ""))
		tdm_log_warn("net_namespace %s: takes effect at the next restart", ns->argv[0]);
	else if (!ns && d->netns)
		tdm_log_warn("net_namespace removed: takes effect at the next restart");
	apply_umask(d->cfg);
	dir_scripts_fifos(d->scripts, d->cfg);
	dir_smtp_config(d->smtp, d->cfg);
	dir_reload_timer_apply(d);
	for (int i = 0; i < DIR_NPARTS; i++) {
		struct dir_child *ch = &d->children[i];
		struct dir_tune t;

		if (ch->pid <= 0)
			continue;
		dir_tune_get(d->cfg, ch->ops->part, &t);
		dir_tune_pid(ch->pid, &t, ch->ops->name);
	}
}

static void sig_init(struct dir_daemon *d, ev_signal *w, int signum)
{
	ev_signal_init(w, on_signal, signum);
	w->data = d;
	ev_signal_start(d->loop, w);
}

int dir_daemon_run(const struct dir_opts *opts, const char *conf_file,
                   struct tdm_canon *canon, struct tdm_config *cfg)
{
	struct dir_daemon *d = calloc(1, sizeof(*d));
	const char *path;
	uint64_t wd_usec = 0;
	json_object *ev;

	if (!d)
		return 1;
	d->opts = opts;
	d->conf_file = conf_file;
	d->copts.conf_id = opts->conf_id;
	d->copts.lenient = opts->lenient;
	d->copts.check_interfaces = 1;
	d->canon = *canon;
	memset(canon, 0, sizeof(*canon));
	d->cfg = cfg;
	d->snap_fd = -1;
	d->pid_fd = -1;
	d->generation = 1;

	apply_umask(cfg);
	if (dir_netns_enter(cfg) < 0) {
		fprintf(stderr, "tandemd: cannot enter the configured net_namespace (see the log)\n");
		cleanup(d, 0);
		return 1;
	}
	if (dir_gdef(cfg, "net_namespace"))
		d->netns = strdup(dir_gdef(cfg, "net_namespace")->argv[0]);
	d->pidfile = opts->pidfile ? strdup(opts->pidfile) : dir_default_run_path(cfg, "pid");
	if (!d->pidfile) {
		cleanup(d, 0);
		return 1;
	}
	if (!opts->pidfile)
		dir_make_parents(d->pidfile);
	if (dir_pidfile_lock(d->pidfile, &d->pid_fd) < 0) {
		cleanup(d, 0);
		return 1;
	}
	if (!opts->foreground && daemonize() < 0) {
		tdm_log_err("daemonize: %s", strerror(errno));
		cleanup(d, 0);
		return 1;
	}
	dir_pidfile_write(d->pid_fd);
	signal(SIGPIPE, SIG_IGN);
	d->loop = ev_default_loop(EVFLAG_AUTO);
	d->started_wall_ns = tdm_wall_ns();
	d->started_mono_ns = tdm_mono_ns();
	d->reload_t0_ns = d->started_mono_ns;
	d->bus = dir_evbus_new(0);
	d->snap_fd = dir_snapshot_create(d->canon.text, d->canon.len, &d->canon);
	if (!d->bus || d->snap_fd < 0)
		goto fail;

	path = opts->control_path;
	if (!path)
		path = dir_global_str(cfg, "control_socket");
	if (!path) {
		/* the default, or named after `instance` */
		d->control_path = dir_default_run_path(cfg, "sock");
		path = d->control_path ? d->control_path : DIR_DEFAULT_CONTROL;
		dir_make_parents(path);
	}
	d->ctl = dir_ctl_open(d, path, dir_global_str(cfg, "control_socket_group"));
	if (!d->ctl) {
		fprintf(stderr, "tandemd: cannot open the control socket %s (see the log)\n", path);
		goto fail;
	}
	d->fifo = dir_fifo_apply(NULL, cfg, d->bus);
	dir_metrics_http_apply(d, dir_global_str(cfg, "metrics_listen"));
	d->scripts = dir_scripts_new(d->loop);
	dir_scripts_fifos(d->scripts, cfg);
	dir_evbus_add_hook(d->bus, dir_auto_prio_hook, d);
	d->smtp = dir_smtp_new(d->loop, d->bus);
	if (d->smtp)
		dir_smtp_config(d->smtp, cfg);
	dir_reload_timer_apply(d);

	sig_init(d, &d->sig_hup, SIGHUP);
	sig_init(d, &d->sig_term, SIGTERM);
	sig_init(d, &d->sig_int, SIGINT);
	sig_init(d, &d->sig_usr1, SIGUSR1);
	dir_sup_init(d);

	d->last_reload.valid = 1;
	d->last_reload.ok = 1;
	d->last_reload.wall_ns = d->started_wall_ns;
	d->last_reload.generation = d->generation;
	tdm_log_notice("tandemd starting: config %s, generation %llu, pid %d", conf_file,
	               (unsigned long long)d->generation, (int)getpid());
	ev = dir_event_new("daemon.start");
	json_object_object_add(ev, "pid", json_object_new_int(getpid()));
	json_object_object_add(ev, "generation", json_object_new_uint64(d->generation));
	dir_evbus_emit(d->bus, ev);
	/* startup_script runs before any child; the children start when it ended */
	d->startup_pending = dir_scripts_startup(d->scripts, cfg, startup_done, d);
	if (!d->startup_pending)
		dir_sup_apply_parts(d, dir_daemon_parts(d, cfg));

	if (sd_watchdog_enabled(0, &wd_usec) > 0 && wd_usec) {
		ev_timer_init(&d->wd_timer, on_watchdog, wd_usec / 2e6, wd_usec / 2e6);
		ev_timer_start(d->loop, &d->wd_timer);
	}
	sd_notifyf(0, "READY=1\nMAINPID=%d\nSTATUS=running, config generation %llu",
	           (int)getpid(), (unsigned long long)d->generation);

	ev_run(d->loop, 0);

	dir_scripts_shutdown(d->scripts, d->cfg);
	tdm_log_notice("stopped");
	cleanup(d, 1);
	return 0;
fail:
	cleanup(d, 1);
	return 1;
}
