/* snmp/snmp_prom.h - render the monitoring view as Prometheus text exposition. */
#ifndef TDM_SNMP_PROM_H
#define TDM_SNMP_PROM_H

#include <stddef.h>
#include "snmp/snmp_view.h"

#define SNMP_PROM_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* malloc'd NUL-terminated text (*len its length, may be NULL), NULL on allocation failure */
char *snmp_prom_render(const struct snmp_view *v, size_t *len);

#endif
