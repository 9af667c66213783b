/* healthcheck/check_int.h - internals shared by the check engine and the checker types
 * (chk_*.c): the resolved spec of one check, a running check instance, and the table of
 * functions every checker type provides. Not for use outside healthcheck/. */
#ifndef CHECK_INT_H
#define CHECK_INT_H

#include <ev.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "healthcheck/check_conf.h"
#include "healthcheck/check_engine.h"
#include "healthcheck/rs_fsm.h"

/* an IPv4 or IPv6 socket address: 28 bytes where sockaddr_storage takes 128 (two per check);
 * ss_family reads the family of either */
union chk_sa {
	sa_family_t ss_family;
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
};

/* everything that defines one check, with inherited values resolved (identity for
 * de-duplication and reload) */
struct chk_spec {
	enum check_kind kind;
	union chk_sa addr;                  /* target */
	socklen_t alen;
	union chk_sa bind;                  /* source; blen 0 = none */
	socklen_t blen;
	char target[64];                    /* "10.0.0.5:80", "[::1]:443" */
	char host[48];                      /* the target address alone (URL host) */
	int port;
	const char *bind_if;
	long long fwmark;
	int64_t connect_timeout_us, delay_loop_us, retry_delay_us, warmup_us;
	int rise, fall, alpha;
	int log_all;                        /* log_all_failures (not part of the identity) */
	const char *virtualhost;            /* inherited checker -> rs -> vs */
	/* tandem's TLS keywords (SSL_GET), global SSL block as defaults */
	int verify_peer;
	const char *ca_file, *ca_path, *sni_name, *client_cert, *client_key;
	const char *key_passwd;             /* SSL { password }: passphrase of the client key */
	/* FILE_CHECK: the track_file's file, and the real server's configured weight */
	const char *file_path;
	int base_weight;
	const struct check_checker_conf *conf;  /* in the current config */
};

struct chk_ops;
struct eng_rs;

/* one running check (shared by every real server that references an identical check) */
struct chk_inst {
	struct check_engine *eng;
	const struct chk_ops *ops;          /* NULL: kind not implemented (never runs, passes) */
	struct chk_spec spec;
	char *key;                          /* identity string (owned) */
	char *id;                           /* first referencing checker's object id (owned) */
	struct rs_chk_conf fc;
	struct rs_chk_state fs;
	ev_timer timer;                     /* next attempt, or the running attempt's deadline */
	ev_tstamp started;
	uint8_t running, claimed;
	void *priv;                         /* the checker type's state */
	uint64_t n_ok, n_fail, n_total;
	double last_ms;
	int last_ok, have_result;
	int dyn_weight;                     /* weight set by the check (misc_dynamic), -1 = none */
	char last[192];                     /* last result text */
	struct eng_rs **refs;
	size_t nrefs, caprefs;
};

struct chk_ops {
	const char *name;
	/* begin one attempt: 0 = running (the type calls chk_done later), -1 = failed at once
	 * (reason in why) */
	int (*start)(struct chk_inst *c, char *why, size_t len);
	/* abort the attempt in progress (deadline, reload, free); must not call chk_done */
	void (*stop)(struct chk_inst *c);
	/* type-specific identity beyond the engine's key: 1 = the same check (NULL: the key is
	 * the whole identity) */
	int (*same)(const struct chk_spec *a, const struct chk_spec *b);
	/* free c->priv */
	void (*free)(struct chk_inst *c);
	/* free the type's per-engine state (*kctx) at engine free */
	void (*fini)(void **kctx);
	/* optional: the attempt's own bound when it is not connect_timeout (MISC_CHECK) */
	int64_t (*deadline_us)(const struct chk_inst *c);
};

/* end of an attempt (exactly once per successful start) */
void chk_done(struct chk_inst *c, int ok, const char *reason);
/* the same with a weight for the real server (>= 0; -1 = the configured weight) */
void chk_done_weight(struct chk_inst *c, int ok, int weight, const char *reason);
struct ev_loop *chk_loop(const struct chk_inst *c);
/* start an attempt now (not while one runs): a FILE_CHECK's file changed */
void chk_kick(struct chk_inst *c);
/* the type's per-engine state slot (NULL until the type sets it) */
void **chk_kctx(const struct chk_inst *c);

extern const struct chk_ops chk_tcp_ops;
extern const struct chk_ops chk_http_ops;       /* HTTP_GET and SSL_GET (libcurl multi) */
extern const struct chk_ops chk_udp_ops;
extern const struct chk_ops chk_smtp_ops;
extern const struct chk_ops chk_misc_ops;
extern const struct chk_ops chk_ping_ops;
extern const struct chk_ops chk_dns_ops;
extern const struct chk_ops chk_file_ops;

/* the start of a socket checker's per-check state (its first member): the socket of the
 * attempt in progress (-1 between attempts), its I/O watcher and the connect_timeout timer */
struct chk_sock {
	ev_io io;
	ev_timer to;
	int fd;
};

/* a check frequent enough (delay_loop and delay_before_retry at most CHK_KEEP_SOCKET_US) to keep
 * its socket between attempts, disconnected (TCP_CHECK): spares the kernel a socket's creation
 * and destruction per check for a socket (an fd, ~4 KB of kernel memory) held while it waits */
#define CHK_KEEP_SOCKET_US 2000000
int chk_keeps_socket(const struct chk_inst *c);
/* disconnect fd (an established connection is reset, a connecting one aborted) to be connected
 * again later; -1 when the kernel refuses */
int chk_sock_disconnect(int fd);

/* non-blocking socket of the target's family, bound as the spec says; -1 with why */
int chk_socket(const struct chk_spec *s, int type, char *why, size_t len);
/* c->priv, allocated (zeroed, fd -1) on the first call with `size` bytes of a struct that
 * begins with a struct chk_sock; NULL with why when out of memory */
void *chk_sock_priv(struct chk_inst *c, size_t size, char *why, size_t len);
/* end the attempt's socket: stop the watcher and the timer, close the fd (priv kept) */
void chk_sock_close(struct chk_inst *c);
/* chk_sock_close and free c->priv (a socket checker's .free) */
void chk_sock_free(struct chk_inst *c);
/* begin an attempt on fd (from chk_socket or the type's own): connect to `to` (EINPROGRESS is
 * fine), send `pay` when not NULL, watch fd for `events` with io_cb and arm the
 * connect_timeout timer with to_cb (both carry c). -1 with errno set and the socket closed. */
int chk_sock_start(struct chk_inst *c, int fd, const union chk_sa *to, const void *pay,
                   size_t n, int events, void (*io_cb)(struct ev_loop *, ev_io *, int),
                   void (*to_cb)(struct ev_loop *, ev_timer *, int));

#endif
