/* lib/conf_schema.h - keyword tables: the format in which each part (vrrp/, healthcheck/,
 * sync/, snmp/, director/) describes the blocks and keywords of its config. The engine in
 * lib/conf_*.c walks the canonical statement tree against these tables, converts and range-
 * checks arguments, reports errors with file:line:col, and calls the tables' callbacks so each
 * part can build its own plain-data structs and do cross-checks. */
#ifndef TDM_CONF_SCHEMA_H
#define TDM_CONF_SCHEMA_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

struct tdm_conf_ctx;   /* engine state during one parse (opaque to tables) */
struct tdm_cnode;

/* Argument types. Values are converted by the engine into union tdm_val (see conf.h). */
enum tdm_argt {
	TDM_A_STR = 0,  /* any token; min/max bound its length when max > 0 */
	TDM_A_INT,      /* integer (decimal, or 0x hex) in [min, max] -> .i */
	TDM_A_BOOL,     /* keepalived <BOOL>: on/off true/false yes/no (case-insensitive) -> .i 0/1 */
	TDM_A_TIMER,    /* keepalived <TIMER>: seconds, decimals allowed ("1.5") -> .us microseconds;
	                 * min/max are in microseconds */
	TDM_A_FLOAT,    /* decimal number in [min, max] (min/max compared as whole numbers) -> .d */
	TDM_A_IP,       /* IPv4 or IPv6 address, no prefix -> .addr */
	TDM_A_IP4,      /* IPv4 only -> .addr */
	TDM_A_IP6,      /* IPv6 only -> .addr */
	TDM_A_PREFIX,   /* address with optional /len (len bounded by family) -> .addr (plen set) */
	TDM_A_PORT,     /* 0..65535, or a service name from /etc/services? no: numbers only -> .i */
	TDM_A_ENUM,     /* one of enums[] (case-insensitive) -> .i index into enums */
	TDM_A_IFNAME,   /* interface name, 1..15 chars, no '/' or whitespace -> .s */
	TDM_A_PATH,     /* a file path or script command line token -> .s */
	TDM_A_IP_OR_HOST, /* address or host name (resolved later, not at parse time) -> .s (+.addr if IP) */
};

struct tdm_arg {
	const char *name;           /* shown in messages: "expected <priority> 1..255" */
	enum tdm_argt type;
	long long min, max;         /* INT/FLOAT/TIMER bounds; STR length bounds when max > 0 */
	const char *const *enums;   /* ENUM: NULL-terminated list of accepted words */
};

/* keyword flags */
#define TDM_KW_BLOCK       0x0001u /* opens a "{ ... }" block described by .sub */
#define TDM_KW_MULTI       0x0002u /* may appear more than once in its block */
#define TDM_KW_REQUIRED    0x0004u /* must appear in its block */
#define TDM_KW_UNSUPPORTED 0x0008u /* known keyword, tandem refuses it: error "not supported"
                                    * (.help says why / what to use instead) */
#define TDM_KW_DEPRECATED  0x0010u /* accepted with a warning (.help names the replacement) */
#define TDM_KW_LIST        0x0020u /* block of free-form item lines (virtual_ipaddress,
                                    * notification_email, ...): each line becomes a child node
                                    * with def == NULL, checked by .item */
#define TDM_KW_OPTBLOCK    0x0040u /* a block is allowed but optional (keyword alone also ok) */
#define TDM_KW_NOTYET      0x0080u /* parsed and validated, feature not implemented yet:
                                    * docs mark it; each use gets a warning (no effect) */
#define TDM_KW_IGNORED     0x0100u /* accepted and ignored on purpose (warning; .help says why) */
#define TDM_KW_ANYARGS     0x0200u /* arguments are free-form; .check validates them */

#define TDM_ARGS_MANY 255         /* max_args: no upper bound (last arg spec repeats) */

struct tdm_kw {
	const char *name;                    /* "*": matches any keyword the block does not list
	                                      * (e.g. the address lines of virtual_server_group) */
	unsigned flags;
	unsigned char min_args, max_args;
	const struct tdm_arg *args;          /* positional specs; if fewer than max_args, the last
	                                      * one repeats. NULL with max_args > 0 = TDM_A_STR */
	unsigned char nargs;
	const struct tdm_block *sub;         /* TDM_KW_BLOCK: schema of the block's content */
	/* extra validation of this statement after argument conversion; 0 ok, -1 error
	 * (the callback reports the error itself with tdm_conf_err) */
	int (*check)(struct tdm_conf_ctx *ctx, struct tdm_cnode *node);
	/* TDM_KW_LIST: validate one item line (node->kw is the first token) */
	int (*item)(struct tdm_conf_ctx *ctx, struct tdm_cnode *node);
	const char *help;                    /* one line for docs and for "not supported" errors */
};

struct tdm_block {
	const char *name;                    /* "vrrp_instance", "real_server", "(top)" */
	const struct tdm_kw *kws;
	size_t nkws;
	/* called after every statement of one block instance was validated: required
	 * combinations, building the part's plain-data struct from node (node->child...).
	 * 0 ok, -1 error (reported by the callback). */
	int (*finish)(struct tdm_conf_ctx *ctx, struct tdm_cnode *node);
	/* Instances of this block are config objects with an identity (struct tdm_obj, for
	 * reload diffs) when is_obj is set; obj_kind is an enum tdm_obj_kind. The identity is
	 * ident()'s result, or by default the block's arguments joined by ' '; a nested object's
	 * identity is prefixed by its enclosing object's identity and '/'. */
	unsigned char is_obj;
	unsigned char obj_kind;
	const char *(*ident)(struct tdm_conf_ctx *ctx, const struct tdm_cnode *node);
};

#define TDM_NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Keyword table rows: no arguments; arguments typed by the tdm_arg array a; the same with a
 * check callback. */
#define TDM_KW0(nm, fl, h) { .name = nm, .flags = (fl), .help = h }
#define TDM_KWA(nm, fl, mn, mx, a, h) { .name = nm, .flags = (fl), .min_args = mn, \
		.max_args = mx, .args = a, .nargs = TDM_NELEM(a), .help = h }
#define TDM_KWK(nm, fl, mn, mx, a, chk, h) { .name = nm, .flags = (fl), .min_args = mn, \
		.max_args = mx, .args = a, .nargs = TDM_NELEM(a), .check = chk, .help = h }

/* Argument specs several keyword tables use (lib/conf_args.c) */
extern const struct tdm_arg tdm_a_bool[1], tdm_a_str[1], tdm_a_path[1], tdm_a_if[1],
	tdm_a_ip[1], tdm_a_name[1];
extern const struct tdm_arg tdm_a_script[3];   /* script [user [group]] */
extern const struct tdm_arg tdm_a_user[2];     /* user [group] */

/* Diagnostics from callbacks. argi selects the token the column points at: -1 = the keyword,
 * 0.. = that argument. Each call adds one diagnostic mapped to file:line:col. */
void tdm_conf_err(struct tdm_conf_ctx *ctx, const struct tdm_cnode *node, int argi,
                  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void tdm_conf_warn(struct tdm_conf_ctx *ctx, const struct tdm_cnode *node, int argi,
                   const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* an error that makes the config unable to run at all (exit 3 for -t) */
void tdm_conf_fatal(struct tdm_conf_ctx *ctx, const struct tdm_cnode *node, int argi,
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* "file:line" of a node, for messages that point at a second place (duplicates) */
void tdm_conf_where(struct tdm_conf_ctx *ctx, const struct tdm_cnode *node, char *buf,
                    size_t cap);

/* The config being built (for finish callbacks that attach part structs) and the options. */
struct tdm_config *tdm_conf_ctx_config(struct tdm_conf_ctx *ctx);
const struct tdm_conf_opts *tdm_conf_ctx_opts(struct tdm_conf_ctx *ctx);
/* Allocate from the config's arena (freed with the config; zeroed). */
void *tdm_conf_alloc(struct tdm_conf_ctx *ctx, size_t size);
char *tdm_conf_strdup(struct tdm_conf_ctx *ctx, const char *s);

/* The top-level schema (director/conf_top.c) lists every top-level block of every part. */
extern const struct tdm_block tdm_conf_top;

#endif
