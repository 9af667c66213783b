/* lib/conf.h - the config front end's public API.
 *
 * Two stages (DESIGN.md section 2, "parse once"):
 *  1. resolve (parent only): read the file and its includes, apply @conditionals, $PARAMS,
 *     ~SEQ/~LST generators, comments, quoting and line continuations, and produce one flat
 *     canonical text (one statement per line, "{" ending the line that opens a block, "}"
 *     alone on a line, tokens separated by one space, quoted only when needed) plus an origin
 *     map giving file:line (and the column of each token) for every canonical line.
 *  2. parse: canonical text -> statement tree -> validated against the keyword tables
 *     (conf_schema.h) -> plain-data struct tdm_config. Children run only this stage, on the
 *     text they receive from the parent; it is a pure function of the text.
 */
#ifndef TDM_CONF_H
#define TDM_CONF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <netinet/in.h>
#include "lib/conf_schema.h"

/* ---- diagnostics ---- */
enum tdm_sev { TDM_SEV_NOTE = 0, TDM_SEV_WARN = 1, TDM_SEV_ERROR = 2, TDM_SEV_FATAL = 3 };

struct tdm_diag {
	enum tdm_sev sev;
	char *file;          /* origin file (NULL if unknown) */
	int line, col;       /* 1-based; 0 if unknown */
	char *msg;
};

struct tdm_diags {
	struct tdm_diag *v;
	size_t n, cap;
	size_t nwarn, nerr, nfatal;
};

void tdm_diags_init(struct tdm_diags *d);
void tdm_diags_free(struct tdm_diags *d);
void tdm_diags_add(struct tdm_diags *d, enum tdm_sev sev, const char *file, int line, int col,
                   const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* "file:line:col: error: msg" lines */
void tdm_diags_print(const struct tdm_diags *d, FILE *out);
/* a JSON array of {"severity","file","line","col","message"} (json-c), malloc'd string */
char *tdm_diags_json(const struct tdm_diags *d);
/* exit status for -t: 0 ok (warnings allowed), 4 errors but could run, 3 cannot run */
int tdm_diags_status(const struct tdm_diags *d);
/* put diagnostics in source order (file of first appearance, line, column); stable */
void tdm_diags_sort(struct tdm_diags *d);

/* ---- options ---- */
struct tdm_conf_opts {
	const char *conf_id;        /* @id conditionals; NULL = short host name */
	int lenient;                /* --compat=lenient: unknown keywords are warnings */
	size_t max_lines;           /* limit on canonical lines (generators, includes); 0 = 10M */
	int max_include_depth;      /* 0 = 32 */
	size_t max_line_len;        /* 0 = 64 KiB: longer source lines are errors */
	int check_interfaces;       /* warn about interfaces that do not exist (parent only) */
	int no_objects;             /* skip object identities and hashes (cfg->objs stays empty):
	                             * only reload diffs use them, so `tandemd -t` does not */
	int no_include;             /* refuse `include` (error): fuzzing, untrusted text */
};

/* ---- stage 1: canonical text ---- */
struct tdm_origin {
	uint32_t file;              /* index into files[] */
	uint32_t line;              /* 1-based line in that file */
	uint32_t col;               /* column of the statement's first token */
};

struct tdm_canon {
	char *text;                 /* NUL-terminated */
	size_t len;
	size_t nlines;
	struct tdm_origin *origin;  /* nlines entries; origin[i] is canonical line i+1 */
	uint32_t **tok_cols;        /* per canonical line, the origin column of each token
	                             * (NULL where not tracked) */
	char **files;
	size_t nfiles;
};

/* Resolve the config file at path. Returns 0 if a canonical text was produced (diagnostics may
 * still hold warnings or errors), -1 if it could not (a fatal diagnostic is added). */
int tdm_conf_resolve(const char *path, const struct tdm_conf_opts *opts, struct tdm_canon *out,
                     struct tdm_diags *diags);
/* Same, from an in-memory text named `name` (includes resolve relative to the cwd). */
int tdm_conf_resolve_mem(const char *name, const char *text, size_t len,
                         const struct tdm_conf_opts *opts, struct tdm_canon *out,
                         struct tdm_diags *diags);
void tdm_canon_free(struct tdm_canon *c);

/* ---- stage 2: the plain-data tree ---- */
struct tdm_addr {
	uint8_t family;             /* AF_INET / AF_INET6 */
	uint8_t plen;               /* prefix length (TDM_A_PREFIX), else 32/128 */
	union { struct in_addr v4; struct in6_addr v6; } u;
};

union tdm_val {
	long long i;                /* INT, BOOL, PORT, ENUM index */
	uint64_t us;                /* TIMER in microseconds */
	double d;                   /* FLOAT */
	struct tdm_addr addr;       /* IP*, PREFIX, IP_OR_HOST when it is an address */
};

/* One statement. Blocks have children; tokens are the original (unquoted) strings. */
struct tdm_cnode {
	const char *kw;             /* keyword (first token) */
	const struct tdm_kw *def;   /* table entry; NULL for LIST items and unknown (lenient) */
	char **argv;                /* arguments after the keyword */
	union tdm_val *vals;        /* converted values, argc entries (zeroed where not typed) */
	uint32_t argc;
	uint32_t line;              /* canonical line, 1-based */
	uint32_t end_line;          /* line of the closing "}" (== line for non-blocks) */
	struct tdm_cnode *parent, *child, *next;
};

/* Objects with an identity, for reload diffs (DESIGN.md section 2): a child compares old and
 * new configs object by object and changes only what changed. */
enum tdm_obj_kind {
	TDM_OBJ_GLOBAL = 0,         /* global_defs (id "global_defs") */
	TDM_OBJ_VRRP_SCRIPT,        /* id: script name */
	TDM_OBJ_VRRP_SYNC_GROUP,    /* id: group name */
	TDM_OBJ_VRRP_INSTANCE,      /* id: instance name */
	TDM_OBJ_VS_GROUP,           /* id: group name */
	TDM_OBJ_VIRTUAL_SERVER,     /* id: "tcp 10.0.0.1:80", "fwmark 5", "group NAME" (+ family) */
	TDM_OBJ_REAL_SERVER,        /* id: "<vs id>/10.0.0.5:80" */
	TDM_OBJ_CHECKER,            /* id: "<rs id>/TCP_CHECK#0" */
	TDM_OBJ_SYNC,               /* lvs_sync_daemon / sync_relay (id "sync") */
	TDM_OBJ_OTHER,              /* any other top-level block: id = keyword [args] */
	TDM_OBJ__N
};

struct tdm_obj {
	enum tdm_obj_kind kind;
	const char *id;
	uint64_t hash;              /* hash of the object's canonical text span (its own lines,
	                             * including nested blocks) */
	const struct tdm_cnode *node;
};

/* which children the config needs */
#define TDM_PART_VRRP  0x1u
#define TDM_PART_CHECK 0x2u
#define TDM_PART_SYNC  0x4u
#define TDM_PART_SNMP  0x8u

struct tdm_arena;

struct tdm_config {
	struct tdm_arena *arena;    /* everything below lives in it */
	const char *text;           /* canonical text this was parsed from (arena copy) */
	size_t text_len;
	struct tdm_cnode *root;     /* top-level statements (root->child ...) */
	struct tdm_obj *objs;       /* in canonical order (malloc'd; tdm_config_free frees it) */
	size_t nobjs;
	unsigned parts;             /* TDM_PART_* */
	/* each part's own plain data, built by its tables' finish callbacks */
	struct tdm_global_conf *global;      /* director/global_conf.h */
	struct vrrp_conf *vrrp;              /* vrrp/vrrp_conf.h */
	struct check_conf *check;            /* healthcheck/check_conf.h */
	struct sync_conf *sync;              /* sync/sync_conf.h */
	struct snmp_conf *snmp;              /* snmp/snmp_conf.h */
};

/* Parse canonical text. canon (may be NULL) maps canonical lines to file:line:col in
 * diagnostics; without it diagnostics name "<config>" and the canonical line. Returns the
 * config even when there were non-fatal errors (check tdm_diags_status); NULL on fatal. */
struct tdm_config *tdm_conf_parse(const char *text, size_t len, const struct tdm_canon *canon,
                                  const struct tdm_conf_opts *opts, struct tdm_diags *diags);
void tdm_config_free(struct tdm_config *cfg);
/* The same against a given top-level table (tests, tools); tdm_conf_parse uses tdm_conf_top. */
struct tdm_config *tdm_conf_parse_with(const struct tdm_block *top, const char *text, size_t len,
                                       const struct tdm_canon *canon,
                                       const struct tdm_conf_opts *opts, struct tdm_diags *diags);

/* resolve + parse; *cfg and *canon are set when produced. Returns tdm_diags_status(). */
int tdm_conf_load(const char *path, const struct tdm_conf_opts *opts, struct tdm_canon *canon,
                  struct tdm_config **cfg, struct tdm_diags *diags);

/* Object diff between two configs: for every identity in either, calls cb with old/new
 * (either may be NULL) and whether the content changed. */
enum tdm_diff_op { TDM_DIFF_ADDED, TDM_DIFF_REMOVED, TDM_DIFF_CHANGED, TDM_DIFF_SAME };
typedef void (*tdm_diff_cb)(void *arg, enum tdm_diff_op op, const struct tdm_obj *old_obj,
                            const struct tdm_obj *new_obj);
void tdm_conf_diff(const struct tdm_config *old_cfg, const struct tdm_config *new_cfg,
                   tdm_diff_cb cb, void *arg);

/* An IPv4 or IPv6 address (no prefix) into *a (zeroed first; plen 32/128). 0 or -1. */
int tdm_addr_parse(const char *s, struct tdm_addr *a);

/* Helpers for part code reading the tree. */
const struct tdm_cnode *tdm_cnode_find(const struct tdm_cnode *block, const char *kw);
#define TDM_CNODE_FOREACH(n, block) for ((n) = (block)->child; (n); (n) = (n)->next)

#endif
