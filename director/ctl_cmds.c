/* director/ctl_cmds.c - the control socket's commands (docs/control.md): status, reload,
 * events, ping, and test-emit when tandemd runs with --test-hooks. Any other command a part
 * declares is forwarded to that part's child (ctl_forward.c). */
#include "director/ctl_server.h"

#include <string.h>
#include <unistd.h>
#include "director/child_parts.h"
#include "director/ctl_forward.h"
#include "director/daemon.h"
#include "director/evbus.h"
#include "director/evfeed.h"
#include "director/notify_fifo.h"
#include "director/version.h"
#include "lib/mono.h"

static json_object *str_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

json_object *dir_status_json(struct dir_daemon *d)
{
	json_object *r = json_object_new_object();
	json_object *dm = json_object_new_object();
	json_object *lr = json_object_new_object();
	json_object *kids = json_object_new_array();
	uint64_t now = tdm_mono_ns();
	char ts[TDM_ISO_LEN];

	json_object_object_add(r, "ok", json_object_new_boolean(1));
	json_object_object_add(dm, "pid", json_object_new_int(getpid()));
	json_object_object_add(dm, "version", json_object_new_string(TANDEM_VERSION));
	json_object_object_add(dm, "config_file", json_object_new_string(d->conf_file));
	json_object_object_add(dm, "generation", json_object_new_uint64(d->generation));
	json_object_object_add(dm, "started", json_object_new_string(
		tdm_iso_time(d->started_wall_ns, ts, sizeof(ts))));
	json_object_object_add(dm, "uptime_s",
	                       json_object_new_double((now - d->started_mono_ns) / 1e9));
	json_object_object_add(lr, "ok", json_object_new_boolean(d->last_reload.ok));
	json_object_object_add(lr, "time", json_object_new_string(
		tdm_iso_time(d->last_reload.wall_ns, ts, sizeof(ts))));
	json_object_object_add(lr, "generation", json_object_new_uint64(d->last_reload.generation));
	json_object_object_add(lr, "error", str_or_null(d->last_reload.error));
	json_object_object_add(dm, "last_reload", lr);
	json_object_object_add(dm, "control_socket", str_or_null(dir_ctl_path(d->ctl)));
	json_object_object_add(dm, "event_seq", json_object_new_uint64(dir_evbus_last_seq(d->bus)));
	json_object_object_add(dm, "control_clients_dropped",
	                       json_object_new_uint64(dir_ctl_dropped(d->ctl)));
	if (d->fifo) {
		json_object *nf = json_object_new_object();

		json_object_object_add(nf, "path", json_object_new_string(dir_fifo_path(d->fifo)));
		json_object_object_add(nf, "dropped",
		                       json_object_new_uint64(dir_fifo_dropped(d->fifo)));
		json_object_object_add(dm, "notify_fifo", nf);
	}
	json_object_object_add(r, "daemon", dm);

	for (int i = 0; i < DIR_NPARTS; i++) {
		struct dir_child *ch = &d->children[i];
		json_object *c;

		if (!ch->wanted && ch->pid <= 0)
			continue;
		c = json_object_new_object();
		json_object_object_add(c, "name", json_object_new_string(ch->ops->name));
		json_object_object_add(c, "pid", json_object_new_int(ch->pid > 0 ? ch->pid : 0));
		json_object_object_add(c, "state",
		                       json_object_new_string(dir_child_state_name(ch->state)));
		json_object_object_add(c, "uptime_s", json_object_new_double(
			ch->pid > 0 ? (now - ch->started_mono) / 1e9 : 0.0));
		json_object_object_add(c, "restarts", json_object_new_int(ch->restarts));
		json_object_object_add(c, "generation", json_object_new_uint64(ch->generation));
		json_object_object_add(c, "last_exit",
		                       str_or_null(ch->last_exit[0] ? ch->last_exit : NULL));
		json_object_array_add(kids, c);
	}
	json_object_object_add(r, "children", kids);
	return r;
}

static void cmd_reload(struct dir_daemon *d, struct dir_ctl_client *cl)
{
	json_object *diags = NULL;
	json_object *r;

	if (d->stopping) {
		dir_ctl_reply_error(cl, "the daemon is stopping");
		return;
	}
	r = json_object_new_object();
	if (dir_reload(d, "control", &diags) == 0) {
		json_object_object_add(r, "ok", json_object_new_boolean(1));
		json_object_object_add(r, "generation", json_object_new_uint64(d->generation));
	} else {
		json_object_object_add(r, "ok", json_object_new_boolean(0));
		json_object_object_add(r, "error", json_object_new_string(
			d->last_reload.error ? d->last_reload.error : "reload failed"));
		json_object_object_add(r, "diagnostics", diags ? diags : json_object_new_array());
	}
	dir_ctl_reply(cl, r);
}

static void cmd_events(struct dir_daemon *d, struct dir_ctl_client *cl, json_object *req)
{
	json_object *v;
	const char *prefix = NULL;
	uint64_t since = 0;
	int has_since = 0;

	if (json_object_object_get_ex(req, "since", &v) && v) {
		if (!json_object_is_type(v, json_type_int)) {
			dir_ctl_reply_error(cl, "\"since\" must be an integer");
			return;
		}
		since = json_object_get_uint64(v);
		has_since = 1;
	}
	if (json_object_object_get_ex(req, "type", &v) && v) {
		if (!json_object_is_type(v, json_type_string)) {
			dir_ctl_reply_error(cl, "\"type\" must be a string");
			return;
		}
		prefix = json_object_get_string(v);
	}
	dir_ctl_subscribe(cl, has_since, since, prefix);
}

static void cmd_test_emit(struct dir_daemon *d, struct dir_ctl_client *cl, json_object *req)
{
	json_object *v, *r;
	int64_t count = 1;

	if (!d->opts->test_hooks) {
		dir_ctl_reply_error(cl, "unknown command: test-emit");
		return;
	}
	if (json_object_object_get_ex(req, "count", &v))
		count = json_object_get_int64(v);
	if (count < 0 || count > 1000000) {
		dir_ctl_reply_error(cl, "\"count\" must be 0..1000000");
		return;
	}
	for (int64_t i = 0; i < count; i++) {
		json_object *ev = dir_event_new("test.event");

		json_object_object_add(ev, "n", json_object_new_int64(i));
		dir_evbus_emit(d->bus, ev);
	}
	r = json_object_new_object();
	json_object_object_add(r, "ok", json_object_new_boolean(1));
	json_object_object_add(r, "emitted", json_object_new_int64(count));
	dir_ctl_reply(cl, r);
}

void dir_ctl_dispatch(struct dir_daemon *d, struct dir_ctl_client *cl, json_object *req)
{
	json_object *cmdv;
	const char *cmd;

	if (!json_object_object_get_ex(req, "cmd", &cmdv) ||
	    !json_object_is_type(cmdv, json_type_string)) {
		dir_ctl_reply_error(cl, "malformed request: missing \"cmd\" string");
		return;
	}
	cmd = json_object_get_string(cmdv);
	if (!strcmp(cmd, "ping")) {
		json_object *r = json_object_new_object();

		json_object_object_add(r, "ok", json_object_new_boolean(1));
		dir_ctl_reply(cl, r);
	} else if (!strcmp(cmd, "status")) {
		dir_ctl_reply(cl, dir_status_json(d));
	} else if (!strcmp(cmd, "reload")) {
		cmd_reload(d, cl);
	} else if (!strcmp(cmd, "events")) {
		cmd_events(d, cl, req);
	} else if (!strcmp(cmd, "metrics")) {
		dir_ctl_reply(cl, dir_metrics_json(d));
	} else if (!strcmp(cmd, "test-emit")) {
		cmd_test_emit(d, cl, req);
	} else if (dir_fwd_dispatch(d, cl, req, cmd) < 0) {
		char safe[64];

		snprintf(safe, sizeof(safe), "%s", cmd);
		dir_ctl_reply_error(cl, "unknown command: %s", safe);
	}
}
