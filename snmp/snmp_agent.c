/* snmp/snmp_agent.c - net-snmp AgentX subagent driven by libev (see snmp_agent.h): library
 * settings, the descriptor/timer bridge, a read-only handler serving a subtree from a sorted
 * OID table, notifications, and net-snmp's log messages routed to tandem's log. */
#include "snmp/snmp_agent.h"

#include <stdlib.h>
#include <string.h>
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <net-snmp/library/large_fd_set.h>
#include "lib/log.h"
#include "lib/mono.h"

_Static_assert(sizeof(oid) == sizeof(snmp_subid), "net-snmp oid width");

#define APP_NAME "tandemd"
#define MAX_WATCHED 32

struct watched {
	ev_io io;
	int fd;
};

struct reg {
	struct snmp_agent *a;
	struct snmp_oidtab *tab;
	snmp_agent_refresh refresh;
	void *arg;
	snmp_subid root[SNMP_OID_MAX];
	size_t rlen;
	struct reg *next;
};

struct snmp_agent {
	struct ev_loop *loop;
	ev_timer timer;
	struct watched w[MAX_WATCHED];
	size_t nw;
	struct reg *regs;
	int in_sync;
};

struct snmp_trap {
	netsnmp_variable_list *vars;
};

/* net-snmp's messages into tandem's log; the same text is not repeated within a minute
 * (a master that is down makes the library say so at every retry) */
static int log_cb(int major, int minor, void *serverarg, void *clientarg)
{
	static char last[256];
	static uint64_t last_ns;
	const struct snmp_log_message *m = serverarg;
	char buf[256];
	size_t n;
	uint64_t now = tdm_mono_ns();
	int level;

	if (!m || !m->msg)
		return 0;
	snprintf(buf, sizeof(buf), "%s", m->msg);
	n = strlen(buf);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	if (!n)
		return 0;
	if (!strcmp(buf, last) && now - last_ns < 60000000000ull)
		return 0;
	snprintf(last, sizeof(last), "%s", buf);
	last_ns = now;
	level = m->priority <= LOG_ERR ? TDM_LOG_ERR : m->priority == LOG_WARNING ?
	        TDM_LOG_WARN : m->priority == LOG_NOTICE ? TDM_LOG_NOTICE :
	        m->priority == LOG_INFO ? TDM_LOG_INFO : TDM_LOG_DEBUG;
	tdm_log(level, "net-snmp: %s", buf);
	return 0;
}

static void after_work(struct snmp_agent *a)
{
	run_alarms();
	netsnmp_check_outstanding_agent_requests();
	snmp_agent_sync(a);
}

static void on_io(struct ev_loop *loop, ev_io *w, int revents)
{
	struct snmp_agent *a = w->data;
	netsnmp_large_fd_set fds;

	netsnmp_large_fd_set_init(&fds, w->fd + 1);
	NETSNMP_LARGE_FD_SET(w->fd, &fds);
	snmp_read2(&fds);
	netsnmp_large_fd_set_cleanup(&fds);
	after_work(a);
}

static void on_timer(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct snmp_agent *a = w->data;

	snmp_timeout();
	after_work(a);
}

void snmp_agent_sync(struct snmp_agent *a)
{
	netsnmp_large_fd_set fds;
	struct timeval tv = { 0, 0 };
	int maxfd = 0, block = 1;
	size_t i;

	if (!a || a->in_sync)
		return;
	a->in_sync = 1;
	netsnmp_large_fd_set_init(&fds, FD_SETSIZE);
	snmp_select_info2(&maxfd, &fds, &tv, &block);
	/* drop watchers of descriptors net-snmp no longer uses */
	for (i = 0; i < a->nw;) {
		if (a->w[i].fd < maxfd && NETSNMP_LARGE_FD_ISSET(a->w[i].fd, &fds)) {
			i++;
			continue;
		}
		ev_io_stop(a->loop, &a->w[i].io);
		if (i != a->nw - 1) {
			/* move the last one here (re-init: a watcher cannot be copied while active) */
			int fd = a->w[a->nw - 1].fd;

			ev_io_stop(a->loop, &a->w[a->nw - 1].io);
			a->w[i].fd = fd;
			ev_io_init(&a->w[i].io, on_io, fd, EV_READ);
			a->w[i].io.data = a;
			ev_io_start(a->loop, &a->w[i].io);
		}
		a->nw--;
	}
	/* watch the new ones */
	for (int fd = 0; fd < maxfd; fd++) {
		if (!NETSNMP_LARGE_FD_ISSET(fd, &fds))
			continue;
		for (i = 0; i < a->nw && a->w[i].fd != fd; i++)
			;
		if (i < a->nw)
			continue;
		if (a->nw == MAX_WATCHED) {
			tdm_log_err("net-snmp uses more than %d descriptors", MAX_WATCHED);
			break;
		}
		a->w[a->nw].fd = fd;
		ev_io_init(&a->w[a->nw].io, on_io, fd, EV_READ);
		a->w[a->nw].io.data = a;
		ev_io_start(a->loop, &a->w[a->nw].io);
		a->nw++;
	}
	netsnmp_large_fd_set_cleanup(&fds);
	ev_timer_stop(a->loop, &a->timer);
	if (!block) {
		ev_timer_set(&a->timer, tv.tv_sec + tv.tv_usec / 1e6, 0.);
		ev_timer_start(a->loop, &a->timer);
	}
	a->in_sync = 0;
}

/* ping the master every SNMP_AGENT_PING_S (and reconnect as often when it is gone) */
static void set_intervals(void)
{
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL,
	                   SNMP_AGENT_PING_S);
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_AGENTX_TIMEOUT, 1000000);
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_AGENTX_RETRIES, 1);
}

struct snmp_agent *snmp_agent_start(struct ev_loop *loop, const char *socket)
{
	struct snmp_agent *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->loop = loop;
	ev_init(&a->timer, on_timer);
	a->timer.data = a;

	setenv("MIBS", "", 1);          /* numeric OIDs only: load no MIB files */
	snmp_disable_log();
	snmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING, log_cb, NULL);
	snmp_enable_calllog();
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_ALARM_DONT_USE_SIG, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
	set_intervals();
	if (socket)
		netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_X_SOCKET, socket);
	if (init_agent(APP_NAME) != 0) {
		tdm_log_err("net-snmp: init_agent failed");
		free(a);
		return NULL;
	}
	/* init_agent sets its own default ping interval (15 s): ours again */
	set_intervals();
	return a;
}

/* the handler: GET and GETNEXT from the table (GETBULK arrives as GETNEXTs) */
static void set_value(netsnmp_variable_list *var, const struct snmp_oid_ent *e)
{
	switch (e->type) {
	case SNMP_T_INTEGER: {
		long l = (long)e->i;

		snmp_set_var_typed_value(var, ASN_INTEGER, &l, sizeof(l));
		break;
	}
	case SNMP_T_COUNTER64: {
		struct counter64 c = { .high = (u_long)(e->u >> 32), .low = (u_long)(e->u & 0xffffffffu) };

		snmp_set_var_typed_value(var, ASN_COUNTER64, &c, sizeof(c));
		break;
	}
	case SNMP_T_OCTETS:
		snmp_set_var_typed_value(var, ASN_OCTET_STR, e->s, e->slen);
		break;
	case ASN_IPADDRESS:         /* its 4 octets are kept in s (snmp_vrrp_mib.c) */
		snmp_set_var_typed_value(var, ASN_IPADDRESS, e->s, e->slen);
		break;
	default: {
		u_long u = (u_long)e->u;

		snmp_set_var_typed_value(var, e->type, &u, sizeof(u));
		break;
	}
	}
}

static int handler(netsnmp_mib_handler *h, netsnmp_handler_registration *reginfo,
                   netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
	struct reg *r = h->myvoid;

	if (reqinfo->mode != MODE_GET && reqinfo->mode != MODE_GETNEXT) {
		for (netsnmp_request_info *q = requests; q; q = q->next)
			netsnmp_set_request_error(reqinfo, q, SNMP_ERR_NOTWRITABLE);
		return SNMP_ERR_NOERROR;
	}
	if (r->refresh)
		r->refresh(r->arg, r->tab);
	for (netsnmp_request_info *q = requests; q; q = q->next) {
		netsnmp_variable_list *var = q->requestvb;
		const struct snmp_oid_ent *e;

		if (q->processed)
			continue;
		if (reqinfo->mode == MODE_GET) {
			e = snmp_oidtab_get(r->tab, var->name, var->name_length);
			if (e)
				set_value(var, e);
			else
				netsnmp_set_request_error(reqinfo, q, SNMP_NOSUCHINSTANCE);
			continue;
		}
		e = snmp_oidtab_next(r->tab, var->name, var->name_length);
		if (e && e->len >= r->rlen && !memcmp(e->name, r->root, r->rlen * sizeof(oid))) {
			snmp_set_var_objid(var, e->name, e->len);
			set_value(var, e);
		}
		/* else: nothing after it here; the agent moves on to the next subtree */
	}
	return SNMP_ERR_NOERROR;
}

int snmp_agent_register(struct snmp_agent *a, const char *name, const snmp_subid *root,
                        size_t len, struct snmp_oidtab *tab, snmp_agent_refresh refresh,
                        void *arg)
{
	netsnmp_handler_registration *reg;
	struct reg *r;

	if (len > SNMP_OID_MAX)
		return -1;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -1;
	r->a = a;
	r->tab = tab;
	r->refresh = refresh;
	r->arg = arg;
	memcpy(r->root, root, len * sizeof(*root));
	r->rlen = len;
	reg = netsnmp_create_handler_registration(name, handler, root, len, HANDLER_CAN_RONLY);
	if (!reg) {
		free(r);
		return -1;
	}
	reg->handler->myvoid = r;
	if (netsnmp_register_handler(reg) != MIB_REGISTERED_OK) {
		tdm_log_err("net-snmp: cannot register %s", name);
		free(r);
		return -1;
	}
	r->next = a->regs;
	a->regs = r;
	return 0;
}

void snmp_agent_connect(struct snmp_agent *a)
{
	static int initialised;

	if (!initialised) {
		init_snmp(APP_NAME);
		set_intervals();
		initialised = 1;
	}
	snmp_agent_sync(a);
}

void snmp_agent_stop(struct snmp_agent *a)
{
	if (!a)
		return;
	ev_timer_stop(a->loop, &a->timer);
	for (size_t i = 0; i < a->nw; i++)
		ev_io_stop(a->loop, &a->w[i].io);
	snmp_shutdown(APP_NAME);
	while (a->regs) {
		struct reg *r = a->regs;

		a->regs = r->next;
		free(r);
	}
	free(a);
}

struct snmp_trap *snmp_trap_new(const snmp_subid *trap_oid, size_t len)
{
	static const oid trap_oid_oid[] = { 1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0 };
	struct snmp_trap *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	snmp_varlist_add_variable(&t->vars, trap_oid_oid, OID_LENGTH(trap_oid_oid),
	                          ASN_OBJECT_ID, trap_oid, len * sizeof(oid));
	return t;
}

void snmp_trap_add_int(struct snmp_trap *t, const snmp_subid *name, size_t len, long v)
{
	if (t)
		snmp_varlist_add_variable(&t->vars, name, len, ASN_INTEGER, &v, sizeof(v));
}

void snmp_trap_add_uns(struct snmp_trap *t, const snmp_subid *name, size_t len,
                       unsigned char type, unsigned long v)
{
	if (t)
		snmp_varlist_add_variable(&t->vars, name, len, type, &v, sizeof(v));
}

void snmp_trap_add_str(struct snmp_trap *t, const snmp_subid *name, size_t len,
                       const void *s, size_t slen)
{
	if (t)
		snmp_varlist_add_variable(&t->vars, name, len, ASN_OCTET_STR, s, slen);
}

void snmp_trap_add_raw(struct snmp_trap *t, const snmp_subid *name, size_t len,
                       unsigned char type, const void *v, size_t vlen)
{
	if (t)
		snmp_varlist_add_variable(&t->vars, name, len, type, v, vlen);
}

void snmp_trap_send(struct snmp_agent *a, struct snmp_trap *t)
{
	if (!t)
		return;
	if (t->vars)
		send_v2trap(t->vars);
	snmp_free_varbind(t->vars);
	free(t);
	snmp_agent_sync(a);
}
