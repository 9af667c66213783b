/* director/ipvs_stats_ev.c - "ipvs.stats" events for the monitoring outputs: a dump of the
 * kernel's IPVS table with statistics, reduced to the services and destinations tandem owns
 * (named by their config objects) whose figures changed since they were last published:
 *   {"type":"ipvs.stats",
 *    "vs":[{"vs":ID,"conns":..,"inpkts":..,"outpkts":..,"inbytes":..,"outbytes":..}],
 *    "rs":[{"rs":ID,"vs":VS_ID,"weight":..,"active":..,"inactive":..,"conns":..,...}]}
 * At most DIR_IPVS_STATS_CHUNK entries per event (far below the IPC size limit) and
 * DIR_IPVS_STATS_ROUND per round (the rest come in the next rounds); entries without any
 * traffic yet are not published (the outputs show zeros and no kernel weight for them). */
#include "director/ipvs_stats_ev.h"

#include <stdlib.h>
#include <string.h>
#include "director/ipvs_ctl_int.h"

#define DIR_IPVS_STATS_CHUNK 200
#define DIR_IPVS_STATS_ROUND 2000   /* entries published per round at most: the rest wait */

struct digest {
	char *id;
	uint64_t h;
};

struct dir_ipvs_stats_ev {
	struct digest *d;           /* sorted by id */
	size_t n, cap;
	/* this round's */
	struct digest *nd;
	size_t nn, ncap;
};

struct dir_ipvs_stats_ev *dir_ipvs_stats_ev_new(void)
{
	return calloc(1, sizeof(struct dir_ipvs_stats_ev));
}

static void digests_free(struct digest *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(d[i].id);
	free(d);
}

void dir_ipvs_stats_ev_free(struct dir_ipvs_stats_ev *s)
{
	if (!s)
		return;
	digests_free(s->d, s->n);
	digests_free(s->nd, s->nn);
	free(s);
}

static uint64_t mix(uint64_t h, uint64_t v)
{
	for (int i = 0; i < 8; i++, v >>= 8)
		h = (h ^ (v & 0xff)) * 1099511628211ull;
	return h;
}

static int cmp_digest(const void *a, const void *b)
{
	return strcmp(((const struct digest *)a)->id, ((const struct digest *)b)->id);
}

/* 1 if id's figures differ from the last published ones and are to be published now;
 * records what counts as published for the next round. An entry never published whose
 * figures are all zero (h == zero) is not worth an event: the outputs show zeros without
 * one. Beyond *budget entries per round, a changed entry keeps its old digest and waits. */
static int changed(struct dir_ipvs_stats_ev *s, const char *id, uint64_t h, uint64_t zero,
                   size_t *budget)
{
	struct digest key = { .id = (char *)id }, *old;
	int pub;

	if (s->nn == s->ncap) {
		size_t nc = s->ncap ? s->ncap * 2 : 64;
		struct digest *nd = realloc(s->nd, nc * sizeof(*nd));

		if (!nd)
			return 1;
		s->nd = nd;
		s->ncap = nc;
	}
	s->nd[s->nn].id = strdup(id);
	if (!s->nd[s->nn].id)
		return 1;
	old = s->n ? bsearch(&key, s->d, s->n, sizeof(*s->d), cmp_digest) : NULL;
	pub = old ? old->h != h : h != zero;
	if (pub && !*budget)
		pub = 0, h = old ? old->h : zero;
	else if (pub)
		(*budget)--;
	s->nd[s->nn++].h = h;
	return pub;
}

static void add_stats(json_object *o, const struct dir_ipvs_stats *st)
{
	json_object_object_add(o, "conns", json_object_new_uint64(st->conns));
	json_object_object_add(o, "inpkts", json_object_new_uint64(st->inpkts));
	json_object_object_add(o, "outpkts", json_object_new_uint64(st->outpkts));
	json_object_object_add(o, "inbytes", json_object_new_uint64(st->inbytes));
	json_object_object_add(o, "outbytes", json_object_new_uint64(st->outbytes));
}

static uint64_t stats_hash(uint64_t h, const struct dir_ipvs_stats *st)
{
	h = mix(h, st->conns);
	h = mix(h, st->inpkts);
	h = mix(h, st->outpkts);
	h = mix(h, st->inbytes);
	return mix(h, st->outbytes);
}

struct batch {
	void (*emit)(void *arg, json_object *ev);
	void *arg;
	json_object *vs, *rs;
	size_t n, events;
};

static void flush(struct batch *b)
{
	json_object *ev;

	if (!b->n)
		return;
	ev = json_object_new_object();
	json_object_object_add(ev, "type", json_object_new_string("ipvs.stats"));
	json_object_object_add(ev, "vs", b->vs);
	json_object_object_add(ev, "rs", b->rs);
	b->emit(b->arg, ev);
	b->vs = json_object_new_array();
	b->rs = json_object_new_array();
	b->n = 0;
	b->events++;
}

static void push(struct batch *b, json_object *arr, json_object *e)
{
	json_object_array_add(arr, e);
	if (++b->n >= DIR_IPVS_STATS_CHUNK)
		flush(b);
}

int dir_ipvs_stats_ev_publish(struct dir_ipvs_stats_ev *s, struct dir_ipvs_ctl *c,
                              void (*emit)(void *arg, json_object *ev), void *arg)
{
	struct batch b = { .emit = emit, .arg = arg };
	const struct dir_ipvs_stats none = { 0 };
	size_t budget = DIR_IPVS_STATS_ROUND;
	int rc;

	if (!s || !c)
		return -1;
	rc = c->io.dump(c->io.arg, &c->kernel);
	c->kernel_valid = rc == 0;
	if (rc < 0)
		return -1;
	b.vs = json_object_new_array();
	b.rs = json_object_new_array();
	for (size_t i = 0; i < c->kernel.nsvcs; i++) {
		const struct dir_ipvs_svc *ks = c->kernel.svcs[i];
		const struct dir_ipvs_svc *ms = dir_ipvs_svc_find(&c->cur.table, &ks->key);
		const struct dir_ipvs_origin *so = ms ? dir_ipvs_desired_origin(&c->cur, ms->tag)
		                                      : NULL;

		if (!so)
			continue;           /* not ours */
		if (changed(s, so->id, stats_hash(0, &ks->stats), stats_hash(0, &none), &budget)) {
			json_object *e = json_object_new_object();

			json_object_object_add(e, "vs", json_object_new_string(so->id));
			add_stats(e, &ks->stats);
			push(&b, b.vs, e);
		}
		for (size_t k = 0; k < ks->ndests; k++) {
			const struct dir_ipvs_dest *kd = &ks->dests[k];
			const struct dir_ipvs_dest *md = dir_ipvs_dest_find(ms, &kd->key);
			const struct dir_ipvs_origin *o = md ? dir_ipvs_desired_origin(&c->cur, md->tag)
			                                     : NULL;
			uint64_t h;

			if (!o || !o->is_rs)
				continue;
			h = stats_hash(mix(mix(mix(0, (uint64_t)kd->weight), kd->active_conns),
			                   kd->inact_conns), &kd->stats);
			if (changed(s, o->id, h, kd->active_conns || kd->inact_conns ? 0 :
			            stats_hash(mix(mix(mix(0, (uint64_t)kd->weight), 0), 0), &none),
			            &budget)) {
				json_object *e = json_object_new_object();

				json_object_object_add(e, "rs", json_object_new_string(o->id));
				json_object_object_add(e, "vs", json_object_new_string(so->id));
				json_object_object_add(e, "weight", json_object_new_int(kd->weight));
				json_object_object_add(e, "active",
				                       json_object_new_uint64(kd->active_conns));
				json_object_object_add(e, "inactive",
				                       json_object_new_uint64(kd->inact_conns));
				add_stats(e, &kd->stats);
				push(&b, b.rs, e);
			}
		}
	}
	flush(&b);
	json_object_put(b.vs);
	json_object_put(b.rs);
	digests_free(s->d, s->n);
	s->d = s->nd;
	s->n = s->nn;
	s->cap = s->ncap;
	s->nd = NULL;
	s->nn = s->ncap = 0;
	if (s->n)
		qsort(s->d, s->n, sizeof(*s->d), cmp_digest);
	return (int)b.events;
}
