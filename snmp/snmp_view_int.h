/* snmp/snmp_view_int.h - internals shared by snmp_view.c and snmp_view_lvs.c: JSON getters
 * and sorted-by-name tables (the element's first member is its NUL-terminated name). */
#ifndef TDM_SNMP_VIEW_INT_H
#define TDM_SNMP_VIEW_INT_H

#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>
#include "snmp/snmp_view.h"

json_object *snmp_view_get(json_object *o, const char *key);
const char *snmp_view_get_str(json_object *o, const char *key);
int snmp_view_get_num(json_object *o, const char *key, double *out);   /* 0 / -1 */
uint64_t snmp_view_get_u64(json_object *o, const char *key, uint64_t dflt);

/* the element named name in arr (n elements of esz bytes), or NULL; *pos = where it is or
 * would go */
void *snmp_sorted_find(void *arr, size_t n, size_t esz, const char *name, size_t *pos);
/* find or insert (zeroed, name set) keeping the order; NULL when full (max) or no memory */
void *snmp_sorted_get(void **arr, size_t *n, size_t *cap, size_t esz, const char *name,
                      size_t name_cap, size_t max);

/* snmp_view_lvs.c */
int snmp_view_rs_event(struct snmp_view *v, json_object *ev);
int snmp_view_vs_event(struct snmp_view *v, json_object *ev);
void snmp_view_lvs_json(const struct snmp_view *v, json_object *o);
void snmp_view_lvs_load(struct snmp_view *v, json_object *o);

/* snmp_view_lvs.c */
int snmp_view_ipvs_event(struct snmp_view *v, json_object *ev);
/* snmp_view_ext.c: vrrp.stats, vrrp.group, check.result */
int snmp_view_vrrp_stats_event(struct snmp_view *v, json_object *ev);
int snmp_view_group_event(struct snmp_view *v, json_object *ev);
int snmp_view_chk_event(struct snmp_view *v, json_object *ev);
void snmp_view_ext_json(const struct snmp_view *v, json_object *o);
void snmp_view_ext_load(struct snmp_view *v, json_object *o);
/* snmp_view_sync.c: the sync relay's events */
int snmp_view_sync_event(struct snmp_view *v, const char *type, json_object *ev);
void snmp_view_sync_json(const struct snmp_view *v, json_object *o);
void snmp_view_sync_load(struct snmp_view *v, json_object *o);

#endif
