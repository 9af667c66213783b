/* director/ipvs_desired.h - the desired IPVS table: what the config (struct check_conf) asks
 * for, given each real server's current weight (from the health checks and the runtime
 * overrides, supplied by the caller through a callback). Pure: no I/O, no globals.
 *
 * Every service and destination carries a tag (1-based index into `orig`) naming the config
 * object it came from and its canonical line, so a kernel refusal can name file:line.
 * Entries the kernel would refuse (dir_ipvs_svc_check / dir_ipvs_dest_check) and entries
 * two config objects both ask for are left out and listed in `problems`. */
#ifndef TANDEM_DIRECTOR_IPVS_DESIRED_H
#define TANDEM_DIRECTOR_IPVS_DESIRED_H

#include <stddef.h>
#include <stdint.h>
#include "director/ipvs_table.h"
#include "lib/conf.h"

struct check_vs_conf;
struct check_rs_conf;

struct dir_ipvs_origin {
	const char *id;             /* config object id (points into the config) */
	const char *vs_id;          /* its virtual server's id (== id for a service) */
	uint32_t line;              /* canonical line of the object's block */
	uint8_t is_rs;
	uint8_t is_sorry;
};

struct dir_ipvs_problem {
	uint32_t tag;               /* origin (1-based) */
	char what[160];
};

struct dir_ipvs_desired {
	struct dir_ipvs_table table;
	struct dir_ipvs_origin *orig;
	size_t norig, orig_cap;
	struct dir_ipvs_problem *problems;
	size_t nproblems, problems_cap;
};

/* Weight of one real server now: >= 0 in the table with that weight, -1 left out. */
typedef int (*dir_ipvs_rs_weight_fn)(void *arg, const char *rs_id,
				     const struct check_vs_conf *vs,
				     const struct check_rs_conf *rs);
/* Should the virtual server's sorry_server be in the table now? (1 / 0) */
typedef int (*dir_ipvs_vs_sorry_fn)(void *arg, const char *vs_id);

/* Most addresses one virtual_server_group range expands to. */
#define DIR_IPVS_RANGE_MAX 65536u

void dir_ipvs_desired_init(struct dir_ipvs_desired *d);
void dir_ipvs_desired_free(struct dir_ipvs_desired *d);
/* Build from cfg (d must be freshly initialised). weight may be NULL (every real server in
 * with its configured weight), sorry may be NULL (never). 0, or -1 out of memory. */
int dir_ipvs_desired_build(struct dir_ipvs_desired *d, const struct tdm_config *cfg,
			   dir_ipvs_rs_weight_fn weight, dir_ipvs_vs_sorry_fn sorry, void *arg);
/* The origin of a tag, or NULL (tag 0 or out of range). */
const struct dir_ipvs_origin *dir_ipvs_desired_origin(const struct dir_ipvs_desired *d,
						      uint32_t tag);
/* The service and destination a config entry maps to (for tools and tests): the first
 * service of vs (a group: its first entry) into *svc. 0, or -1 (no service). */
int dir_ipvs_desired_vs_svc(const struct tdm_config *cfg, const struct check_vs_conf *vs,
			    struct dir_ipvs_svc *svc);
void dir_ipvs_desired_rs_dest(const struct check_vs_conf *vs, const struct check_rs_conf *rs,
			      const struct dir_ipvs_svc *svc, struct dir_ipvs_dest *dest);

#endif
