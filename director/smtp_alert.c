/* director/smtp_alert.c - e-mail alerts from state-change events (see smtp_alert.h): which
 * events mail (the smtp_alert settings), the mail text, a bounded queue and the sender. */
#include "director/smtp_alert.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <curl/curl.h>
#include "director/evbus.h"
#include "director/global_conf.h"
#include "director/globals.h"
#include "lib/log.h"

#define QUEUE_MAX 64            /* mails waiting; more are dropped (and counted in the log) */
#define SEND_EXTRA_S 60         /* a send may take connect timeout + this; then it is killed */

struct obj_alert {
	char *key;                  /* "<kind>:<id>" */
	int on;                     /* 0 / 1 */
};

struct smtp_set {
	char *server, *helo, *from, *router_id, *to_hdr;
	char **rcpt;
	size_t nrcpt;
	int port, connect_timeout;
	int alert, alert_vrrp, alert_checker;   /* -1 unset */
	int no_faults;
	struct obj_alert *objs;     /* sorted by key */
	size_t nobjs;
};

struct mail {
	char *subject;
	char *text;                 /* headers + body, CRLF line ends */
};

struct dir_smtp {
	struct ev_loop *loop;
	struct smtp_set set;
	struct mail q[QUEUE_MAX];
	size_t qhead, qlen;
	uint64_t dropped;
	pid_t sender;
	char *sending;              /* subject of the mail in flight (logs) */
	ev_child cw;
	ev_timer kill_timer;
	char **down;                /* real servers known down: open addressing, NULL empty */
	size_t down_cap, down_n;
};

static const char TOMB[] = "";  /* a removed entry of the down set */

/* ---- settings ---- */

static void set_free(struct smtp_set *s)
{
	free(s->server);
	free(s->helo);
	free(s->from);
	free(s->router_id);
	free(s->to_hdr);
	for (size_t i = 0; i < s->nrcpt; i++)
		free(s->rcpt[i]);
	free(s->rcpt);
	for (size_t i = 0; i < s->nobjs; i++)
		free(s->objs[i].key);
	free(s->objs);
	memset(s, 0, sizeof(*s));
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s ? s : "");

	if (!d)
		abort();
	return d;
}

static int obj_cmp(const void *a, const void *b)
{
	return strcmp(((const struct obj_alert *)a)->key, ((const struct obj_alert *)b)->key);
}

/* smtp_alert [BOOL] inside an object's block: 1/0, -1 when absent */
static int node_alert(const struct tdm_cnode *node)
{
	const struct tdm_cnode *c = node ? tdm_cnode_find(node, "smtp_alert") : NULL;

	if (!c || !c->def)
		return -1;
	if (!c->argc)
		return 1;
	return !strcasecmp(c->argv[0], "on") || !strcasecmp(c->argv[0], "yes") ||
	       !strcasecmp(c->argv[0], "true");
}

static const char *kind_tag(enum tdm_obj_kind k)
{
	switch (k) {
	case TDM_OBJ_VRRP_INSTANCE: return "vi";
	case TDM_OBJ_VRRP_SYNC_GROUP: return "sg";
	case TDM_OBJ_VIRTUAL_SERVER: return "vs";
	case TDM_OBJ_REAL_SERVER: return "rs";
	default: return NULL;
	}
}

void dir_smtp_config(struct dir_smtp *m, const struct tdm_config *cfg)
{
	const struct tdm_global_conf *g = cfg ? cfg->global : NULL;
	struct smtp_set *s;
	char host[256] = "localhost";
	size_t len = 0;

	if (!m)
		return;
	s = &m->set;
	set_free(s);
	s->alert = s->alert_vrrp = s->alert_checker = -1;
	if (!g || !g->smtp_server || !g->n_notification_email)
		return;                 /* no server or nobody to mail: alerts off */
	if (gethostname(host, sizeof(host) - 1) < 0)
		snprintf(host, sizeof(host), "localhost");
	s->server = xstrdup(g->smtp_server);
	s->port = g->smtp_port;
	s->helo = xstrdup(g->smtp_helo_name ? g->smtp_helo_name : host);
	s->router_id = xstrdup(g->router_id ? g->router_id : host);
	if (g->notification_email_from) {
		s->from = xstrdup(g->notification_email_from);
	} else if (asprintf(&s->from, "tandem@%s", host) < 0) {
		abort();
	}
	s->connect_timeout = g->smtp_connect_timeout;
	s->alert = g->smtp_alert;
	s->alert_vrrp = g->smtp_alert_vrrp;
	s->alert_checker = g->smtp_alert_checker;
	s->no_faults = dir_gdef(cfg, "no_email_faults") != NULL;   /* any global_defs block */
	s->rcpt = calloc(g->n_notification_email, sizeof(*s->rcpt));
	if (!s->rcpt)
		abort();
	for (size_t i = 0; i < g->n_notification_email; i++) {
		s->rcpt[s->nrcpt++] = xstrdup(g->notification_email[i]);
		len += strlen(g->notification_email[i]) + 2;
	}
	s->to_hdr = calloc(1, len + 1);
	if (!s->to_hdr)
		abort();
	for (size_t i = 0; i < s->nrcpt; i++) {
		if (i)
			strcat(s->to_hdr, ", ");
		strcat(s->to_hdr, s->rcpt[i]);
	}
	s->objs = calloc(cfg->nobjs + 1, sizeof(*s->objs));
	if (!s->objs)
		abort();
	for (size_t i = 0; i < cfg->nobjs; i++) {
		const char *tag = kind_tag(cfg->objs[i].kind);
		int on = tag ? node_alert(cfg->objs[i].node) : -1;

		if (on < 0)
			continue;
		if (asprintf(&s->objs[s->nobjs].key, "%s:%s", tag, cfg->objs[i].id) < 0)
			abort();
		s->objs[s->nobjs++].on = on;
	}
	qsort(s->objs, s->nobjs, sizeof(*s->objs), obj_cmp);
	tdm_log_info("mail alerts: to %s via %s port %d", s->to_hdr, s->server, s->port);
}

static int obj_flag(const struct smtp_set *s, const char *tag, const char *id)
{
	struct obj_alert key, *hit;
	char *k;

	if (!id || asprintf(&k, "%s:%s", tag, id) < 0)
		return -1;
	key.key = k;
	hit = bsearch(&key, s->objs, s->nobjs, sizeof(*s->objs), obj_cmp);
	free(k);
	return hit ? hit->on : -1;
}

/* the object's own setting, else the part's default, else smtp_alert, else def */
static int wanted(const struct smtp_set *s, int own, int part, int def)
{
	if (own >= 0)
		return own;
	if (part >= 0)
		return part;
	if (s->alert >= 0)
		return s->alert;
	return def;
}

/* ---- real servers known down ---- */

static size_t str_hash(const char *s)
{
	size_t h = 1469598103934665603ull;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

static ssize_t down_find(const struct dir_smtp *m, const char *id)
{
	if (!m->down_cap)
		return -1;
	for (size_t i = str_hash(id) & (m->down_cap - 1), n = 0; n < m->down_cap;
	     i = (i + 1) & (m->down_cap - 1), n++) {
		if (!m->down[i])
			return -1;
		if (m->down[i] != TOMB && !strcmp(m->down[i], id))
			return (ssize_t)i;
	}
	return -1;
}

static void down_add(struct dir_smtp *m, const char *id);

static void down_grow(struct dir_smtp *m)
{
	char **old = m->down;
	size_t ocap = m->down_cap;

	m->down_cap = ocap ? ocap * 2 : 64;
	m->down = calloc(m->down_cap, sizeof(*m->down));
	if (!m->down)
		abort();
	m->down_n = 0;
	for (size_t i = 0; i < ocap; i++) {
		if (old[i] && old[i] != TOMB) {
			down_add(m, old[i]);
			free(old[i]);
		}
	}
	free(old);
}

static void down_add(struct dir_smtp *m, const char *id)
{
	size_t i;

	if ((m->down_n + 1) * 2 > m->down_cap)
		down_grow(m);
	for (i = str_hash(id) & (m->down_cap - 1); m->down[i] && m->down[i] != TOMB;
	     i = (i + 1) & (m->down_cap - 1))
		;
	m->down[i] = xstrdup(id);
	m->down_n++;
}

static void down_del(struct dir_smtp *m, size_t i)
{
	free(m->down[i]);
	m->down[i] = (char *)TOMB;
}

/* ---- sending ---- */

struct upload {
	const char *p;
	size_t left;
};

static size_t read_cb(char *buf, size_t size, size_t n, void *arg)
{
	struct upload *u = arg;
	size_t k = size * n < u->left ? size * n : u->left;

	memcpy(buf, u->p, k);
	u->p += k;
	u->left -= k;
	return k;
}

/* in the forked sender: one mail, exit 0 sent, 1 not */
static void __attribute__((noreturn)) send_child(const struct smtp_set *s, const char *text)
{
	struct curl_slist *rcpt = NULL;
	struct upload u = { text, strlen(text) };
	char url[600], err[CURL_ERROR_SIZE] = "";
	CURL *c;
	CURLcode rc;
	int v6 = strchr(s->server, ':') != NULL;

	close_range(3, ~0u, 0);
	snprintf(url, sizeof(url), "smtp://%s%s%s:%d/%s", v6 ? "[" : "", s->server, v6 ? "]" : "",
	         s->port, s->helo);
	c = curl_easy_init();
	if (!c)
		_exit(1);
	for (size_t i = 0; i < s->nrcpt; i++)
		rcpt = curl_slist_append(rcpt, s->rcpt[i]);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, s->from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(c, CURLOPT_READDATA, &u);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)s->connect_timeout);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)(s->connect_timeout + SEND_EXTRA_S / 2));
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
	rc = curl_easy_perform(c);
	if (rc != CURLE_OK)
		tdm_log_warn("mail alert not sent (%s:%d): %s", s->server, s->port,
		             err[0] ? err : curl_easy_strerror(rc));
	_exit(rc == CURLE_OK ? 0 : 1);
}

static void send_next(struct dir_smtp *m);

static void sender_done(struct ev_loop *loop, ev_child *w, int revents)
{
	struct dir_smtp *m = w->data;
	int st = w->rstatus;

	ev_child_stop(loop, w);
	ev_timer_stop(loop, &m->kill_timer);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		tdm_log_info("mail alert sent: %s", m->sending ? m->sending : "");
	else
		tdm_log_warn("mail alert failed: %s", m->sending ? m->sending : "");
	free(m->sending);
	m->sending = NULL;
	m->sender = 0;
	send_next(m);
}

static void sender_timeout(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct dir_smtp *m = w->data;

	if (m->sender > 0) {
		tdm_log_warn("mail alert: sender pid %d took too long: killing it", (int)m->sender);
		kill(m->sender, SIGKILL);   /* sender_done follows */
	}
}

static void send_next(struct dir_smtp *m)
{
	struct mail *ml;
	pid_t pid;

	if (m->sender > 0 || !m->qlen)
		return;
	ml = &m->q[m->qhead];
	m->qhead = (m->qhead + 1) % QUEUE_MAX;
	m->qlen--;
	if (!m->set.server) {           /* alerts were switched off by a reload */
		free(ml->subject);
		free(ml->text);
		send_next(m);
		return;
	}
	pid = fork();
	if (pid == 0)
		send_child(&m->set, ml->text);
	if (pid < 0) {
		tdm_log_err("mail alert: fork: %s", strerror(errno));
		free(ml->subject);
	} else {
		m->sender = pid;
		m->sending = ml->subject;
		ev_child_set(&m->cw, pid, 0);
		ev_child_start(m->loop, &m->cw);
		ev_timer_set(&m->kill_timer, m->set.connect_timeout + SEND_EXTRA_S, 0.);
		ev_timer_start(m->loop, &m->kill_timer);
	}
	free(ml->text);
}

static void queue_mail(struct dir_smtp *m, const char *subject, const char *body)
{
	const struct smtp_set *s = &m->set;
	char date[64];
	time_t now = time(NULL);
	struct tm tm;
	struct mail *ml;

	if (m->qlen == QUEUE_MAX) {
		if (!m->dropped++ || !(m->dropped % 100))
			tdm_log_warn("mail alert queue full: %llu alert(s) dropped so far",
			             (unsigned long long)m->dropped);
		return;
	}
	ml = &m->q[(m->qhead + m->qlen) % QUEUE_MAX];
	localtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S %z", &tm);
	if (asprintf(&ml->subject, "[%s] %s", s->router_id, subject) < 0 ||
	    asprintf(&ml->text, "Date: %s\r\nFrom: %s\r\nTo: %s\r\nSubject: %s\r\n"
	             "X-Mailer: tandem\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n%s\r\n",
	             date, s->from, s->to_hdr, ml->subject, body) < 0)
		abort();
	m->qlen++;
	send_next(m);
}

/* ---- events ---- */

static const char *str_field(json_object *ev, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(ev, k, &v) ? json_object_get_string(v) : NULL;
}

static int bool_field(json_object *ev, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(ev, k, &v) && json_object_get_boolean(v);
}

static void on_vrrp(struct dir_smtp *m, json_object *ev, int group)
{
	const struct smtp_set *s = &m->set;
	const char *name = str_field(ev, group ? "group" : "instance");
	const char *from = str_field(ev, "from"), *to = str_field(ev, "to");
	const char *reason = str_field(ev, "reason");
	const char *what = group ? "VRRP sync group" : "VRRP instance";
	char subject[300], body[600];

	if (!name || !to || !strcmp(to, "STOP"))
		return;
	if (!wanted(s, obj_flag(s, group ? "sg" : "vi", name), s->alert_vrrp, 0))
		return;
	if (s->no_faults && !strcmp(to, "FAULT"))
		return;
	snprintf(subject, sizeof(subject), "%s %s is now %s", what, name, to);
	if (reason)
		snprintf(body, sizeof(body), "%s %s went from %s to %s (%s) on %s.", what, name,
		         from ? from : "?", to, reason, s->router_id);
	else
		snprintf(body, sizeof(body), "%s %s went from %s to %s on %s.", what, name,
		         from ? from : "?", to, s->router_id);
	queue_mail(m, subject, body);
}

static void on_rs(struct dir_smtp *m, json_object *ev)
{
	const struct smtp_set *s = &m->set;
	const char *vs = str_field(ev, "vs"), *rs = str_field(ev, "rs");
	const char *reason = str_field(ev, "reason");
	int up = bool_field(ev, "up");
	ssize_t k;
	char subject[600], body[1200];

	if (!rs)
		return;
	/* a change of up/down only: weight changes and the first "up" report mail nothing */
	k = down_find(m, rs);
	if (up == (k < 0))
		return;
	if (up)
		down_del(m, (size_t)k);
	else
		down_add(m, rs);
	if (!wanted(s, obj_flag(s, "rs", rs), s->alert_checker, 1))
		return;
	snprintf(subject, sizeof(subject), "real server %s is %s", rs, up ? "UP" : "DOWN");
	snprintf(body, sizeof(body), "Real server %s of virtual server %s is %s%s%s%s.", rs,
	         vs ? vs : "?", up ? "up: added to the pool" : "down: removed from the pool",
	         reason ? " (" : "", reason ? reason : "", reason ? ")" : "");
	queue_mail(m, subject, body);
}

static void on_quorum(struct dir_smtp *m, json_object *ev)
{
	const struct smtp_set *s = &m->set;
	const char *vs = str_field(ev, "vs");
	int up = bool_field(ev, "up");
	char subject[400], body[600];

	if (!vs || !wanted(s, obj_flag(s, "vs", vs), s->alert_checker, 0))
		return;
	snprintf(subject, sizeof(subject), "virtual server %s: quorum %s", vs,
	         up ? "regained" : "lost");
	snprintf(body, sizeof(body), "Virtual server %s %s its quorum%s.", vs,
	         up ? "regained" : "lost", !up && bool_field(ev, "sorry") ?
	         "; the sorry server takes the traffic" : "");
	queue_mail(m, subject, body);
}

static void hook(void *arg, uint64_t seq, const char *line, size_t len, json_object *ev)
{
	struct dir_smtp *m = arg;
	const char *type = str_field(ev, "type");

	if (!type)
		return;
	if (!strcmp(type, "rs.state")) {
		/* followed even with mail off, so a reload that turns it on knows who is down */
		if (m->set.server)
			on_rs(m, ev);
		else if (str_field(ev, "rs")) {
			ssize_t k = down_find(m, str_field(ev, "rs"));

			if (bool_field(ev, "up") && k >= 0)
				down_del(m, (size_t)k);
			else if (!bool_field(ev, "up") && k < 0)
				down_add(m, str_field(ev, "rs"));
		}
		return;
	}
	if (!m->set.server)
		return;
	if (!strcmp(type, "vrrp.state"))
		on_vrrp(m, ev, 0);
	else if (!strcmp(type, "vrrp.group"))
		on_vrrp(m, ev, 1);
	else if (!strcmp(type, "vs.quorum"))
		on_quorum(m, ev);
}

struct dir_smtp *dir_smtp_new(struct ev_loop *loop, struct dir_evbus *bus)
{
	struct dir_smtp *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->loop = loop;
	m->set.alert = m->set.alert_vrrp = m->set.alert_checker = -1;
	ev_child_init(&m->cw, sender_done, 0, 0);
	m->cw.data = m;
	ev_timer_init(&m->kill_timer, sender_timeout, 1., 0.);
	m->kill_timer.data = m;
	if (dir_evbus_add_hook(bus, hook, m) < 0) {
		free(m);
		return NULL;
	}
	return m;
}

void dir_smtp_free(struct dir_smtp *m, struct dir_evbus *bus)
{
	if (!m)
		return;
	if (bus)
		dir_evbus_del_hook(bus, hook, m);
	if (m->sender > 0) {
		ev_child_stop(m->loop, &m->cw);
		ev_timer_stop(m->loop, &m->kill_timer);
	}
	while (m->qlen) {
		free(m->q[m->qhead].subject);
		free(m->q[m->qhead].text);
		m->qhead = (m->qhead + 1) % QUEUE_MAX;
		m->qlen--;
	}
	free(m->sending);
	for (size_t i = 0; i < m->down_cap; i++)
		if (m->down[i] && m->down[i] != TOMB)
			free(m->down[i]);
	free(m->down);
	set_free(&m->set);
	free(m);
}
