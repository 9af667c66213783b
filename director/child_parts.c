/* director/child_parts.c - the ops table of each child part: every part defines its ops in
 * its own directory (vrrp/vrrp_child.c, healthcheck/check_child.c, sync/sync_child.c,
 * snmp/snmp_child.c); this table is where the supervisor finds them. */
#include "director/child_parts.h"

extern const struct dir_part_ops vrrp_part_ops;    /* vrrp/vrrp_child.c */

extern const struct dir_part_ops check_part_ops;   /* healthcheck/check_child.c */

extern const struct dir_part_ops sync_part_ops;    /* sync/sync_child.c */

extern const struct dir_part_ops snmp_part_ops;    /* snmp/snmp_child.c */

const struct dir_part_ops *const dir_parts[4] = { &vrrp_part_ops, &check_part_ops, &sync_part_ops,
                                                  &snmp_part_ops };
