/* director/ipvs_diff.h - the pure diff of a desired IPVS table against the kernel's: an
 * ordered list of operations that, applied to the kernel table, makes tandem's part of it
 * equal to the desired table and leaves every other entry alone.
 *
 * Order of the list (each phase complete before the next):
 *   1. DEL_DEST    owned kernel destinations that are not desired (services that stay, and
 *                  with DIR_IPVS_DIFF_DEST_DELS those of services about to be deleted)
 *   2. DEL_SERVICE owned kernel services that are not desired
 *   3. NEW_SERVICE / SET_SERVICE  desired services missing / differing
 *   4. NEW_DEST / SET_DEST        desired destinations missing / differing
 * so a service always comes before its destinations on add and after them on delete.
 *
 * Desired entries are tandem's by definition (a matching kernel entry is adopted and only
 * changed where it differs). A kernel entry absent from the desired table is removed only
 * if the owned predicate says tandem made it; otherwise it is foreign and left untouched.
 * A foreign destination keeps its (owned, undesired) service alive: only the service's
 * owned destinations are deleted then; the same for owned destinations left in a foreign
 * service. */
#ifndef TANDEM_DIRECTOR_IPVS_DIFF_H
#define TANDEM_DIRECTOR_IPVS_DIFF_H

#include "director/ipvs_table.h"

enum dir_ipvs_op_kind {
	DIR_IPVS_OP_DEL_DEST,
	DIR_IPVS_OP_DEL_SVC,
	DIR_IPVS_OP_NEW_SVC,
	DIR_IPVS_OP_SET_SVC,
	DIR_IPVS_OP_NEW_DEST,
	DIR_IPVS_OP_SET_DEST,
};

/* svc/dest point into the desired table for NEW/SET and into the kernel table for DEL;
 * they stay valid while both tables are unchanged. dest is NULL for service ops. */
struct dir_ipvs_op {
	enum dir_ipvs_op_kind kind;
	const struct dir_ipvs_svc *svc;
	const struct dir_ipvs_dest *dest;
};

struct dir_ipvs_ops {
	struct dir_ipvs_op *v;
	size_t n, cap;
};

/* Does tandem own this kernel entry? dest NULL: the service itself. NULL predicate: tandem
 * owns nothing beyond the desired table (nothing undesired is ever deleted). */
typedef bool (*dir_ipvs_owned_fn)(void *arg, const struct dir_ipvs_svc *svc,
				  const struct dir_ipvs_dest *dest);

enum {
	/* Also emit DEL_DEST for each destination of a deleted service (the kernel drops
	 * them with the service anyway; one message instead of n+1 without this flag). */
	DIR_IPVS_DIFF_DEST_DELS = 1 << 0,
};

/* Fill ops (appended to; call dir_ipvs_ops_free when done). 0, or -1 out of memory. */
int dir_ipvs_diff(const struct dir_ipvs_table *desired, const struct dir_ipvs_table *kernel,
		  dir_ipvs_owned_fn owned, void *arg, unsigned flags, struct dir_ipvs_ops *ops);
void dir_ipvs_ops_free(struct dir_ipvs_ops *ops);

/* Apply one op to a table the way the kernel would (for tests, fakes and for keeping a
 * cached kernel view current after acks). The op must not point into t itself (apply a
 * diff against the kernel table to a copy of it). 0, or -1 if the kernel would refuse it (EEXIST,
 * ESRCH/ENOENT) or out of memory. */
int dir_ipvs_op_apply(struct dir_ipvs_table *t, const struct dir_ipvs_op *op);
const char *dir_ipvs_op_name(enum dir_ipvs_op_kind kind);
/* "SET_DEST TCP 10.0.0.1:80 -> 10.0.1.1:80 weight 0" style, for logs and error messages. */
void dir_ipvs_op_str(const struct dir_ipvs_op *op, char *buf, size_t len);

#endif
