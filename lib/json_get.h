/* lib/json_get.h - typed field lookups on json-c objects, shared by the parts that read events
 * and control replies. */
#ifndef TDM_JSON_GET_H
#define TDM_JSON_GET_H

#include <stdint.h>
#include <json-c/json.h>

/* the string value of o[key]; NULL when o is NULL, the key is missing or not a string */
const char *tdm_json_str(json_object *o, const char *key);
/* the integer value of o[key] (a number, truncated, or a boolean as 0/1); dflt when o is NULL,
 * the key is missing or holds anything else */
int64_t tdm_json_int(json_object *o, const char *key, int64_t dflt);
/* the unsigned value of o[key] (counters up to 2^64-1); 0 when missing, negative or not a
 * number */
uint64_t tdm_json_u64(json_object *o, const char *key);

#endif
