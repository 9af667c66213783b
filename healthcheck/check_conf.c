/* healthcheck/check_conf.c - keyword tables of the check part: virtual_server_group,
 * virtual_server, real_server, the checker blocks (TCP_CHECK, HTTP_GET, SSL_GET, SMTP_CHECK,
 * DNS_CHECK, UDP_CHECK, PING_CHECK, MISC_CHECK, FILE_CHECK; BFD_CHECK refused) and SSL.
 * Names, argument counts and ranges follow keepalived 2.2.7; all are implemented (SMTP_CHECK's
 * deprecated host blocks as one check per host). Builders and cross checks are in
 * check_conf_build.c. */
#include <stdlib.h>
#include <string.h>
#include "healthcheck/check_conf.h"
#include "healthcheck/chk_regex.h"

#define M TDM_KW_MULTI
#define KW0 TDM_KW0
#define KWA TDM_KWA
#define KWK TDM_KWK
#define KWC(nm, fl, mn, chk, h) { .name = nm, .flags = (fl) | TDM_KW_ANYARGS, .min_args = mn, \
		.max_args = TDM_ARGS_MANY, .check = chk, .help = h }
#define KWB(nm, fl, blk, h) { .name = nm, .flags = (fl) | TDM_KW_BLOCK | M, .sub = &blk, .help = h }

static const char *const e_sched[] = {
	"rr", "wrr", "lc", "wlc", "lblc", "sh", "mh", "dh", "fo", "ovf", "lblcr", "sed", "nq",
	"twos", NULL };
static const char *const e_proto[] = { "TCP", "UDP", "SCTP", NULL };
static const char *const e_family[] = { "inet", "inet6", NULL };
static const char *const e_http[] = { "1.0", "1.0C", "1.1", NULL };
static const char *const e_dns[] = { "A", "NS", "CNAME", "SOA", "MX", "TXT", "AAAA", NULL };
static const char *const e_reverse[] = { "reverse", NULL };
static const char *const e_tls[] = { "1.0", "1.1", "1.2", "1.3", NULL };

static const struct tdm_arg a_port[] = { { "port", TDM_A_PORT, 0, 65535, NULL } };
static const struct tdm_arg a_uint[] = { { "number", TDM_A_INT, 0, 4294967295LL, NULL } };
static const struct tdm_arg a_uint1[] = { { "number", TDM_A_INT, 1, 4294967295LL, NULL } };
static const struct tdm_arg a_timer[] = { { "seconds", TDM_A_TIMER, 0, 4294000000LL, NULL } };
static const struct tdm_arg a_timer1[] = { { "seconds", TDM_A_TIMER, 1, 4294000000LL, NULL } };
static const struct tdm_arg a_rs_weight[] = { { "weight", TDM_A_INT, 0, 2147483647LL, NULL } };
static const struct tdm_arg a_vs_weight[] = { { "weight", TDM_A_INT, 1, 2147483647LL, NULL } };
static const struct tdm_arg a_sched[] = { { "scheduler", TDM_A_ENUM, 0, 0, e_sched } };
static const struct tdm_arg a_proto[] = { { "protocol", TDM_A_ENUM, 0, 0, e_proto } };
static const struct tdm_arg a_family[] = { { "family", TDM_A_ENUM, 0, 0, e_family } };
static const struct tdm_arg a_http[] = { { "version", TDM_A_ENUM, 0, 0, e_http } };
static const struct tdm_arg a_dns[] = { { "type", TDM_A_ENUM, 0, 0, e_dns } };
static const struct tdm_arg a_tls[] = { { "version", TDM_A_ENUM, 0, 0, e_tls } };
static const struct tdm_arg a_method[] = { { "method", TDM_A_STR, 1, 32, NULL } };
static const struct tdm_arg a_server[] = {
	{ "address", TDM_A_IP, 0, 0, NULL }, { "port", TDM_A_PORT, 0, 65535, NULL } };
static const struct tdm_arg a_digest[] = { { "md5", TDM_A_STR, 32, 32, NULL } };
static const struct tdm_arg a_stack[] = { { "bytes", TDM_A_INT, 0, 2147483647LL, NULL } };
static const struct tdm_arg a_replylen[] = { { "bytes", TDM_A_INT, 0, 65515, NULL } };
static const struct tdm_arg a_misc_timeout[] = { { "seconds", TDM_A_INT, 0, 4294, NULL } };
static const struct tdm_arg a_file_weight[] = {
	{ "weight", TDM_A_INT, -2147483647LL, 2147483647LL, NULL },
	{ "reverse", TDM_A_ENUM, 0, 0, e_reverse } };
static const struct tdm_arg a_fwmark[] = { { "fwmark", TDM_A_INT, 0, 4294967295LL, NULL } };

/* ---- argument checks ---- */

static int chk_vs_args(struct tdm_conf_ctx *ctx, struct tdm_cnode *n)
{
	char *end;
	long long v;
	struct check_vsg_entry e;
	int r;

	if (!strcmp(n->argv[0], "fwmark") || !strcmp(n->argv[0], "group")) {
		if (n->argc != 2) {
			tdm_conf_err(ctx, n, -1, "expected 'virtual_server %s <%s> {'", n->argv[0],
			             n->argv[0][0] == 'f' ? "fwmark 1..4294967295" : "group name");
			return -1;
		}
		if (n->argv[0][0] == 'f') {
			v = strtoll(n->argv[1], &end, 0);
			if (*end || end == n->argv[1] || v < 1 || v > 4294967295LL) {
				tdm_conf_err(ctx, n, 1, "expected <fwmark> 1..4294967295, got '%s'", n->argv[1]);
				return -1;
			}
		}
		return 0;
	}
	r = check_conf_parse_target(n->argv[0], n->argc > 1 ? n->argv[1] : NULL, &e);
	if (r == -1 || (r == 0 && memcmp(&e.lo, &e.hi, sizeof(e.lo)))) {
		tdm_conf_err(ctx, n, 0, "expected 'virtual_server <address> [<port>]', 'fwmark <n>' or 'group <name>', got '%s'", n->argv[0]);
		return -1;
	}
	if (r == -2) {
		tdm_conf_err(ctx, n, 1, "expected <port> 0..65535, got '%s'", n->argv[1]);
		return -1;
	}
	return 0;
}

static int chk_granularity(struct tdm_conf_ctx *ctx, struct tdm_cnode *n)
{
	const char *s = n->argv[0];
	char *end;
	long v;
	unsigned a, b, c, d;
	char x;

	if (sscanf(s, "%u.%u.%u.%u%c", &a, &b, &c, &d, &x) == 4 && a < 256 && b < 256 && c < 256 && d < 256)
		return 0;
	v = strtol(s[0] == '/' ? s + 1 : s, &end, 10);
	if (!*end && end != s && v >= 1 && v <= 128)
		return 0;
	tdm_conf_err(ctx, n, 0, "expected <netmask> (IPv4 dotted) or a prefix length 1..128, got '%s'", s);
	return -1;
}

static int chk_method(struct tdm_conf_ctx *ctx, struct tdm_cnode *n)
{
	for (const char *p = n->argv[0]; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || *p == '-' || *p == '_')) {
			tdm_conf_err(ctx, n, 0, "expected an upper-case method name (GET, HEAD, POST...), got '%s'", n->argv[0]);
			return -1;
		}
	return 0;
}

static int chk_header(struct tdm_conf_ctx *ctx, struct tdm_cnode *n)
{
	const char *c = strchr(n->argv[0], ':');

	if (!c || c == n->argv[0] || strpbrk(n->argv[0], "\r\n")) {
		tdm_conf_err(ctx, n, 0, "expected 'header \"Name: value\"', got '%s'", n->argv[0]);
		return -1;
	}
	return 0;
}

static int chk_status_code(struct tdm_conf_ctx *ctx, struct tdm_cnode *n)
{
	if (!n->argc) {
		tdm_conf_err(ctx, n, -1, "status_code: expected <code>|<low>-<high> ... (100..999)");
		return -1;
	}
	for (uint32_t i = 0; i < n->argc; i++) {
		char *end;
		long lo = strtol(n->argv[i], &end, 10), hi = lo;
		if (*end == '-')
			hi = strtol(end + 1, &end, 10);
		if (*end || lo < 100 || hi > 999 || lo > hi) {
			tdm_conf_err(ctx, n, (int)i, "expected a status code or range within 100..999, got '%s'", n->argv[i]);
			return -1;
		}
	}
	return 0;
}

static int chk_digest(struct tdm_conf_ctx *ctx, struct tdm_cnode *n)
{
	if (strspn(n->argv[0], "0123456789abcdefABCDEF") != 32) {
		tdm_conf_err(ctx, n, 0, "expected <digest> of 32 hex digits (MD5), got '%s'", n->argv[0]);
		return -1;
	}
	return 0;
}

/* HEX_STR: hex digits in groups separated by spaces (each group padded to whole bytes);
 * x/X (don't care) allowed in require_reply */
static int chk_hex(struct tdm_conf_ctx *ctx, struct tdm_cnode *n)
{
	int wild = !strcmp(n->kw, "require_reply");

	if (!wild && !n->argc) {
		tdm_conf_err(ctx, n, -1, "payload: expected hex digits");
		return -1;
	}
	for (uint32_t i = 0; i < n->argc; i++) {
		const char *ok = wild ? "0123456789abcdefABCDEFxX" : "0123456789abcdefABCDEF";
		if (n->argv[i][strspn(n->argv[i], ok)]) {
			tdm_conf_err(ctx, n, (int)i, "expected hex digits%s, got '%s'", wild ? " (x = any)" : "", n->argv[i]);
			return -1;
		}
	}
	return 0;
}

static int chk_regex_options(struct tdm_conf_ctx *ctx, struct tdm_cnode *n)
{
	static const char *const ok[] = {
		"allow_empty_class", "alt_bsux", "auto_callout", "caseless", "dollar_endonly",
		"dotall", "dupnames", "extended", "firstline", "match_unset_backref", "multiline",
		"never_ucp", "never_utf", "no_auto_capture", "no_auto_possess", "no_dotstar_anchor",
		"no_start_optimize", "ucp", "ungreedy", "utf", "never_backslash_c", "alt_circumflex",
		"alt_verbnames", "use_offset_limit", NULL };

	for (uint32_t i = 0; i < n->argc; i++) {
		int j;
		for (j = 0; ok[j] && strcmp(ok[j], n->argv[i]); j++)
			;
		if (!ok[j]) {
			tdm_conf_err(ctx, n, (int)i, "unknown regex option '%s'", n->argv[i]);
			return -1;
		}
	}
	return 0;
}

/* a url's regex must compile with its regex_options (PCRE2, as the checker runs it) */
static int chk_url_finish(struct tdm_conf_ctx *ctx, struct tdm_cnode *n)
{
	const struct tdm_cnode *r = tdm_cnode_find(n, "regex");
	struct chk_rx *rx;
	char err[200];

	if (!r || r->argc < 1)
		return 0;
	rx = chk_rx_new(r->argv[0], n, err, sizeof(err));
	if (!rx) {
		tdm_conf_err(ctx, r, 0, "regex '%s' does not compile: %s", r->argv[0], err);
		return -1;
	}
	chk_rx_free(rx);
	return 0;
}

/* reuse_connection sends HTTP/1.1 with keep-alive: an http_protocol beside it would contradict */
static int chk_http_finish(struct tdm_conf_ctx *ctx, struct tdm_cnode *n)
{
	const struct tdm_cnode *r = tdm_cnode_find(n, "reuse_connection");
	const struct tdm_cnode *p = tdm_cnode_find(n, "http_protocol");

	if (!r || !p || (r->argc && !r->vals[0].i))
		return 0;
	tdm_conf_err(ctx, p, -1, "http_protocol beside reuse_connection: a reused connection is "
	             "HTTP/1.1 with keep-alive; drop one of them");
	return -1;
}

static int chk_vsg_any(struct tdm_conf_ctx *ctx, struct tdm_cnode *n)
{
	return check_conf_vsg_line(ctx, n);
}

/* ---- checker blocks ---- */

#define CONN_KWS \
	KWA("connect_ip", 0, 1, 1, tdm_a_ip, "address to connect to (default: the real server's)"), \
	KWA("connect_port", 0, 1, 1, a_port, "port to connect to (default: the real server's)"), \
	KWA("bindto", 0, 1, 1, tdm_a_ip, "source address"), \
	KWA("bind_port", 0, 1, 1, a_port, "source port"), \
	KWA("bind_if", 0, 1, 1, tdm_a_if, "source interface (needed for IPv6 link-local)"), \
	KWA("connect_timeout", 0, 1, 1, a_timer1, "connect timeout, seconds (default 5)"), \
	KWA("fwmark", 0, 1, 1, a_fwmark, "mark the checker's packets")

#define COMMON_KWS \
	KWA("retry", 0, 1, 1, a_uint, "retries before a failure counts (default 1; DNS 3; MISC 0)"), \
	KWA("delay_before_retry", 0, 1, 1, a_timer, "seconds between retries"), \
	KWA("warmup", 0, 1, 1, a_timer, "random delay before the first check, up to this many seconds"), \
	KWA("delay_loop", 0, 1, 1, a_timer1, "seconds between checks (default 60)"), \
	KWA("alpha", 0, 0, 1, tdm_a_bool, "start in the failed state"), \
	KWA("log_all_failures", 0, 0, 1, tdm_a_bool, "log every failed check"), \
	KWA("rise", 0, 1, 1, a_uint1, "tandem: consecutive passes that bring a failed check up (default 1)")

static const struct tdm_kw url_kws[] = {
	KWA("path", TDM_KW_REQUIRED, 1, 1, tdm_a_str, "URL path to request"),
	KWK("digest", 0, 1, 1, a_digest, chk_digest, "MD5 of the expected body (genhash)"),
	KWC("status_code", 0, 1, chk_status_code, "accepted status codes/ranges (default 200-299)"),
	KWA("virtualhost", 0, 1, 1, tdm_a_str, "Host: header"),
	KWA("regex", 0, 1, 1, tdm_a_str, "regular expression the body must match"),
	KW0("regex_no_match", 0, "fail when the regex matches"),
	KWC("regex_options", 0, 1, chk_regex_options, "PCRE2 options"),
	KWA("regex_stack", 0, 2, 2, a_stack, "JIT stack <start> <max> bytes"),
	KWA("regex_min_offset", 0, 1, 1, a_stack, "start matching at this offset"),
	KWA("regex_max_offset", 0, 1, 1, a_stack, "latest offset of a match start"),
	KWA("expect_body", 0, 1, 1, tdm_a_str, "tandem: text the body must contain (overrides the checker's)"),
};
static const struct tdm_block url_block = { "url", url_kws, TDM_NELEM(url_kws), chk_url_finish, 0, 0, NULL };

static const struct tdm_kw http_kws[] = {
	CONN_KWS, COMMON_KWS,
	KWA("nb_get_retry", TDM_KW_DEPRECATED, 1, 1, a_uint, "old spelling of retry"),
	KWA("virtualhost", 0, 1, 1, tdm_a_str, "Host: header for all URLs"),
	KWA("http_protocol", 0, 1, 1, a_http, "1.0, 1.0C (with Connection: close) or 1.1"),
	KW0("enable_sni", 0, "send SNI in the TLS handshake"),
	KWA("reuse_connection", 0, 0, 1, tdm_a_bool, "tandem: keep the connection open between checks (HTTP/1.1 keep-alive; default off: a fresh connection per check)"),
	KWA("fast_recovery", 0, 0, 1, tdm_a_bool, "check all URLs at once on recovery (always so in tandem)"),
	KWA("verify_peer", 0, 0, 1, tdm_a_bool, "tandem: verify the server certificate and host name (SSL_GET)"),
	KWA("ca_file", 0, 1, 1, tdm_a_path, "tandem: CA certificates (PEM) for verify_peer"),
	KWA("ca_path", 0, 1, 1, tdm_a_path, "tandem: directory of hashed CA certificates for verify_peer"),
	KWA("sni_name", 0, 1, 1, tdm_a_str, "tandem: TLS server name sent and verified (default: virtualhost with enable_sni)"),
	KWA("client_cert", 0, 1, 1, tdm_a_path, "tandem: client certificate (PEM)"),
	KWA("client_key", 0, 1, 1, tdm_a_path, "tandem: client key (PEM)"),
	KWA("tls_min_version", 0, 1, 1, a_tls, "tandem: lowest TLS version accepted (1.0, 1.1, 1.2, 1.3; SSL_GET)"),
	KWA("tls_max_version", 0, 1, 1, a_tls, "tandem: highest TLS version offered (1.0, 1.1, 1.2, 1.3; SSL_GET)"),
	KWK("method", 0, 1, 1, a_method, chk_method, "tandem: request method (default GET; POST when a body is given)"),
	KWC("header", M, 1, chk_header, "tandem: request header 'Name: value' (repeatable)"),
	KWA("body", 0, 1, 1, tdm_a_str, "tandem: request body"),
	KWA("expect_body", 0, 1, 1, tdm_a_str, "tandem: text the response body of every URL must contain"),
	KWB("url", TDM_KW_REQUIRED, url_block, "a URL to check (repeatable)"),
};
static const struct tdm_block http_block = {
	"HTTP_GET", http_kws, TDM_NELEM(http_kws), chk_http_finish, 1, TDM_OBJ_CHECKER,
	check_conf_checker_ident };
static const struct tdm_block ssl_get_block = {
	"SSL_GET", http_kws, TDM_NELEM(http_kws), chk_http_finish, 1, TDM_OBJ_CHECKER,
	check_conf_checker_ident };

static const struct tdm_kw tcp_kws[] = { CONN_KWS, COMMON_KWS };
static const struct tdm_block tcp_block = {
	"TCP_CHECK", tcp_kws, TDM_NELEM(tcp_kws), NULL, 1, TDM_OBJ_CHECKER, check_conf_checker_ident };
static const struct tdm_block ping_block = {
	"PING_CHECK", tcp_kws, TDM_NELEM(tcp_kws), NULL, 1, TDM_OBJ_CHECKER, check_conf_checker_ident };

/* a host block is a check of its own (an object "<SMTP_CHECK id>/host#<n>"); what it does not
 * set comes from its SMTP_CHECK, then from the real server */
static const struct tdm_kw smtp_host_kws[] = { CONN_KWS };
static const struct tdm_block smtp_host_block = {
	"host", smtp_host_kws, TDM_NELEM(smtp_host_kws), NULL, 1, TDM_OBJ_CHECKER,
	check_conf_checker_ident };

static const struct tdm_kw smtp_kws[] = {
	CONN_KWS, COMMON_KWS,
	KWA("helo_name", 0, 1, 1, tdm_a_str, "name sent in HELO"),
	KWB("host", TDM_KW_DEPRECATED, smtp_host_block, "each host is checked as a separate check "
	    "of the real server (all must pass; the SMTP_CHECK's own target is then not checked); "
	    "its connection keywords default to the SMTP_CHECK's; prefer one SMTP_CHECK per host"),
};
static const struct tdm_block smtp_block = {
	"SMTP_CHECK", smtp_kws, TDM_NELEM(smtp_kws), NULL, 1, TDM_OBJ_CHECKER, check_conf_checker_ident };

static const struct tdm_kw dns_kws[] = {
	CONN_KWS, COMMON_KWS,
	KWA("type", 0, 1, 1, a_dns, "query type (default SOA)"),
	KWA("name", 0, 1, 1, tdm_a_str, "name to query (default .)"),
};
static const struct tdm_block dns_block = {
	"DNS_CHECK", dns_kws, TDM_NELEM(dns_kws), NULL, 1, TDM_OBJ_CHECKER, check_conf_checker_ident };

static const struct tdm_kw udp_kws[] = {
	CONN_KWS, COMMON_KWS,
	KWC("payload", 0, 1, chk_hex, "datagram to send, hex (default random)"),
	KWC("require_reply", 0, 0, chk_hex, "a reply is required; optional expected hex (x = any digit)"),
	KWA("min_reply_length", 0, 1, 1, a_replylen, "shortest accepted reply, bytes"),
	KWA("max_reply_length", 0, 1, 1, a_replylen, "longest accepted reply, bytes (default 255)"),
};
static const struct tdm_block udp_block = {
	"UDP_CHECK", udp_kws, TDM_NELEM(udp_kws), NULL, 1, TDM_OBJ_CHECKER, check_conf_checker_ident };

static const struct tdm_kw misc_kws[] = {
	COMMON_KWS,
	KWA("misc_path", TDM_KW_REQUIRED, 1, TDM_ARGS_MANY, tdm_a_path, "command to run (quote it with its arguments)"),
	KWA("misc_timeout", 0, 1, 1, a_misc_timeout, "seconds before the command counts as failed"),
	KW0("misc_dynamic", 0, "exit status 2..255 sets the weight"),
	KWA("user", 0, 1, 2, tdm_a_user, "run as <user> [group]"),
};
static const struct tdm_block misc_block = {
	"MISC_CHECK", misc_kws, TDM_NELEM(misc_kws), NULL, 1, TDM_OBJ_CHECKER, check_conf_checker_ident };

static const struct tdm_kw file_kws[] = {
	KWA("track_file", TDM_KW_REQUIRED, 1, 1, tdm_a_name, "name of a track_file block"),
	KW0("dynamic", 0, "the file's value adjusts the weight"),
	KWA("weight", 0, 1, 2, a_file_weight, "multiplier [reverse]"),
};
static const struct tdm_block file_block = {
	"FILE_CHECK", file_kws, TDM_NELEM(file_kws), NULL, 1, TDM_OBJ_CHECKER, check_conf_checker_ident };

/* ---- real_server ---- */

#define TIMING_KWS \
	KWA("connect_timeout", 0, 1, 1, a_timer1, "default connect timeout of the checkers, seconds"), \
	KWA("retry", 0, 1, 1, a_uint, "default retry of the checkers"), \
	KWA("delay_before_retry", 0, 1, 1, a_timer, "default delay_before_retry of the checkers"), \
	KWA("warmup", 0, 1, 1, a_timer, "default warmup of the checkers"), \
	KWA("delay_loop", 0, 1, 1, a_timer1, "default seconds between checks (60)"), \
	KWA("rise", 0, 1, 1, a_uint1, "tandem: default rise of the checkers"), \
	KWA("slowstart", 0, 1, 1, a_timer, "tandem: after recovery the weight ramps up linearly over this many seconds")

static const struct tdm_kw rs_kws[] = {
	KWA("weight", 0, 1, 1, a_rs_weight, "IPVS weight (default 1)"),
	KWC("lvs_method", 0, 1, check_conf_fwd_check, "NAT|DR|TUN|FNAT [type ipip|gue port N|gre] [nocsum|csum|remcsum]"),
	KWA("uthreshold", 0, 1, 1, a_uint, "maximum connections"),
	KWA("lthreshold", 0, 1, 1, a_uint, "connections below which the server is used again"),
	KWA("inhibit_on_failure", 0, 0, 1, tdm_a_bool, "on failure set the weight to 0 instead of removing"),
	KWA("notify_up", 0, 1, 3, tdm_a_script, "script run when the server comes up"),
	KWA("notify_down", 0, 1, 3, tdm_a_script, "script run when the server goes down"),
	KWA("alpha", 0, 0, 1, tdm_a_bool, "start in the failed state"),
	TIMING_KWS,
	KWA("smtp_alert", 0, 0, 1, tdm_a_bool, "send mail on state changes (default on when smtp_alert/smtp_alert_checker are unset)"),
	KWA("virtualhost", 0, 1, 1, tdm_a_str, "default Host: of HTTP/SSL checkers"),
	KWA("snmp_name", 0, 1, 1, tdm_a_str, "a name for this real server, in `tandemctl checks --json` and TANDEM-MIB"),
	KWB("TCP_CHECK", 0, tcp_block, "TCP connect check"),
	KWB("HTTP_GET", 0, http_block, "HTTP GET check"),
	KWB("SSL_GET", 0, ssl_get_block, "HTTPS GET check"),
	KWB("SMTP_CHECK", 0, smtp_block, "SMTP banner/HELO check"),
	KWB("DNS_CHECK", 0, dns_block, "DNS query check"),
	KWB("UDP_CHECK", 0, udp_block, "UDP request/reply check"),
	KWB("PING_CHECK", 0, ping_block, "ICMP echo check"),
	KWB("MISC_CHECK", 0, misc_block, "external command check"),
	KWB("FILE_CHECK", 0, file_block, "weight from a track_file"),
	{ .name = "BFD_CHECK", .flags = TDM_KW_UNSUPPORTED | TDM_KW_BLOCK | M,
	  .help = "tandem has no BFD; use PING_CHECK or TCP_CHECK" },
};
static const struct tdm_block rs_block = {
	"real_server", rs_kws, TDM_NELEM(rs_kws), NULL, 1, TDM_OBJ_REAL_SERVER, check_conf_rs_ident };

/* ---- virtual_server ---- */

static const struct tdm_kw vs_kws[] = {
	KWA("ip_family", 0, 1, 1, a_family, "family of a fwmark service: inet or inet6"),
	TIMING_KWS,
	KWA("inhibit_on_failure", 0, 0, 1, tdm_a_bool, "default inhibit_on_failure of the real servers"),
	KWA("lvs_sched", 0, 1, 1, a_sched, "scheduler: rr|wrr|lc|wlc|lblc|sh|mh|dh|fo|ovf|lblcr|sed|nq|twos"),
	KWA("lb_algo", 0, 1, 1, a_sched, "older name of lvs_sched"),
	KW0("hashed", TDM_KW_IGNORED, "the kernel sets the hashed flag itself"),
	KW0("ops", 0, "one-packet scheduling (UDP)"),
	KW0("flag-1", 0, "scheduler flag 1"),
	KW0("flag-2", 0, "scheduler flag 2"),
	KW0("flag-3", 0, "scheduler flag 3"),
	KW0("sh-port", 0, "sh scheduler: include the port (flag-2)"),
	KW0("sh-fallback", 0, "sh scheduler: fall back when the server is unavailable (flag-1)"),
	KW0("mh-port", 0, "mh scheduler: include the port (flag-2)"),
	KW0("mh-fallback", 0, "mh scheduler: fall back when the server is unavailable (flag-1)"),
	KWC("lvs_method", 0, 1, check_conf_fwd_check, "forwarding NAT|DR|TUN|FNAT [type ipip|gue port N|gre] [nocsum|csum|remcsum]"),
	KWC("lb_kind", 0, 1, check_conf_fwd_check, "older name of lvs_method"),
	KWA("fnat_source", 0, 1, 1, tdm_a_ip, "tandem: source address of FNAT traffic to the real servers (default: masquerade)"),
	KWA("persistence_engine", 0, 1, 1, tdm_a_str, "persistence engine (sip)"),
	KWA("persistence_timeout", 0, 0, 1, a_uint1, "persistence timeout, seconds (no value: 360)"),
	KWK("persistence_granularity", 0, 1, 1, tdm_a_str, chk_granularity, "persistence netmask (IPv4) or prefix length"),
	KWA("protocol", 0, 1, 1, a_proto, "TCP, UDP or SCTP (default TCP)"),
	KW0("ha_suspend", 0, "run the checks only while the virtual server's address is configured here"),
	KWA("smtp_alert", 0, 0, 1, tdm_a_bool, "send mail on quorum changes"),
	KWA("virtualhost", 0, 1, 1, tdm_a_str, "default Host: of HTTP/SSL checkers"),
	KWA("snmp_name", 0, 1, 1, tdm_a_str, "a name for this virtual server, in `tandemctl checks --json` and TANDEM-MIB"),
	KWA("alpha", 0, 0, 1, tdm_a_bool, "real servers start in the failed state"),
	KW0("omega", 0, "run quorum_down and notify_down at shutdown"),
	KWA("quorum_up", 0, 1, 3, tdm_a_script, "script run when the quorum is gained"),
	KWA("quorum_down", 0, 1, 3, tdm_a_script, "script run when the quorum is lost"),
	KWA("quorum", 0, 1, 1, a_uint1, "minimum total weight of live servers (default 1)"),
	KWA("hysteresis", 0, 1, 1, a_uint, "weight tolerance around the quorum"),
	KWA("weight", 0, 1, 1, a_vs_weight, "default weight of the real servers that give none (1)"),
	KWA("sorry_server", 0, 1, 2, a_server, "server used when the quorum is lost: <address> [<port>]"),
	KW0("sorry_server_inhibit", 0, "inhibit_on_failure for the sorry server"),
	KWC("sorry_server_lvs_method", 0, 1, check_conf_fwd_check, "forwarding of the sorry server"),
	{ .name = "real_server", .flags = TDM_KW_BLOCK | M, .min_args = 1, .max_args = 2,
	  .args = a_server, .nargs = TDM_NELEM(a_server), .sub = &rs_block,
	  .help = "a real server <address> [<port>] { ... }" },
};

const struct tdm_block check_conf_vs_block = {
	"virtual_server", vs_kws, TDM_NELEM(vs_kws), check_conf_vs_finish, 1,
	TDM_OBJ_VIRTUAL_SERVER, check_conf_vs_ident };

int check_conf_vs_args(struct tdm_conf_ctx *ctx, struct tdm_cnode *n)
{
	return chk_vs_args(ctx, n);
}

/* ---- virtual_server_group ---- */

static const struct tdm_kw vsg_kws[] = {
	{ .name = "fwmark", .flags = M | TDM_KW_ANYARGS, .min_args = 1, .max_args = 2,
	  .check = chk_vsg_any, .help = "fwmark <1..4294967295> [inet|inet6]" },
	/* any other line: <address>[-<last>|/<len>] [<port>] */
	{ .name = "*", .flags = M | TDM_KW_ANYARGS, .max_args = 1, .check = chk_vsg_any,
	  .help = "<address>[-<last>|/<len>] [<port>]: an address, range or subnet" },
};

const struct tdm_block check_conf_vsg_block = {
	"virtual_server_group", vsg_kws, TDM_NELEM(vsg_kws), check_conf_vsg_finish, 1,
	TDM_OBJ_VS_GROUP, NULL };

/* ---- SSL ---- */

static const struct tdm_kw ssl_kws[] = {
	KWA("password", 0, 1, 1, tdm_a_str, "passphrase of the client key"),
	KWA("ca", 0, 1, 1, tdm_a_path, "CA file"),
	KWA("certificate", 0, 1, 1, tdm_a_path, "client certificate file"),
	KWA("key", 0, 1, 1, tdm_a_path, "client key file"),
};

const struct tdm_block check_conf_ssl_block = {
	"SSL", ssl_kws, TDM_NELEM(ssl_kws), check_conf_ssl_finish, 0, 0, NULL };
