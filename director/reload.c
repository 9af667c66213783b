/* director/reload.c - reload (SIGHUP / control "reload"): parse and validate the config into a
 * new object; on any error keep the running one and report; on success swap, bump the
 * generation, hand the new snapshot to the children and start/stop children whose part
 * appeared or disappeared. Also the diagnostics helpers the parent uses. */
#include "director/daemon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <systemd/sd-daemon.h>
#include "director/child_parts.h"
#include "director/evbus.h"
#include "director/globals.h"
#include "director/metrics_http.h"
#include "director/notify_fifo.h"
#include "lib/log.h"
#include "lib/mono.h"

static const char *sev_name(enum tdm_sev s)
{
	switch (s) {
	case TDM_SEV_NOTE: return "note";
	case TDM_SEV_WARN: return "warning";
	case TDM_SEV_ERROR: return "error";
	default: return "fatal";
	}
}

char *dir_diags_first_error(const struct tdm_diags *diags)
{
	for (size_t i = 0; i < diags->n; i++) {
		const struct tdm_diag *g = &diags->v[i];
		char *s;

		if (g->sev < TDM_SEV_ERROR)
			continue;
		if (asprintf(&s, "%s:%d:%d: %s", g->file ? g->file : "<config>", g->line, g->col,
		             g->msg ? g->msg : "") < 0)
			return NULL;
		return s;
	}
	return NULL;
}

json_object *dir_diags_to_json(const struct tdm_diags *diags)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < diags->n; i++) {
		const struct tdm_diag *g = &diags->v[i];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "severity", json_object_new_string(sev_name(g->sev)));
		json_object_object_add(o, "file", g->file ? json_object_new_string(g->file) : NULL);
		json_object_object_add(o, "line", json_object_new_int(g->line));
		json_object_object_add(o, "col", json_object_new_int(g->col));
		json_object_object_add(o, "message", json_object_new_string(g->msg ? g->msg : ""));
		json_object_array_add(a, o);
	}
	return a;
}

void dir_diags_log(const struct tdm_diags *diags)
{
	for (size_t i = 0; i < diags->n; i++) {
		const struct tdm_diag *g = &diags->v[i];
		int level = g->sev >= TDM_SEV_ERROR ? TDM_LOG_ERR :
		            g->sev == TDM_SEV_WARN ? TDM_LOG_WARN : TDM_LOG_NOTICE;

		tdm_log(level, "%s:%d:%d: %s: %s", g->file ? g->file : "<config>", g->line, g->col,
		        sev_name(g->sev), g->msg ? g->msg : "");
	}
}

const char *dir_global_str(const struct tdm_config *cfg, const char *kw)
{
	const struct tdm_cnode *top, *n;

	if (!cfg || !cfg->root)
		return NULL;
	for (top = cfg->root->child; top; top = top->next) {
		if (!top->kw || strcmp(top->kw, "global_defs"))
			continue;
		for (n = top->child; n; n = n->next)
			if (n->kw && !strcmp(n->kw, kw) && n->argc >= 1)
				return n->argv[0];
	}
	return NULL;
}

static void reload_event(struct dir_daemon *d, const char *source, int ok, const char *err)
{
	json_object *ev = dir_event_new("config.reload");

	json_object_object_add(ev, "ok", json_object_new_boolean(ok));
	json_object_object_add(ev, "generation", json_object_new_uint64(d->generation));
	if (!ok)
		json_object_object_add(ev, "error", json_object_new_string(err ? err : "failed"));
	json_object_object_add(ev, "source", json_object_new_string(source));
	dir_evbus_emit(d->bus, ev);
}

static void set_last(struct dir_daemon *d, int ok, char *err)
{
	free(d->last_reload.error);
	d->last_reload.valid = 1;
	d->last_reload.ok = ok;
	d->last_reload.wall_ns = tdm_wall_ns();
	d->last_reload.generation = d->generation;
	d->last_reload.error = err;
}

static int same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

int dir_reload(struct dir_daemon *d, const char *source, json_object **diags_json)
{
	uint64_t t0 = tdm_mono_ns();
	struct tdm_canon canon;
	struct tdm_config *cfg = NULL;
	struct tdm_diags diags;
	unsigned parts;
	int snap = -1;
	char *err, *rfile;

	memset(&canon, 0, sizeof(canon));
	tdm_diags_init(&diags);
	sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu", (unsigned long long)(t0 / 1000));
	tdm_log_notice("reloading %s (%s)", d->conf_file, source);
	rfile = dir_reload_file_begin(d->cfg);
	tdm_conf_load(d->conf_file, &d->copts, &canon, &cfg, &diags);
	dir_reload_file_end(rfile);
	dir_diags_log(&diags);
	dir_reload_check_log(d->cfg, &diags, !cfg || !canon.text || diags.nerr || diags.nfatal);
	if (!cfg || !canon.text || diags.nerr || diags.nfatal)
		goto refused;
	snap = dir_snapshot_create(canon.text, canon.len, &canon);
	if (snap < 0) {
		tdm_diags_add(&diags, TDM_SEV_FATAL, NULL, 0, 0, "cannot create config snapshot");
		goto refused;
	}

	if (!d->opts->control_path &&
	    !same_str(dir_global_str(cfg, "control_socket"), dir_global_str(d->cfg, "control_socket")))
		tdm_log_warn("control_socket changed: takes effect at the next restart");
	if (!same_str(dir_global_str(cfg, "control_socket_group"),
	              dir_global_str(d->cfg, "control_socket_group")))
		tdm_log_warn("control_socket_group changed: takes effect at the next restart");
	d->fifo = dir_fifo_apply(d->fifo, cfg, d->bus);
	dir_metrics_http_apply(d, dir_global_str(cfg, "metrics_listen"));

	tdm_canon_free(&d->canon);
	tdm_config_free(d->cfg);
	if (d->snap_fd >= 0)
		close(d->snap_fd);
	d->canon = canon;
	d->cfg = cfg;
	d->snap_fd = snap;
	d->generation++;
	d->reload_t0_ns = t0;
	tdm_diags_free(&diags);
	set_last(d, 1, NULL);
	tdm_log_notice("config generation %llu loaded (%zu objects, %.3f ms)",
	               (unsigned long long)d->generation, cfg->nobjs,
	               (tdm_mono_ns() - t0) / 1e6);
	reload_event(d, source, 1, NULL);
	dir_daemon_reloaded(d);

	parts = dir_daemon_parts(d, cfg);
	for (int i = 0; i < DIR_NPARTS; i++) {
		struct dir_child *ch = &d->children[i];

		if (ch->wanted && (parts & ch->ops->part))
			dir_sup_send_config(ch);
	}
	dir_sup_apply_parts(d, parts);
	dir_sup_grace(d);
	sd_notifyf(0, "READY=1\nSTATUS=running, config generation %llu",
	           (unsigned long long)d->generation);
	return 0;

refused:
	err = dir_diags_first_error(&diags);
	if (!err)
		err = strdup("the configuration could not be loaded");
	tdm_log_err("reload refused, keeping config generation %llu: %s",
	            (unsigned long long)d->generation, err ? err : "");
	if (diags_json)
		*diags_json = dir_diags_to_json(&diags);
	set_last(d, 0, err);
	reload_event(d, source, 0, err);
	tdm_canon_free(&canon);
	tdm_config_free(cfg);
	tdm_diags_free(&diags);
	dir_sup_grace(d);
	sd_notify(0, "READY=1");
	return -1;
}
