/* lib/json_get.c - typed field lookups on json-c objects (json_get.h). */
#include "lib/json_get.h"

const char *tdm_json_str(json_object *o, const char *key)
{
	json_object *v;

	if (o && json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string))
		return json_object_get_string(v);
	return NULL;
}
