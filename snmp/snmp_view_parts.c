/* snmp/snmp_view_parts.c - a view snapshot too big for one feed packet arrives as "feed.view"
 * lines ({part, last, text}) after its feed.state ({view_parts: N}): their texts are joined
 * and, with the last one, parsed and loaded into the view (see snmp_view.h). */
#include "snmp/snmp_view.h"
#include "snmp/snmp_view_int.h"

#include <stdlib.h>
#include <string.h>

void snmp_view_parts_begin(struct snmp_view_parts *p, uint64_t n)
{
	p->len = 0;
	p->next = 0;
	p->expect = n;
}

int snmp_view_parts_add(struct snmp_view_parts *p, json_object *ev, struct snmp_view *v)
{
	json_object *t = snmp_view_get(ev, "text"), *last = snmp_view_get(ev, "last");
	uint64_t part = snmp_view_get_u64(ev, "part", UINT64_MAX);
	size_t tl;
	json_object *o;
	int rc;

	if (!p->expect || part != p->next || !t || !json_object_is_type(t, json_type_string))
		return -1;              /* not expected, or out of order: wait for the next replay */
	tl = (size_t)json_object_get_string_len(t);
	if (p->len + tl + 1 > p->cap) {
		size_t cap = (p->len + tl + 1) * 2;
		char *nb = realloc(p->buf, cap);

		if (!nb)
			return -1;
		p->buf = nb;
		p->cap = cap;
	}
	memcpy(p->buf + p->len, json_object_get_string(t), tl);
	p->len += tl;
	p->buf[p->len] = '\0';
	p->next++;
	if (!last || !json_object_get_boolean(last))
		return 0;
	p->expect = 0;
	o = json_tokener_parse(p->buf);
	rc = o && snmp_view_load_events(v, o) == 0 ? 1 : -1;
	json_object_put(o);
	p->len = 0;
	return rc;
}

void snmp_view_parts_free(struct snmp_view_parts *p)
{
	free(p->buf);
	memset(p, 0, sizeof(*p));
}
