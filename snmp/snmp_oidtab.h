/* snmp/snmp_oidtab.h - a sorted table of (OID, typed value) pairs: a MIB subtree's contents
 * built in one go from the monitoring view, then served by exact and next lookups (GET and
 * GETNEXT/GETBULK). Pure: no net-snmp calls; the value types are the ASN.1 tags. */
#ifndef TDM_SNMP_OIDTAB_H
#define TDM_SNMP_OIDTAB_H

#include <stddef.h>
#include <stdint.h>

typedef unsigned long snmp_subid;   /* the same width as net-snmp's oid */

#define SNMP_OID_MAX 128

/* value types (the BER tags net-snmp uses) */
#define SNMP_T_INTEGER   0x02
#define SNMP_T_OCTETS    0x04
#define SNMP_T_COUNTER32 0x41
#define SNMP_T_GAUGE32   0x42   /* also Unsigned32 */
#define SNMP_T_TIMETICKS 0x43
#define SNMP_T_COUNTER64 0x46

struct snmp_oid_ent {
	snmp_subid *name;
	size_t len;
	uint8_t type;
	int64_t i;                  /* INTEGER */
	uint64_t u;                 /* COUNTER32, GAUGE32, TIMETICKS, COUNTER64 */
	char *s;                    /* OCTETS */
	size_t slen;
};

struct snmp_oid_pool;            /* names and strings live in a few big blocks */

struct snmp_oidtab {
	struct snmp_oid_ent *ents;
	size_t n, cap;
	int sorted;
	struct snmp_oid_pool *pool, *cur;
};

void snmp_oidtab_init(struct snmp_oidtab *t);
void snmp_oidtab_clear(struct snmp_oidtab *t);   /* empty, keeps the allocation */
void snmp_oidtab_free(struct snmp_oidtab *t);
/* add base (blen subids) + suffix (slen subids); 0 / -1 (too long, no memory) */
int snmp_oidtab_add_int(struct snmp_oidtab *t, const snmp_subid *base, size_t blen,
                        const snmp_subid *suffix, size_t slen, int64_t v);
int snmp_oidtab_add_uns(struct snmp_oidtab *t, const snmp_subid *base, size_t blen,
                        const snmp_subid *suffix, size_t slen, uint8_t type, uint64_t v);
int snmp_oidtab_add_str(struct snmp_oidtab *t, const snmp_subid *base, size_t blen,
                        const snmp_subid *suffix, size_t slen, const void *s, size_t len);
/* builders that add a table row by row (all columns of a row, rows in index order) call
 * this after the table: it stable-sorts the entries [from, n) by their subid at position
 * depth (the column), which puts them in OID order in linear time */
void snmp_oidtab_group(struct snmp_oidtab *t, size_t from, size_t depth);
/* sort (call once after the adds; lookups sort on demand too); checks the order first, so
 * a table built in order costs one pass */
void snmp_oidtab_sort(struct snmp_oidtab *t);
/* the entry named exactly name, or NULL */
const struct snmp_oid_ent *snmp_oidtab_get(struct snmp_oidtab *t, const snmp_subid *name,
                                           size_t len);
/* the first entry after name in OID order, or NULL */
const struct snmp_oid_ent *snmp_oidtab_next(struct snmp_oidtab *t, const snmp_subid *name,
                                            size_t len);
/* change the value of the INTEGER / unsigned entry named exactly name (same type);
 * 0 / -1 (absent) */
int snmp_oidtab_set_int(struct snmp_oidtab *t, const snmp_subid *name, size_t len, int64_t v);
int snmp_oidtab_set_uns(struct snmp_oidtab *t, const snmp_subid *name, size_t len, uint64_t v);
/* OID order: <0, 0, >0 */
int snmp_oid_cmp(const snmp_subid *a, size_t alen, const snmp_subid *b, size_t blen);

#endif
