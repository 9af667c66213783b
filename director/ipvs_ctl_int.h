/* director/ipvs_ctl_int.h - the reconcile engine's internal state, shared by ipvs_ctl.c (the
 * engine), ipvs_ctl_runtime.c (checker verdicts, sorry state, operator overrides) and
 * ipvs_ctl_status.c (its status report). Not for other modules. */
#ifndef TANDEM_DIRECTOR_IPVS_CTL_INT_H
#define TANDEM_DIRECTOR_IPVS_CTL_INT_H

#include "director/ipvs_ctl.h"

/* one real server's runtime state, by object id */
struct dir_ipvs_rs_rec {
	char *id;
	int up;                     /* -1: no verdict yet */
	int weight;                 /* the checker's weight (-1 out), when up >= 0 */
	enum dir_ipvs_override ov;
	int ov_weight;
	uint64_t ov_hash;           /* the config entry's hash when the override was set */
	uint8_t seen;
	uint8_t cfg_changed;
	uint64_t cfg_hash;          /* the config entry's hash (0: not known yet) */        /* config entry changed since the checker's last verdict */
};

struct dir_ipvs_strmap {
	struct dir_ipvs_rs_rec **slot;
	size_t cap, n;
};

/* a destination being drained: weight 0 until no active connection or the deadline */
struct dir_ipvs_ghost {
	struct dir_ipvs_svc svc;    /* attributes only (no destinations) */
	struct dir_ipvs_dest dest;
	uint64_t since, deadline;
	int expired;                /* drained: being deleted (never merged, never re-made) */
	char id[128];               /* the real server's object id, for people */
};

#define DIR_IPVS_MAX_ERRS 64

struct dir_ipvs_ctl {
	struct dir_ipvs_io io;
	struct dir_ipvs_ctl_opts o;
	const struct tdm_config *cfg;
	struct dir_ipvs_table kernel;       /* cached kernel view */
	int kernel_valid;
	struct dir_ipvs_desired cur;        /* the desired table last applied */
	struct dir_ipvs_strmap rs, sorry;
	struct dir_ipvs_ghost *gh;
	size_t ngh, ghcap;
	char *errs[DIR_IPVS_MAX_ERRS];
	size_t nerrs, nerrs_total;
	uint64_t last_drain_dump;
	uint64_t applies, ops_total;
	/* FULLNAT: the rules now in tandem's nftables table (NULL: not known, apply next
	 * time), how many, the last failure, net.ipv4.vs.conntrack as last read */
	char *fnat_rules;
	size_t fnat_nrules;
	char fnat_err[320];
	int fnat_conntrack;
	void (*where)(void *arg, uint32_t line, char *buf, size_t len);
	void *where_arg;
	void (*emit)(void *arg, json_object *ev);
	void *emit_arg;
};

struct dir_ipvs_rs_rec *dir_ipvs_strmap_get(const struct dir_ipvs_strmap *m, const char *id);
void dir_ipvs_strmap_free(struct dir_ipvs_strmap *m);
/* the desired table's callbacks (dir_ipvs_rs_weight_fn, dir_ipvs_vs_sorry_fn), arg = the engine */
int dir_ipvs_ctl_weight_fn(void *arg, const char *rs_id, const struct check_vs_conf *vs,
			   const struct check_rs_conf *rs);
int dir_ipvs_ctl_sorry_fn(void *arg, const char *vs_id);
/* before a reload's sync: drop overrides whose config entry changed, records of real servers
 * that are gone */
void dir_ipvs_ctl_rs_records_reload(struct dir_ipvs_ctl *c, const struct tdm_config *cfg);
const struct dir_ipvs_ghost *dir_ipvs_ctl_ghost(const struct dir_ipvs_ctl *c,
						const struct dir_ipvs_svc_key *sk,
						const struct dir_ipvs_dest_key *dk);

#endif
