/* director/ipvs_diff.c - desired vs kernel IPVS table -> ordered operation list (see
 * ipvs_diff.h). Linear in the number of entries: every lookup goes through the tables'
 * hash indexes. */
#include "director/ipvs_diff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int push(struct dir_ipvs_ops *ops, enum dir_ipvs_op_kind kind,
		const struct dir_ipvs_svc *svc, const struct dir_ipvs_dest *dest)
{
	if (ops->n == ops->cap) {
		size_t nc = ops->cap ? ops->cap * 2 : 64;
		struct dir_ipvs_op *v = realloc(ops->v, nc * sizeof(*v));
		if (!v)
			return -1;
		ops->v = v;
		ops->cap = nc;
	}
	ops->v[ops->n++] = (struct dir_ipvs_op){ kind, svc, dest };
	return 0;
}

void dir_ipvs_ops_free(struct dir_ipvs_ops *ops)
{
	free(ops->v);
	memset(ops, 0, sizeof(*ops));
}

static bool is_owned(dir_ipvs_owned_fn owned, void *arg, const struct dir_ipvs_svc *s,
		     const struct dir_ipvs_dest *d)
{
	return owned && owned(arg, s, d);
}

/* phases 1 and 2: deletions, looking at the kernel table */
static int diff_deletes(const struct dir_ipvs_table *desired, const struct dir_ipvs_table *kernel,
			dir_ipvs_owned_fn owned, void *arg, unsigned flags,
			struct dir_ipvs_ops *ops)
{
	struct dir_ipvs_ops svc_dels = { 0 };
	int rc = -1;

	for (size_t i = 0; i < kernel->nsvcs; i++) {
		const struct dir_ipvs_svc *ks = kernel->svcs[i];
		const struct dir_ipvs_svc *ds = dir_ipvs_svc_find(desired, &ks->key);

		if (ds) {
			for (size_t j = 0; j < ks->ndests; j++) {
				const struct dir_ipvs_dest *kd = &ks->dests[j];
				if (!dir_ipvs_dest_find(ds, &kd->key) && is_owned(owned, arg, ks, kd) &&
				    push(ops, DIR_IPVS_OP_DEL_DEST, ks, kd) < 0)
					goto out;
			}
			continue;
		}
		/* not desired: an owned service goes if none of its destinations is foreign;
		 * otherwise only its owned destinations go */
		bool foreign = !is_owned(owned, arg, ks, NULL);
		for (size_t j = 0; j < ks->ndests && !foreign; j++)
			foreign = !is_owned(owned, arg, ks, &ks->dests[j]);
		if (foreign) {
			for (size_t j = 0; j < ks->ndests; j++)
				if (is_owned(owned, arg, ks, &ks->dests[j]) &&
				    push(ops, DIR_IPVS_OP_DEL_DEST, ks, &ks->dests[j]) < 0)
					goto out;
			continue;
		}
		if (flags & DIR_IPVS_DIFF_DEST_DELS)
			for (size_t j = 0; j < ks->ndests; j++)
				if (push(ops, DIR_IPVS_OP_DEL_DEST, ks, &ks->dests[j]) < 0)
					goto out;
		if (push(&svc_dels, DIR_IPVS_OP_DEL_SVC, ks, NULL) < 0)
			goto out;
	}
	for (size_t i = 0; i < svc_dels.n; i++)
		if (push(ops, DIR_IPVS_OP_DEL_SVC, svc_dels.v[i].svc, NULL) < 0)
			goto out;
	rc = 0;
out:
	dir_ipvs_ops_free(&svc_dels);
	return rc;
}

/* phases 3 and 4: additions and changes, looking at the desired table */
static int diff_adds(const struct dir_ipvs_table *desired, const struct dir_ipvs_table *kernel,
		     struct dir_ipvs_ops *ops)
{
	size_t first_dest = 0;
	struct dir_ipvs_ops dests = { 0 };
	int rc = -1;

	for (size_t i = 0; i < desired->nsvcs; i++) {
		const struct dir_ipvs_svc *ds = desired->svcs[i];
		const struct dir_ipvs_svc *ks = dir_ipvs_svc_find(kernel, &ds->key);

		if (!ks) {
			if (push(ops, DIR_IPVS_OP_NEW_SVC, ds, NULL) < 0)
				goto out;
			for (size_t j = 0; j < ds->ndests; j++)
				if (push(&dests, DIR_IPVS_OP_NEW_DEST, ds, &ds->dests[j]) < 0)
					goto out;
			continue;
		}
		if (!dir_ipvs_svc_attrs_eq(ds, ks) && push(ops, DIR_IPVS_OP_SET_SVC, ds, NULL) < 0)
			goto out;
		for (size_t j = 0; j < ds->ndests; j++) {
			const struct dir_ipvs_dest *dd = &ds->dests[j];
			const struct dir_ipvs_dest *kd = dir_ipvs_dest_find(ks, &dd->key);
			if (!kd) {
				if (push(&dests, DIR_IPVS_OP_NEW_DEST, ds, dd) < 0)
					goto out;
			} else if (!dir_ipvs_dest_attrs_eq(dd, kd) &&
				   push(&dests, DIR_IPVS_OP_SET_DEST, ds, dd) < 0) {
				goto out;
			}
		}
	}
	for (; first_dest < dests.n; first_dest++)
		if (push(ops, dests.v[first_dest].kind, dests.v[first_dest].svc,
			 dests.v[first_dest].dest) < 0)
			goto out;
	rc = 0;
out:
	dir_ipvs_ops_free(&dests);
	return rc;
}

int dir_ipvs_diff(const struct dir_ipvs_table *desired, const struct dir_ipvs_table *kernel,
		  dir_ipvs_owned_fn owned, void *arg, unsigned flags, struct dir_ipvs_ops *ops)
{
	if (diff_deletes(desired, kernel, owned, arg, flags, ops) < 0)
		return -1;
	return diff_adds(desired, kernel, ops);
}

int dir_ipvs_op_apply(struct dir_ipvs_table *t, const struct dir_ipvs_op *op)
{
	struct dir_ipvs_svc *s = dir_ipvs_svc_find(t, &op->svc->key);
	struct dir_ipvs_dest *d;

	switch (op->kind) {
	case DIR_IPVS_OP_NEW_SVC:
		if (s || !(s = dir_ipvs_svc_add(t, op->svc, NULL)))
			return -1;
		s->flags &= ~IP_VS_SVC_F_HASHED;
		memset(&s->stats, 0, sizeof(s->stats));
		s->has_stats = false;
		return 0;
	case DIR_IPVS_OP_SET_SVC:
		if (!s)
			return -1;
		dir_ipvs_svc_attrs_copy(s, op->svc);
		return 0;
	case DIR_IPVS_OP_DEL_SVC:
		return dir_ipvs_svc_del(t, &op->svc->key);
	default:
		break;
	}
	if (!s || !op->dest)
		return -1;
	d = dir_ipvs_dest_find(s, &op->dest->key);
	switch (op->kind) {
	case DIR_IPVS_OP_NEW_DEST:
		if (d || !(d = dir_ipvs_dest_add(s, op->dest, NULL)))
			return -1;
		d->fwd &= IP_VS_CONN_F_FWD_MASK;
		d->active_conns = d->inact_conns = d->persist_conns = 0;
		d->has_stats = false;
		memset(&d->stats, 0, sizeof(d->stats));
		return 0;
	case DIR_IPVS_OP_SET_DEST:
		if (!d)
			return -1;
		dir_ipvs_dest_attrs_copy(d, op->dest);
		return 0;
	case DIR_IPVS_OP_DEL_DEST:
		return dir_ipvs_dest_del(s, &op->dest->key);
	default:
		return -1;
	}
}

const char *dir_ipvs_op_name(enum dir_ipvs_op_kind kind)
{
	switch (kind) {
	case DIR_IPVS_OP_DEL_DEST: return "DEL_DEST";
	case DIR_IPVS_OP_DEL_SVC: return "DEL_SERVICE";
	case DIR_IPVS_OP_NEW_SVC: return "NEW_SERVICE";
	case DIR_IPVS_OP_SET_SVC: return "SET_SERVICE";
	case DIR_IPVS_OP_NEW_DEST: return "NEW_DEST";
	case DIR_IPVS_OP_SET_DEST: return "SET_DEST";
	}
	return "?";
}

void dir_ipvs_op_str(const struct dir_ipvs_op *op, char *buf, size_t len)
{
	char sk[DIR_IPVS_KEY_STRLEN], dk[DIR_IPVS_KEY_STRLEN];

	if (!len)
		return;
	dir_ipvs_svc_key_str(&op->svc->key, sk, sizeof(sk));
	switch (op->kind) {
	case DIR_IPVS_OP_NEW_SVC:
	case DIR_IPVS_OP_SET_SVC:
		snprintf(buf, len, "%s %s %s", dir_ipvs_op_name(op->kind), sk, op->svc->sched);
		return;
	case DIR_IPVS_OP_DEL_SVC:
		snprintf(buf, len, "%s %s", dir_ipvs_op_name(op->kind), sk);
		return;
	default:
		break;
	}
	if (!op->dest) {
		snprintf(buf, len, "%s %s -> ?", dir_ipvs_op_name(op->kind), sk);
		return;
	}
	dir_ipvs_dest_key_str(&op->dest->key, dk, sizeof(dk));
	if (op->kind == DIR_IPVS_OP_DEL_DEST)
		snprintf(buf, len, "%s %s -> %s", dir_ipvs_op_name(op->kind), sk, dk);
	else
		snprintf(buf, len, "%s %s -> %s %s weight %d", dir_ipvs_op_name(op->kind), sk, dk,
			 dir_ipvs_fwd_name(op->dest->fwd), (int)op->dest->weight);
}
