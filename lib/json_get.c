/* lib/json_get.c - typed field lookups on json-c objects (json_get.h). */
#include "lib/json_get.h"

const char *tdm_json_str(json_object *o, const char *key)
{
	json_object *v;

	if (o && json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string))
		return json_object_get_string(v);
	return NULL;
}

static json_object *number_at(json_object *o, const char *key)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) || !v)
		return NULL;
	if (json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double) ||
	    json_object_is_type(v, json_type_boolean))
		return v;
	return NULL;
}

int64_t tdm_json_int(json_object *o, const char *key, int64_t dflt)
{
	json_object *v = number_at(o, key);

	return v ? json_object_get_int64(v) : dflt;
}

uint64_t tdm_json_u64(json_object *o, const char *key)
{
	json_object *v = number_at(o, key);

	return v ? json_object_get_uint64(v) : 0;
}
