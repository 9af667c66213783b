/* vrrp/vrrp_stats_ev.c - "vrrp.stats" events for the monitoring outputs (TANDEM-MIB, the
 * Prometheus text, VRRP-MIB statistics): every VRRP_STATS_EV_S seconds, one entry for each
 * instance whose counters or peers changed since it was last published:
 *   {"type":"vrrp.stats","instances":[{"instance":NAME,"vrid":N,"peers":N,
 *     "peer_list":[{"address":..,"priority":..,"adverts":..}],"counters":{...}}]}
 * "counters" is the object `tandemctl vrrp` shows (rx, tx, drops by reason, ...). At most
 * VRRP_STATS_EV_CHUNK instances per event, so an event stays far below the IPC size limit. */
#include "vrrp/vrrp_stats_ev.h"

#include <stdlib.h>
#include <string.h>
#include "director/child_parts.h"
#include "lib/mono.h"

#define VRRP_STATS_EV_CHUNK 40

struct seen {
	const void *vi;             /* identity of the instance in this child */
	uint64_t digest;
};

struct vrrp_stats_ev {
	struct vrrp_child *vc;
	ev_timer tick;
	struct seen *seen;
	size_t nseen;
};

static uint64_t fnv(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static json_object *entry_of(const struct vrrp_inst *vi, uint64_t now, uint64_t *digest)
{
	json_object *full = vrrp_inst_json(vi, now), *e = json_object_new_object(), *v, *pl;
	const char *txt;

	if (!full)
		return e;
	json_object_object_add(e, "instance", json_object_new_string(vi->conf->name));
	json_object_object_add(e, "vrid", json_object_new_int(vi->conf->vrid));
	json_object_object_add(e, "peers", json_object_new_int((int)vi->npeers));
	pl = json_object_new_array();
	for (size_t i = 0; json_object_object_get_ex(full, "peers", &v) &&
	     i < json_object_array_length(v); i++) {
		json_object *p = json_object_array_get_idx(v, i), *q = json_object_new_object(), *x;

		if (json_object_object_get_ex(p, "address", &x))
			json_object_object_add(q, "address", json_object_get(x));
		if (json_object_object_get_ex(p, "priority", &x))
			json_object_object_add(q, "priority", json_object_get(x));
		if (json_object_object_get_ex(p, "adverts", &x))
			json_object_object_add(q, "adverts", json_object_get(x));
		json_object_array_add(pl, q);
	}
	json_object_object_add(e, "peer_list", pl);
	if (json_object_object_get_ex(full, "counters", &v))
		json_object_object_add(e, "counters", json_object_get(v));
	txt = json_object_to_json_string_ext(e, JSON_C_TO_STRING_PLAIN);
	*digest = fnv(txt ? txt : "");
	json_object_put(full);
	return e;
}

static void flush(struct vrrp_stats_ev *s, json_object **arr)
{
	json_object *ev;

	if (!*arr)
		return;
	ev = json_object_new_object();
	json_object_object_add(ev, "type", json_object_new_string("vrrp.stats"));
	json_object_object_add(ev, "instances", *arr);
	dir_part_emit(s->vc->ctx, ev);
	*arr = NULL;
}

void vrrp_stats_ev_publish(struct vrrp_stats_ev *s)
{
	uint64_t now = tdm_mono_ns();
	struct seen *nseen;
	size_t n = 0, k = 0, inarr = 0;
	json_object *arr = NULL;

	for (struct vrrp_child_inst *ci = s->vc->head; ci; ci = ci->next)
		n++;
	nseen = calloc(n ? n : 1, sizeof(*nseen));
	if (!nseen)
		return;
	for (struct vrrp_child_inst *ci = s->vc->head; ci; ci = ci->next, k++) {
		uint64_t d = 0;
		json_object *e = entry_of(&ci->vi, now, &d);
		int same = 0;

		nseen[k].vi = &ci->vi;
		nseen[k].digest = d;
		/* the list keeps its order between reloads: look at the same position first */
		if (k < s->nseen && s->seen[k].vi == &ci->vi)
			same = s->seen[k].digest == d;
		else
			for (size_t j = 0; j < s->nseen; j++)
				if (s->seen[j].vi == &ci->vi) {
					same = s->seen[j].digest == d;
					break;
				}
		if (same) {
			json_object_put(e);
			continue;
		}
		if (!arr)
			arr = json_object_new_array();
		json_object_array_add(arr, e);
		if (++inarr == VRRP_STATS_EV_CHUNK) {
			flush(s, &arr);
			inarr = 0;
		}
	}
	flush(s, &arr);
	free(s->seen);
	s->seen = nseen;
	s->nseen = n;
}

static void on_tick(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	vrrp_stats_ev_publish(w->data);
}

struct vrrp_stats_ev *vrrp_stats_ev_start(struct vrrp_child *vc)
{
	struct vrrp_stats_ev *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->vc = vc;
	ev_timer_init(&s->tick, on_tick, VRRP_STATS_EV_S, VRRP_STATS_EV_S);
	s->tick.data = s;
	ev_timer_start(vc->ctx->loop, &s->tick);
	return s;
}

void vrrp_stats_ev_stop(struct vrrp_stats_ev *s)
{
	if (!s)
		return;
	ev_timer_stop(s->vc->ctx->loop, &s->tick);
	free(s->seen);
	free(s);
}
