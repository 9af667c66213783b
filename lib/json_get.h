/* lib/json_get.h - typed field lookups on json-c objects, shared by the parts that read events
 * and control replies. */
#ifndef TDM_JSON_GET_H
#define TDM_JSON_GET_H

#include <json-c/json.h>

/* the string value of o[key]; NULL when o is NULL, the key is missing or not a string */
const char *tdm_json_str(json_object *o, const char *key);

#endif
