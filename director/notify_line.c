/* director/notify_line.c - bus events as the lines keepalived writes to its notify FIFOs, so
 * readers written for keepalived keep working (see notify_line.h). Pure: JSON in, text out;
 * the little state it needs (the last reported state of each real and virtual server) lives
 * in struct dir_notify_lines. */
#include "director/notify_line.h"
#include "lib/json_get.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct dir_notify_lines {
	json_object *rs;            /* rs id -> [up, weight] as last reported */
	json_object *vs;            /* vs id -> see vs_state() */
};

struct dir_notify_lines *dir_notify_lines_new(void)
{
	struct dir_notify_lines *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->rs = json_object_new_object();
	s->vs = json_object_new_object();
	if (!s->rs || !s->vs) {
		dir_notify_lines_free(s);
		return NULL;
	}
	return s;
}

void dir_notify_lines_free(struct dir_notify_lines *s)
{
	if (!s)
		return;
	json_object_put(s->rs);
	json_object_put(s->vs);
	free(s);
}

static int get_int(json_object *o, const char *k, int dflt)
{
	return (int)tdm_json_int(o, k, dflt);
}

static int get_bool(json_object *o, const char *k, int *out)
{
	json_object *v;

	if (!json_object_object_get_ex(o, k, &v) || !json_object_is_type(v, json_type_boolean))
		return -1;
	*out = json_object_get_boolean(v);
	return 0;
}

/* "tcp 192.0.2.10:80" -> "[192.0.2.10]:tcp:80"; "tcp [2001:db8::1]:80" -> "[2001:db8::1]:tcp:80";
 * "fwmark 7" -> "FWM 7"; "tcp group G" -> "[G]:0"; "tcp 192.0.2.10" (no port) -> ":0" */
int dir_notify_fmt_vs(const char *id, char *buf, size_t len)
{
	char proto[16], rest[256];
	const char *colon;
	int n;

	if (!id || sscanf(id, "%15s %255[^\n]", proto, rest) != 2)
		return -1;
	if (!strcmp(proto, "fwmark")) {
		unsigned long m = strtoul(rest, NULL, 0);

		n = snprintf(buf, len, "FWM %lu", m);
	} else if (!strncmp(rest, "group ", 6)) {
		n = snprintf(buf, len, "[%s]:0", rest + 6);
	} else if (rest[0] == '[') {
		const char *end = strchr(rest, ']');

		if (!end)
			return -1;
		n = snprintf(buf, len, "%.*s:%s:%s", (int)(end - rest + 1), rest, proto,
		             end[1] == ':' ? end + 2 : "0");
	} else {
		colon = strrchr(rest, ':');
		n = colon ? snprintf(buf, len, "[%.*s]:%s:%s", (int)(colon - rest), rest, proto,
		                     colon + 1)
		          : snprintf(buf, len, "[%s]:%s:0", rest, proto);
	}
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* the real server part of "tcp 192.0.2.10:80/198.51.100.11:80" -> "[198.51.100.11]:tcp:80"
 * (the protocol is the virtual server's; "none" for fwmark services) */
int dir_notify_fmt_rs(const char *id, char *buf, size_t len)
{
	char proto[16];
	const char *slash = id ? strchr(id, '/') : NULL, *a, *colon;
	int n;

	if (!slash || sscanf(id, "%15s", proto) != 1)
		return -1;
	if (!strcmp(proto, "fwmark"))
		snprintf(proto, sizeof(proto), "none");
	a = slash + 1;
	if (*a == '[') {
		const char *end = strchr(a, ']');

		if (!end)
			return -1;
		n = snprintf(buf, len, "%.*s:%s:%s", (int)(end - a + 1), a, proto,
		             end[1] == ':' ? end + 2 : "0");
	} else {
		colon = strrchr(a, ':');
		n = colon ? snprintf(buf, len, "[%.*s]:%s:%s", (int)(colon - a), a, proto, colon + 1)
		          : snprintf(buf, len, "[%s]:%s:0", a, proto);
	}
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static size_t put(char *buf, size_t len, size_t at, const char *fmt, const char *a,
                  const char *b, const char *c)
{
	int n;

	if (at >= len)
		return at;
	n = snprintf(buf + at, len - at, fmt, a, b, c);
	if (n < 0 || (size_t)n >= len - at)
		return len;             /* truncated: the caller drops everything */
	return at + (size_t)n;
}

static size_t vrrp_line(json_object *ev, int group, char *buf, size_t len)
{
	const char *name = tdm_json_str(ev, group ? "group" : "instance"), *to = tdm_json_str(ev, "to");
	int n;

	/* keepalived reports MASTER, BACKUP, FAULT and STOP; INIT is tandem's own */
	if (!name || !to || !strcmp(to, "INIT"))
		return 0;
	n = snprintf(buf, len, "%s \"%s\" %s %d\n", group ? "GROUP" : "INSTANCE", name, to,
	             group ? 0 : get_int(ev, "prio", 0));
	return n < 0 || (size_t)n >= len ? 0 : (size_t)n;
}

static size_t vs_line(const char *vs, int up, char *buf, size_t len, size_t at)
{
	char v[300];

	if (dir_notify_fmt_vs(vs, v, sizeof(v)) < 0)
		return at;
	return put(buf, len, at, "VS %s %s%s\n", v, up ? "UP" : "DOWN", "");
}

/* vs id -> [quorum reported by vs.quorum (0/1), up, live weight, evaluated (0/1)] */
static json_object *vs_state(struct dir_notify_lines *s, const char *vs)
{
	json_object *q = NULL;

	if (json_object_object_get_ex(s->vs, vs, &q))
		return q;
	q = json_object_new_array();
	for (int i = 0; i < 4; i++)
		json_object_array_add(q, json_object_new_int64(0));
	json_object_object_add(s->vs, vs, q);
	return q;
}

static long long at_i(json_object *a, size_t i)
{
	return json_object_get_int64(json_object_array_get_idx(a, i));
}

static void set_i(json_object *a, size_t i, long long v)
{
	json_object_array_put_idx(a, i, json_object_new_int64(v));
}

/* virtual servers without quorum settings send no vs.quorum events: their quorum is one
 * live server's worth of weight, followed here from the real servers' reports (the live
 * weight is kept up to date by difference, so each report costs O(1)) */
static size_t implicit_quorum(json_object *q, const char *vs, long long delta, char *buf,
                              size_t len, size_t at)
{
	int up;

	set_i(q, 2, at_i(q, 2) + delta);
	if (at_i(q, 0))
		return at;              /* it reports its quorum itself */
	up = at_i(q, 2) >= 1;
	if (!at_i(q, 3)) {
		set_i(q, 3, 1);
		set_i(q, 1, up);
		return at;              /* the first evaluation is not a change */
	}
	if (at_i(q, 1) == up)
		return at;
	set_i(q, 1, up);
	return vs_line(vs, up, buf, len, at);
}

static size_t rs_line(struct dir_notify_lines *s, json_object *ev, char *buf, size_t len)
{
	const char *rs = tdm_json_str(ev, "rs"), *vs = tdm_json_str(ev, "vs");
	json_object *st = NULL;
	int up, was = -1, w = get_int(ev, "weight", 0);
	long long delta = 0;
	size_t at = 0;
	char r[300], v[300];

	if (!rs || !vs || get_bool(ev, "up", &up) < 0)
		return 0;
	if (json_object_object_get_ex(s->rs, rs, &st)) {
		was = (int)at_i(st, 0);
		if (was && at_i(st, 1) > 0)
			delta -= at_i(st, 1);
	}
	if (up && w > 0)
		delta += w;
	st = json_object_new_array();
	json_object_array_add(st, json_object_new_int64(up));
	json_object_array_add(st, json_object_new_int64(w));
	json_object_object_add(s->rs, rs, st);
	/* the first report is the initial state, not a change (keepalived writes nothing
	 * either); a weight change alone is no line */
	if (was >= 0 && was != up && dir_notify_fmt_rs(rs, r, sizeof(r)) == 0 &&
	    dir_notify_fmt_vs(vs, v, sizeof(v)) == 0)
		at = put(buf, len, at, "RS %s %s %s\n", r, v, up ? "UP" : "DOWN");
	return implicit_quorum(vs_state(s, vs), vs, delta, buf, len, at);
}

static size_t quorum_line(struct dir_notify_lines *s, json_object *ev, char *buf, size_t len)
{
	const char *vs = tdm_json_str(ev, "vs");
	json_object *q;
	int up, was = -1;

	if (!vs || get_bool(ev, "up", &up) < 0)
		return 0;
	q = vs_state(s, vs);
	if (at_i(q, 0))
		was = (int)at_i(q, 1);
	set_i(q, 0, 1);
	set_i(q, 1, up);
	if (was < 0 || was == up)
		return 0;
	return vs_line(vs, up, buf, len, 0);
}

size_t dir_notify_line(struct dir_notify_lines *s, json_object *ev, unsigned kinds, char *buf,
                       size_t len)
{
	const char *type = tdm_json_str(ev, "type");
	size_t n = 0;

	if (!type || !len)
		return 0;
	buf[0] = '\0';
	if (!strcmp(type, "vrrp.state") && (kinds & DIR_NOTIFY_VRRP))
		n = vrrp_line(ev, 0, buf, len);
	else if (!strcmp(type, "vrrp.group") && (kinds & DIR_NOTIFY_VRRP))
		n = vrrp_line(ev, 1, buf, len);
	else if (!strcmp(type, "rs.state") && s)
		n = rs_line(s, ev, buf, len);
	else if (!strcmp(type, "vs.quorum") && s)
		n = quorum_line(s, ev, buf, len);
	else
		return 0;
	if (n >= len || (!(kinds & DIR_NOTIFY_LVS) && strncmp(type, "vrrp.", 5))) {
		buf[0] = '\0';         /* truncated, or LVS lines not wanted (state kept) */
		return 0;
	}
	return n;
}
