/* vrrp/vrrp_track.c - track_interface, track_script (vrrp_script), track_file and
 * track_process (through vrrp_procmon) for the VRRP child (see vrrp_track.h). */
#include "vrrp/vrrp_track.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/wait.h>
#include <unistd.h>
#include "lib/log.h"
#include "lib/mono.h"
#include "vrrp/vrrp_exec.h"
#include "vrrp/vrrp_hooks.h"
#include "vrrp/vrrp_procmon.h"

struct trk_script {
	char *name;
	const struct vrrp_script_conf *conf;
	struct vrrp_track *t;
	struct vrrp_exec x;
	ev_timer iv;
	int ok, nok, nko;           /* status; consecutive successes / failures */
	uint64_t runs, failures, timeouts;
	int used, live;
	int refused;                /* enable_script_security refused it (logged once) */
	struct trk_script *next;
};

struct trk_file {
	char *name, *path, *dir, *base;
	int64_t weight, value;
	int reverse, wd;
	struct trk_file *next;
};

struct vrrp_track {
	struct vrrp_child *vc;
	struct trk_script *scripts;
	struct trk_file *files;
	int ino_fd;
	ev_io ino_w;
	struct vrrp_procmon *pm;    /* track_process; NULL when no instance tracks a process */
};

/* ---- pure pieces ---- */

int vrrp_track_weigh(int weight, int reverse, int ok, int *fault)
{
	if (reverse)
		ok = !ok;
	*fault = 0;
	if (weight == 0) {
		*fault = !ok;
		return 0;
	}
	if (weight > 0)
		return ok ? weight : 0;
	return ok ? 0 : weight;
}

int vrrp_track_weigh_file(int64_t value, int64_t weight, int reverse, int *fault)
{
	int64_t r;

	*fault = 0;
	if (weight == 0) {
		*fault = value != 0;
		return 0;
	}
	if (value > INT32_MAX || value < INT32_MIN)
		r = value > 0 ? 1000 : -1000;   /* far outside the range either way */
	else
		r = value * weight;
	if (reverse)
		r = -r;
	if (r < -253) {
		*fault = 1;
		return 0;
	}
	return r > 253 ? 253 : (int)r;
}

int64_t vrrp_track_parse_value(const char *buf)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(buf, &end, 10);
	if (end == buf || errno)
		return 0;
	return v;
}

/* ---- scripts ---- */

static void script_started(struct trk_script *s);

static void script_done(void *arg, struct vrrp_exec *x, int status, int timed_out)
{
	struct trk_script *s = arg;
	int good = !timed_out && WIFEXITED(status) && WEXITSTATUS(status) == 0, was = s->ok;

	if (timed_out) {
		s->timeouts++;
		tdm_log_warn("vrrp_script %s: killed after its timeout", s->name);
	}
	if (!good)
		s->failures++;
	if (good) {
		s->nok++;
		s->nko = 0;
		if (!s->ok && s->nok >= s->conf->rise)
			s->ok = 1;
	} else {
		s->nko++;
		s->nok = 0;
		if (s->ok && s->nko >= s->conf->fall)
			s->ok = 0;
	}
	if (s->ok != was) {
		tdm_log_notice("vrrp_script %s: %s", s->name, s->ok ? "OK" : "failed");
		vrrp_track_eval_all(s->t->vc, tdm_mono_ns());
	}
}

static void script_tick(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct trk_script *s = w->data;
	const struct tdm_global_conf *g = s->t->vc->cfg ? s->t->vc->cfg->global : NULL;
	struct vrrp_exec_cred cred;
	uint64_t to = s->conf->timeout_us ? s->conf->timeout_us : s->conf->interval_us;

	if (s->x.pid)               /* still running: its timeout will end it */
		return;
	if (vrrp_exec_cred(s->conf->user, s->conf->group, g ? g->script_user : NULL,
	                   g ? g->script_group : NULL, &cred) < 0) {
		script_done(s, &s->x, 0xff00, 0);
		return;
	}
	if (g && g->enable_script_security && cred.uid == 0) {
		char why[PATH_MAX + 64];

		if (vrrp_exec_secure(s->conf->script, why, sizeof(why)) < 0) {
			if (!s->refused)
				tdm_log_err("vrrp_script %s: not run as root (enable_script_security): %s;"
				            " it counts as failed", s->name, why);
			s->refused = 1;
			script_done(s, &s->x, 0xff00, 0);
			return;
		}
		s->refused = 0;
	}
	s->runs++;
	if (vrrp_exec_start(&s->x, loop, s->conf->script, NULL, 0, &cred, to, script_done, s) < 0)
		script_done(s, &s->x, 0xff00, 0);
}

static void script_started(struct trk_script *s)
{
	ev_timer_init(&s->iv, script_tick, 0.001, (double)s->conf->interval_us / 1e6);
	s->iv.data = s;
	ev_timer_start(s->t->vc->ctx->loop, &s->iv);
	s->live = 1;
}

static void script_free(struct vrrp_track *t, struct trk_script *s)
{
	if (s->live)
		ev_timer_stop(t->vc->ctx->loop, &s->iv);
	vrrp_exec_cancel(&s->x, 1);
	free(s->name);
	free(s);
}

static struct trk_script *script_find(struct vrrp_track *t, const char *name)
{
	for (struct trk_script *s = t->scripts; s; s = s->next)
		if (!strcmp(s->name, name))
			return s;
	return NULL;
}

/* ---- files ---- */

static struct trk_file *file_find(struct vrrp_track *t, const char *name)
{
	for (struct trk_file *f = t->files; f; f = f->next)
		if (!strcmp(f->name, name))
			return f;
	return NULL;
}

static void file_read(struct trk_file *f)
{
	char buf[64];
	int fd = open(f->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	f->value = vrrp_track_parse_value(buf);
}

static void on_inotify(struct ev_loop *loop, ev_io *w, int revents)
{
	struct vrrp_track *t = w->data;
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	int changed = 0;

	for (int i = 0; i < 16; i++) {
		ssize_t n = read(t->ino_fd, buf, sizeof(buf));

		if (n <= 0)
			break;
		for (char *p = buf; p < buf + n;) {
			struct inotify_event *ev = (struct inotify_event *)p;

			for (struct trk_file *f = t->files; f; f = f->next)
				if (f->wd == ev->wd && ev->len && !strcmp(ev->name, f->base)) {
					int64_t old = f->value;

					file_read(f);
					changed |= old != f->value;
				}
			p += sizeof(*ev) + ev->len;
		}
	}
	if (changed)
		vrrp_track_eval_all(t->vc, tdm_mono_ns());
}

static void file_init_content(const struct tdm_cnode *n, const char *path)
{
	const struct tdm_cnode *init = tdm_cnode_find(n, "init_file");
	int overwrite = 0;
	const char *val = "0";
	FILE *fp;

	if (!init)
		return;
	for (uint32_t i = 0; i < init->argc; i++) {
		if (!strcmp(init->argv[i], "overwrite"))
			overwrite = 1;
		else
			val = init->argv[i];
	}
	if (!overwrite && access(path, F_OK) == 0)
		return;
	fp = fopen(path, "w");
	if (!fp) {
		tdm_log_warn("track_file %s: init_file: %s", path, strerror(errno));
		return;
	}
	fprintf(fp, "%s\n", val);
	fclose(fp);
}

static void files_clear(struct vrrp_track *t)
{
	struct trk_file *f;

	while ((f = t->files)) {
		t->files = f->next;
		free(f->name);
		free(f->path);
		free(f->dir);
		free(f);
	}
	if (t->ino_fd >= 0) {
		ev_io_stop(t->vc->ctx->loop, &t->ino_w);
		close(t->ino_fd);
		t->ino_fd = -1;
	}
}

static void files_build(struct vrrp_track *t)
{
	const struct vrrp_conf *c = t->vc->cfg ? t->vc->cfg->vrrp : NULL;

	files_clear(t);
	if (!c)
		return;
	for (const struct vrrp_named *nm = c->track_files; nm; nm = nm->next) {
		const struct tdm_cnode *fn = tdm_cnode_find(nm->node, "file");
		const struct tdm_cnode *wn = tdm_cnode_find(nm->node, "weight");
		struct trk_file *f;
		char *slash;

		if (!fn || !fn->argc)
			continue;
		f = calloc(1, sizeof(*f));
		if (!f)
			return;
		f->name = strdup(nm->name);
		f->path = strdup(fn->argv[0]);
		f->dir = strdup(fn->argv[0]);
		f->weight = wn && wn->argc ? wn->vals[0].i : 1;
		f->reverse = wn && wn->argc > 1 && !strcmp(wn->argv[1], "reverse");
		f->wd = -1;
		if (!f->name || !f->path || !f->dir) {
			free(f->name);
			free(f->path);
			free(f->dir);
			free(f);
			return;
		}
		slash = strrchr(f->dir, '/');
		if (!slash) {
			f->base = f->path;
			strcpy(f->dir, ".");
		} else if (slash == f->dir) {
			f->base = f->path + 1;
			f->dir[1] = '\0';
		} else {
			f->base = f->path + (slash - f->dir) + 1;
			*slash = '\0';
		}
		file_init_content(nm->node, f->path);
		if (t->ino_fd < 0) {
			t->ino_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
			if (t->ino_fd >= 0) {
				ev_io_init(&t->ino_w, on_inotify, t->ino_fd, EV_READ);
				t->ino_w.data = t;
				ev_io_start(t->vc->ctx->loop, &t->ino_w);
			}
		}
		if (t->ino_fd >= 0 && f->dir)
			f->wd = inotify_add_watch(t->ino_fd, f->dir, IN_CLOSE_WRITE | IN_MOVED_TO |
			                          IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MODIFY);
		if (f->wd < 0)
			tdm_log_warn("track_file %s: cannot watch %s: %s", f->name, f->dir,
			             strerror(errno));
		file_read(f);
		f->next = t->files;
		t->files = f;
	}
}

/* ---- processes ---- */

static int refs_name(const struct vrrp_track_refs *r, const char *name);

static int process_used(const struct vrrp_conf *c, const char *name)
{
	for (size_t i = 0; i < c->ninstances; i++)
		if (refs_name(&c->instances[i]->track_process, name))
			return 1;
	for (size_t i = 0; i < c->ngroups; i++)
		if (refs_name(&c->groups[i]->track_process, name))
			return 1;
	return 0;
}

static void procs_changed(void *arg)
{
	struct vrrp_track *t = arg;

	vrrp_track_eval_all(t->vc, tdm_mono_ns());
}

/* the trackers some instance or group uses go to the process monitor */
static void procs_build(struct vrrp_track *t)
{
	const struct vrrp_conf *c = t->vc->cfg ? t->vc->cfg->vrrp : NULL;
	struct vrrp_proc_spec *specs = NULL;
	size_t n = 0, cap = 0;

	for (const struct vrrp_named *nm = c ? c->track_processes : NULL; nm; nm = nm->next) {
		if (!process_used(c, nm->name))
			continue;
		if (n == cap) {
			struct vrrp_proc_spec *ns;

			cap = cap ? cap * 2 : 8;
			ns = realloc(specs, cap * sizeof(*ns));
			if (!ns)
				break;
			specs = ns;
		}
		if (vrrp_proc_spec_from_conf(nm->name, nm->node, &specs[n]) == 0)
			n++;
	}
	if (n && !t->pm)
		t->pm = vrrp_procmon_new(t->vc->ctx->loop, &vrrp_procmon_real_ops, procs_changed, t);
	if (t->pm && vrrp_procmon_set(t->pm, specs, n, tdm_mono_ns()) < 0)
		tdm_log_err("track_process: out of memory");
	if (t->pm && !n) {
		vrrp_procmon_free(t->pm);
		t->pm = NULL;
	}
	free(specs);
}

/* ---- registry ---- */

static int refs_name(const struct vrrp_track_refs *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->v[i].name, name))
			return 1;
	return 0;
}

static int script_used(const struct vrrp_conf *c, const char *name)
{
	for (size_t i = 0; i < c->ninstances; i++)
		if (refs_name(&c->instances[i]->track_script, name))
			return 1;
	for (size_t i = 0; i < c->ngroups; i++)
		if (refs_name(&c->groups[i]->track_script, name))
			return 1;
	return 0;
}

void vrrp_track_rebuild(struct vrrp_track *t)
{
	const struct vrrp_conf *c = t->vc->cfg ? t->vc->cfg->vrrp : NULL;
	struct trk_script *old = t->scripts, *s;

	t->scripts = NULL;
	for (size_t i = 0; c && i < c->nscripts; i++) {
		const struct vrrp_script_conf *sc = c->scripts[i];
		struct trk_script **pp;

		if (sc->removed || !script_used(c, sc->name))
			continue;
		/* kept by name: its status and running child carry over */
		for (pp = &old; *pp && strcmp((*pp)->name, sc->name); pp = &(*pp)->next)
			;
		if ((s = *pp)) {
			*pp = s->next;
			if (s->live)
				ev_timer_stop(t->vc->ctx->loop, &s->iv);
			s->live = 0;
		} else {
			s = calloc(1, sizeof(*s));
			if (!s || !(s->name = strdup(sc->name))) {
				free(s);
				continue;
			}
			s->t = t;
			s->ok = !sc->init_fail;
		}
		s->conf = sc;
		s->next = t->scripts;
		t->scripts = s;
		script_started(s);
	}
	while ((s = old)) {
		old = s->next;
		script_free(t, s);
	}
	files_build(t);
	procs_build(t);
}

struct vrrp_track *vrrp_track_new(struct vrrp_child *vc)
{
	struct vrrp_track *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->vc = vc;
	t->ino_fd = -1;
	vrrp_track_rebuild(t);
	return t;
}

void vrrp_track_free(struct vrrp_track *t)
{
	struct trk_script *s;

	if (!t)
		return;
	while ((s = t->scripts)) {
		t->scripts = s->next;
		script_free(t, s);
	}
	files_clear(t);
	vrrp_procmon_free(t->pm);
	free(t);
}

/* ---- evaluation ---- */

enum { W_IF, W_SCRIPT, W_FILE, W_PROC, W__N };
static const char *const what_name[] = { "interface", "script", "file", "process" };

static const struct vrrp_sync_group_conf *group_conf(const struct vrrp_child *vc, const char *name)
{
	const struct vrrp_conf *c = vc->cfg ? vc->cfg->vrrp : NULL;

	for (size_t i = 0; c && name && i < c->ngroups; i++)
		if (!strcmp(c->groups[i]->name, name))
			return c->groups[i];
	return NULL;
}

/* one reference: ok status and contribution; -1 when the object is unknown (ignored) */
static int ref_eval(struct vrrp_child *vc, int what, const struct vrrp_track_ref *r, int *delta,
                    int *fault)
{
	struct vrrp_track *t = vc->ext ? vc->ext->trk : NULL;

	*delta = 0;
	*fault = 0;
	if (what == W_IF) {
		struct vrrp_os_ifinfo info;
		int ok = vc->sys.ops.ifinfo(vc->sys.ops.arg, r->name, &info) == 0 && info.ifindex &&
		         info.up;

		*delta = vrrp_track_weigh(r->has_weight ? r->weight : 0, r->reverse, ok, fault);
		return ok;
	}
	if (!t)
		return -1;
	if (what == W_SCRIPT) {
		struct trk_script *s = script_find(t, r->name);

		if (!s)
			return -1;
		*delta = vrrp_track_weigh(r->has_weight ? r->weight : s->conf->weight,
		                          r->has_weight ? r->reverse : s->conf->reverse, s->ok, fault);
		return s->ok;
	} else if (what == W_PROC) {
		struct vrrp_proc_state st;
		const struct vrrp_proc_spec *sp = vrrp_procmon_get(t->pm, r->name, &st);

		if (!sp)
			return -1;
		*delta = vrrp_track_weigh(r->has_weight ? r->weight : sp->weight,
		                          r->has_weight ? r->reverse : sp->reverse, st.ok, fault);
		return st.ok;
	} else {
		struct trk_file *f = file_find(t, r->name);

		if (!f)
			return -1;
		*delta = vrrp_track_weigh_file(f->value, r->has_weight ? r->weight : f->weight,
		                               r->has_weight ? r->reverse : f->reverse, fault);
		return !*fault;
	}
}

static void emit_track(struct vrrp_child *vc, struct vrrp_child_inst *ci, int what,
                       const struct vrrp_track_ref *r, int ok, int delta, int fault, int grp)
{
	json_object *ev = json_object_new_object();

	json_object_object_add(ev, "type", json_object_new_string("vrrp.track"));
	json_object_object_add(ev, "instance", json_object_new_string(ci->vi.conf->name));
	json_object_object_add(ev, "what", json_object_new_string(what_name[what]));
	json_object_object_add(ev, "name", json_object_new_string(r->name));
	json_object_object_add(ev, "ok", json_object_new_boolean(ok));
	json_object_object_add(ev, "delta", json_object_new_int(delta));
	json_object_object_add(ev, "fault", json_object_new_boolean(fault));
	if (grp && ci->vi.group)
		json_object_object_add(ev, "group", json_object_new_string(ci->vi.group));
	dir_part_emit(vc->ctx, ev);
}

void vrrp_track_eval(struct vrrp_child *vc, struct vrrp_child_inst *ci, uint64_t now)
{
	struct vrrp_hooks_inst *h = ci->ext;
	const struct vrrp_instance_conf *c = ci->vi.conf;
	const struct vrrp_sync_group_conf *g = group_conf(vc, ci->vi.group);
	const struct vrrp_track_refs *lists[2 * W__N] = { &c->track_if, &c->track_script,
		&c->track_file, &c->track_process, g ? &g->track_if : NULL,
		g ? &g->track_script : NULL, g ? &g->track_file : NULL, g ? &g->track_process : NULL };
	size_t total = 0, k = 0;
	int delta = 0, fault = 0;

	if (!h)
		return;
	for (int l = 0; l < 2 * W__N; l++)
		total += lists[l] ? lists[l]->n : 0;
	/* a reload with as many references keeps their last state (no repeated events) */
	if (!h->ref_ok || h->nrefs != total) {
		free(h->ref_ok);
		free(h->ref_delta);
		h->ref_ok = calloc(total + 1, sizeof(*h->ref_ok));
		h->ref_delta = calloc(total + 1, sizeof(*h->ref_delta));
		if (!h->ref_ok || !h->ref_delta) {
			free(h->ref_ok);
			free(h->ref_delta);
			h->ref_ok = NULL;
			h->ref_delta = NULL;
			h->nrefs = 0;
			h->refs_for = NULL;
			return;
		}
		memset(h->ref_ok, -1, total + 1);
		h->nrefs = total;
	}
	h->refs_for = c;
	for (int l = 0; l < 2 * W__N; l++) {
		for (size_t i = 0; lists[l] && i < lists[l]->n; i++, k++) {
			const struct vrrp_track_ref *r = &lists[l]->v[i];
			struct vrrp_track_ref unweighted = *r;
			int d, f, ok;

			/* a sync group member's tracking has no weights unless the group says
			 * sync_group_tracking_weight: a failure is a FAULT (of the whole group) */
			if (g && !g->tracking_weight) {
				unweighted.has_weight = 1;
				unweighted.weight = 0;
				r = &unweighted;
			}
			ok = ref_eval(vc, l % W__N, r, &d, &f);

			if (ok < 0)
				continue;
			delta += d;
			fault |= f;
			if (h->ref_ok[k] != ok || h->ref_delta[k] != d) {
				if (h->ref_ok[k] >= 0 || !ok || d)
					emit_track(vc, ci, l % W__N, r, ok, d, f, l >= W__N);
				h->ref_ok[k] = (int8_t)ok;
				h->ref_delta[k] = d;
			}
		}
	}
	if (delta != h->delta) {
		tdm_log_info("%s: tracking delta %d -> %d", h->what, h->delta, delta);
		h->delta = delta;
	}
	vrrp_inst_set_prio_delta(&ci->vi, delta, now);
	if (fault != ci->track_fault) {
		tdm_log_notice("%s: tracking %s", h->what, fault ? "failed: FAULT" : "recovered");
		ci->track_fault = (uint8_t)fault;
	}
	vrrp_hooks_apply_fault(ci, now);
	vrrp_hooks_prio(vc, ci);
}

void vrrp_track_eval_all(struct vrrp_child *vc, uint64_t now)
{
	for (struct vrrp_child_inst *ci = vc->head; ci; ci = ci->next)
		vrrp_track_eval(vc, ci, now);
}

json_object *vrrp_track_json(const struct vrrp_child *vc, const struct vrrp_child_inst *ci)
{
	const struct vrrp_hooks_inst *h = ci->ext;
	const struct vrrp_instance_conf *c = ci->vi.conf;
	const struct vrrp_sync_group_conf *g = group_conf(vc, ci->vi.group);
	const struct vrrp_track_refs *lists[2 * W__N] = { &c->track_if, &c->track_script,
		&c->track_file, &c->track_process, g ? &g->track_if : NULL,
		g ? &g->track_script : NULL, g ? &g->track_file : NULL, g ? &g->track_process : NULL };
	json_object *o = json_object_new_object(), *a = json_object_new_array();
	size_t k = 0;

	json_object_object_add(o, "delta", json_object_new_int(h ? h->delta : 0));
	json_object_object_add(o, "fault", json_object_new_boolean(ci->track_fault));
	for (int l = 0; l < 2 * W__N; l++) {
		for (size_t i = 0; lists[l] && i < lists[l]->n; i++, k++) {
			json_object *r = json_object_new_object();
			int known = h && h->refs_for == c && k < h->nrefs && h->ref_ok[k] >= 0;

			json_object_object_add(r, "what", json_object_new_string(what_name[l % W__N]));
			json_object_object_add(r, "name", json_object_new_string(lists[l]->v[i].name));
			json_object_object_add(r, "ok", known ? json_object_new_boolean(h->ref_ok[k])
			                                      : NULL);
			json_object_object_add(r, "delta",
			                       json_object_new_int(known ? h->ref_delta[k] : 0));
			if (l >= W__N)
				json_object_object_add(r, "group", json_object_new_boolean(1));
			json_object_array_add(a, r);
		}
	}
	json_object_object_add(o, "refs", a);
	return o;
}
