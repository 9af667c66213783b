/* director/evbus.c - event numbering, stamping, ordered fan-out and the replay ring. */
#include "director/evbus.h"

#include <stdlib.h>
#include <string.h>
#include "lib/log.h"
#include "lib/mono.h"

struct ring_ent {
	uint64_t seq;
	char *line;
	size_t len;
};

struct hook {
	dir_evbus_hook fn;
	void *arg;
	int dead;
};

struct pending {
	json_object *ev;
	struct pending *next;
};

struct dir_evbus {
	uint64_t seq;
	struct ring_ent *ring;
	size_t cap, head, count;    /* head = index of the oldest entry */
	struct hook *hooks;
	size_t nhooks, hcap;
	struct pending *q_head, *q_tail;
	int emitting;
};

struct dir_evbus *dir_evbus_new(size_t ring_cap)
{
	struct dir_evbus *bus = calloc(1, sizeof(*bus));

	if (!bus)
		return NULL;
	bus->cap = ring_cap ? ring_cap : DIR_EVBUS_RING;
	bus->ring = calloc(bus->cap, sizeof(*bus->ring));
	if (!bus->ring) {
		free(bus);
		return NULL;
	}
	return bus;
}

void dir_evbus_free(struct dir_evbus *bus)
{
	if (!bus)
		return;
	for (size_t i = 0; i < bus->cap; i++)
		free(bus->ring[i].line);
	while (bus->q_head) {
		struct pending *p = bus->q_head;

		bus->q_head = p->next;
		json_object_put(p->ev);
		free(p);
	}
	free(bus->ring);
	free(bus->hooks);
	free(bus);
}

int dir_evbus_add_hook(struct dir_evbus *bus, dir_evbus_hook fn, void *arg)
{
	if (bus->nhooks == bus->hcap) {
		size_t ncap = bus->hcap ? bus->hcap * 2 : 8;
		struct hook *nh = realloc(bus->hooks, ncap * sizeof(*nh));

		if (!nh)
			return -1;
		bus->hooks = nh;
		bus->hcap = ncap;
	}
	bus->hooks[bus->nhooks++] = (struct hook){ .fn = fn, .arg = arg };
	return 0;
}

static void compact_hooks(struct dir_evbus *bus)
{
	size_t j = 0;

	for (size_t i = 0; i < bus->nhooks; i++)
		if (!bus->hooks[i].dead)
			bus->hooks[j++] = bus->hooks[i];
	bus->nhooks = j;
}

void dir_evbus_del_hook(struct dir_evbus *bus, dir_evbus_hook fn, void *arg)
{
	for (size_t i = 0; i < bus->nhooks; i++)
		if (bus->hooks[i].fn == fn && bus->hooks[i].arg == arg)
			bus->hooks[i].dead = 1;
	if (!bus->emitting)
		compact_hooks(bus);
}

json_object *dir_event_new(const char *type)
{
	json_object *ev = json_object_new_object();

	json_object_object_add(ev, "type", json_object_new_string(type));
	return ev;
}

static void fan_out(struct dir_evbus *bus, json_object *src)
{
	json_object *ev = json_object_new_object();
	char ts[TDM_ISO_LEN];
	const char *line;
	size_t len;
	struct ring_ent *slot;
	json_object *tv;

	bus->seq++;
	json_object_object_add(ev, "seq", json_object_new_uint64(bus->seq));
	json_object_object_add(ev, "ts",
	                       json_object_new_string(tdm_iso_time(tdm_wall_ns(), ts, sizeof(ts))));
	json_object_object_add(ev, "mono_ns", json_object_new_uint64(tdm_mono_ns()));
	json_object_object_foreach(src, key, val) {
		if (!strcmp(key, "seq") || !strcmp(key, "ts") || !strcmp(key, "mono_ns"))
			continue;
		json_object_object_add(ev, key, json_object_get(val));
	}
	json_object_put(src);

	line = json_object_to_json_string_ext(ev, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	len = strlen(line);
	/* periodic statistics (vrrp.stats, ipvs.stats, ...) would flood the log at info */
	if (json_object_object_get_ex(ev, "type", &tv) && strstr(json_object_get_string(tv), ".stats"))
		tdm_log_debug("event %s", line);
	else
		tdm_log_info("event %s", line);

	if (bus->count == bus->cap) {
		slot = &bus->ring[bus->head];
		bus->head = (bus->head + 1) % bus->cap;
	} else {
		slot = &bus->ring[(bus->head + bus->count) % bus->cap];
		bus->count++;
	}
	free(slot->line);
	slot->line = strdup(line);
	slot->len = slot->line ? len : 0;
	slot->seq = bus->seq;

	for (size_t i = 0; i < bus->nhooks; i++)
		if (!bus->hooks[i].dead)
			bus->hooks[i].fn(bus->hooks[i].arg, bus->seq, line, len, ev);
	json_object_put(ev);
}

void dir_evbus_emit(struct dir_evbus *bus, json_object *ev)
{
	struct pending *p;

	if (!ev)
		return;
	p = malloc(sizeof(*p));
	if (!p) {
		json_object_put(ev);
		return;
	}
	p->ev = ev;
	p->next = NULL;
	if (bus->q_tail)
		bus->q_tail->next = p;
	else
		bus->q_head = p;
	bus->q_tail = p;
	if (bus->emitting)
		return;
	bus->emitting = 1;
	while (bus->q_head) {
		p = bus->q_head;
		bus->q_head = p->next;
		if (!bus->q_head)
			bus->q_tail = NULL;
		fan_out(bus, p->ev);
		free(p);
	}
	bus->emitting = 0;
	compact_hooks(bus);
}

uint64_t dir_evbus_last_seq(const struct dir_evbus *bus)
{
	return bus->seq;
}

uint64_t dir_evbus_total(const struct dir_evbus *bus)
{
	return bus->seq;
}

uint64_t dir_evbus_oldest(const struct dir_evbus *bus)
{
	return bus->count ? bus->ring[bus->head].seq : bus->seq + 1;
}

const char *dir_evbus_get(const struct dir_evbus *bus, uint64_t seq, size_t *len)
{
	uint64_t oldest = dir_evbus_oldest(bus);
	const struct ring_ent *e;

	if (!bus->count || seq < oldest || seq > bus->seq)
		return NULL;
	e = &bus->ring[(bus->head + (size_t)(seq - oldest)) % bus->cap];
	*len = e->len;
	return e->line;
}

void dir_evbus_replay(struct dir_evbus *bus, uint64_t since, dir_evbus_hook fn, void *arg)
{
	for (size_t i = 0; i < bus->count; i++) {
		struct ring_ent *e = &bus->ring[(bus->head + i) % bus->cap];

		if (e->seq > since && e->line)
			fn(arg, e->seq, e->line, e->len, NULL);
	}
}
