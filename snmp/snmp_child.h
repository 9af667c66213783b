/* snmp/snmp_child.h - the snmp part's ops table (director/child_parts.c points at it). */
#ifndef TDM_SNMP_CHILD_H
#define TDM_SNMP_CHILD_H

#include "director/child_parts.h"

extern const struct dir_part_ops snmp_part_ops;

#endif
