/* tests/unit/ipvs_fake.h - a recording fake of the IPVS netlink layer (struct dir_ipvs_io)
 * for the reconcile engine's tests: a model kernel table that applies each operation as
 * the kernel would (EEXIST / ESRCH / ENOENT), builds every netlink message for real and
 * counts them, can refuse chosen operations with a chosen errno and can lose the acks of a
 * batch's tail (ENOBUFS); records the FULLNAT nft scripts and the conntrack sysctl. Also helpers to parse config text with an origin map. */
#ifndef TESTS_UNIT_IPVS_FAKE_H
#define TESTS_UNIT_IPVS_FAKE_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "director/ipvs_ctl.h"
#include "director/ipvs_msg.h"
#include "lib/conf.h"

struct fake_kernel {
	struct dir_ipvs_table k;
	size_t msgs, batches, dumps;
	size_t last_msgs;               /* messages of the last apply */
	char last_op[256];              /* the last operation, as text */
	const char *fail_match;         /* an op whose text contains this fails ... */
	int fail_errno;                 /* ... with this errno */
	int overrun_after;              /* > 0: the next apply loses acks after this many ops */
	const struct dir_ipvs_svc *inject;  /* added by "someone else" before the next apply */
	struct dir_ipvs_io_stats st;
	/* FULLNAT: nft scripts run (the last one kept), a refusal to make, the conntrack
	 * sysctl (writes counted; ct_locked: writing fails with EPERM) */
	size_t nft_calls;
	char *nft_last;
	const char *nft_fail;           /* non-NULL: the next scripts fail with this message */
	int ct_val, ct_sets, ct_locked;
	int rcvbuf, rcvbuf_force;       /* the last lvs_netlink_cmd_rcv_bufs asked for */
};

static inline int fake_dump(void *arg, struct dir_ipvs_table *out)
{
	struct fake_kernel *f = arg;

	f->dumps++;
	dir_ipvs_table_free(out);
	dir_ipvs_table_init(out);
	return dir_ipvs_table_copy(out, &f->k) < 0 ? -ENOMEM : 0;
}

static inline int fake_apply(void *arg, const struct dir_ipvs_op *ops, size_t n, int *errs)
{
	struct fake_kernel *f = arg;
	int rc = 0;

	f->batches++;
	f->last_msgs = 0;
	if (f->inject) {
		dir_ipvs_svc_add(&f->k, f->inject, NULL);
		f->inject = NULL;
	}
	for (size_t i = 0; i < n; i++) {
		struct nl_msg *m = dir_ipvs_msg_op(1, &ops[i]);
		char s[256];

		if (!m) {
			errs[i] = ENOMEM;
			continue;
		}
		nlmsg_free(m);
		f->msgs++;
		f->last_msgs++;
		f->st.msgs++;
		dir_ipvs_op_str(&ops[i], s, sizeof(s));
		snprintf(f->last_op, sizeof(f->last_op), "%s", s);
		if (f->fail_match && strstr(s, f->fail_match)) {
			errs[i] = f->fail_errno;
			continue;
		}
		if (dir_ipvs_op_apply(&f->k, &ops[i]) < 0) {
			errs[i] = ops[i].kind == DIR_IPVS_OP_NEW_SVC ? EEXIST :
				  !dir_ipvs_svc_find(&f->k, &ops[i].svc->key) ? ESRCH :
				  ops[i].kind == DIR_IPVS_OP_NEW_DEST ? EEXIST : ENOENT;
			continue;
		}
		errs[i] = 0;
		if (f->overrun_after && i + 1 >= (size_t)f->overrun_after) {
			/* the kernel did the rest too, but their acks never came */
			for (size_t j = i + 1; j < n; j++) {
				dir_ipvs_op_apply(&f->k, &ops[j]);
				f->msgs++;
				f->last_msgs++;
				errs[j] = DIR_IPVS_ERR_LOST;
			}
			f->overrun_after = 0;
			f->st.overruns++;
			rc = -ENOBUFS;
			break;
		}
	}
	return rc;
}

static inline int fake_nft(void *arg, const char *script, char *err, size_t errlen)
{
	struct fake_kernel *f = arg;

	f->nft_calls++;
	free(f->nft_last);
	f->nft_last = strdup(script);
	if (f->nft_fail) {
		snprintf(err, errlen, "%s", f->nft_fail);
		return -1;
	}
	return 0;
}

static inline int fake_conntrack(void *arg, int set)
{
	struct fake_kernel *f = arg;

	if (set) {
		if (f->ct_locked)
			return -EPERM;
		f->ct_sets++;
		f->ct_val = 1;
	}
	return f->ct_val;
}

static inline int fake_rcvbuf(void *arg, int bytes, int force)
{
	struct fake_kernel *f = arg;

	f->rcvbuf = bytes;
	f->rcvbuf_force = force;
	return 0;
}

static inline void fake_init(struct fake_kernel *f, struct dir_ipvs_io *io)
{
	memset(f, 0, sizeof(*f));
	dir_ipvs_table_init(&f->k);
	memset(io, 0, sizeof(*io));
	io->arg = f;
	io->dump = fake_dump;
	io->apply = fake_apply;
	io->nft = fake_nft;
	io->conntrack = fake_conntrack;
	io->rcvbuf = fake_rcvbuf;
	io->stats = &f->st;
}

static inline void fake_free(struct fake_kernel *f)
{
	dir_ipvs_table_free(&f->k);
	free(f->nft_last);
	f->nft_last = NULL;
}

/* a parsed config with its origin map */
struct test_cfg {
	struct tdm_canon canon;
	struct tdm_config *cfg;
};

static inline int test_cfg_load(struct test_cfg *t, const char *name, const char *text)
{
	struct tdm_conf_opts o = { .conf_id = "test" };
	struct tdm_diags d;

	memset(t, 0, sizeof(*t));
	tdm_diags_init(&d);
	if (tdm_conf_resolve_mem(name, text, strlen(text), &o, &t->canon, &d) < 0)
		goto bad;
	t->cfg = tdm_conf_parse(t->canon.text, t->canon.len, &t->canon, &o, &d);
	if (!t->cfg || d.nerr || d.nfatal)
		goto bad;
	tdm_diags_free(&d);
	return 0;
bad:
	tdm_diags_print(&d, stderr);
	tdm_diags_free(&d);
	return -1;
}

static inline void test_cfg_free(struct test_cfg *t)
{
	tdm_config_free(t->cfg);
	tdm_canon_free(&t->canon);
	memset(t, 0, sizeof(*t));
}

/* ipvs_ctl's where callback over a canon: "file:line" */
static inline void canon_where(void *arg, uint32_t line, char *buf, size_t len)
{
	const struct tdm_canon *c = arg;

	if (line && line <= c->nlines)
		snprintf(buf, len, "%s:%u", c->files[c->origin[line - 1].file], c->origin[line - 1].line);
	else
		snprintf(buf, len, "config line %u", line);
}

#endif
