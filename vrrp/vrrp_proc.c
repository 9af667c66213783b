/* vrrp/vrrp_proc.c - track_process without I/O: matching a process against a tracker, the
 * quorum verdict with its delays, and parsing proc connector messages (see vrrp_proc.h). */
#include "vrrp/vrrp_proc.h"

#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <string.h>

#define COMM_MAX 15             /* the kernel keeps 15 characters of a process name */

int vrrp_proc_spec_from_conf(const char *name, const struct tdm_cnode *block,
                             struct vrrp_proc_spec *s)
{
	const struct tdm_cnode *n;

	memset(s, 0, sizeof(*s));
	s->name = name;
	s->weight = 1;
	s->quorum = 1;
	s->quorum_max = UINT32_MAX;
	n = tdm_cnode_find(block, "process");
	if (!n || !n->argc)
		return -1;
	s->process = n->argv[0];
	s->params = (const char *const *)n->argv + 1;
	s->nparams = n->argc - 1;
	if (s->nparams)
		s->pm = VRRP_PROC_PM_EXACT;
	if ((n = tdm_cnode_find(block, "param_match")))
		s->pm = !n->argc ? VRRP_PROC_PM_EXACT :
		        !strcmp(n->argv[0], "initial") ? VRRP_PROC_PM_INITIAL : VRRP_PROC_PM_PARTIAL;
	s->full_command = tdm_cnode_find(block, "full_command") != NULL;
	if ((n = tdm_cnode_find(block, "weight")) && n->argc) {
		s->weight = (int)n->vals[0].i;
		s->reverse = n->argc > 1 && !strcmp(n->argv[1], "reverse");
	}
	if ((n = tdm_cnode_find(block, "quorum")) && n->argc)
		s->quorum = (unsigned)n->vals[0].i;
	if ((n = tdm_cnode_find(block, "quorum_max")) && n->argc)
		s->quorum_max = (unsigned)n->vals[0].i;
	if ((n = tdm_cnode_find(block, "delay")) && n->argc)
		s->fork_delay_ns = s->terminate_delay_ns = n->vals[0].us * 1000;
	if ((n = tdm_cnode_find(block, "fork_delay")) && n->argc)
		s->fork_delay_ns = n->vals[0].us * 1000;
	if ((n = tdm_cnode_find(block, "terminate_delay")) && n->argc)
		s->terminate_delay_ns = n->vals[0].us * 1000;
	return 0;
}

static int comm_is(const char *comm, const char *name)
{
	size_t ln = strlen(name);

	if (ln > COMM_MAX)
		ln = COMM_MAX;
	return strlen(comm) == ln && !strncmp(comm, name, ln);
}

/* the whole command line, arguments joined by single spaces, equals s */
static int cmdline_is(const char *cmd, size_t len, const char *s)
{
	size_t ls = strlen(s);

	while (len && cmd[len - 1] == '\0')
		len--;
	if (len != ls)
		return 0;
	for (size_t i = 0; i < len; i++)
		if ((cmd[i] ? cmd[i] : ' ') != s[i])
			return 0;
	return 1;
}

int vrrp_proc_match(const struct vrrp_proc_spec *s, const char *comm, const char *cmd,
                    size_t cmdlen)
{
	const char *p = cmd, *end = cmd + cmdlen;
	size_t i;

	if (s->pm == VRRP_PROC_PM_NONE)
		return s->full_command ? cmdline_is(cmd, cmdlen, s->process)
		                       : comm_is(comm ? comm : "", s->process);
	/* with parameters: argv[0] is the process (the name alone without full_command) */
	if (!cmdlen || !memchr(cmd, '\0', cmdlen))
		return 0;
	if (s->full_command ? strcmp(p, s->process) : !comm_is(comm ? comm : "", s->process))
		return 0;
	p += strlen(p) + 1;
	for (i = 0; i < s->nparams; i++) {
		size_t la;

		if (p >= end)
			return 0;
		la = strnlen(p, (size_t)(end - p));
		if (s->pm == VRRP_PROC_PM_INITIAL && i + 1 == s->nparams) {
			if (strncmp(p, s->params[i], strlen(s->params[i])) ||
			    la < strlen(s->params[i]))
				return 0;
		} else if (la != strlen(s->params[i]) || strncmp(p, s->params[i], la)) {
			return 0;
		}
		p += la + 1;
	}
	return s->pm == VRRP_PROC_PM_EXACT ? p >= end : 1;
}

int vrrp_proc_wanted(const struct vrrp_proc_spec *s, unsigned count)
{
	return count >= s->quorum && count <= s->quorum_max;
}

void vrrp_proc_init(const struct vrrp_proc_spec *s, struct vrrp_proc_state *st)
{
	st->ok = vrrp_proc_wanted(s, st->count);
	st->pending = 0;
	st->due_ns = 0;
}

int vrrp_proc_update(const struct vrrp_proc_spec *s, struct vrrp_proc_state *st, uint64_t now,
                     uint64_t *wake_ns)
{
	int want = vrrp_proc_wanted(s, st->count), changed = 0;

	if (want == st->ok) {
		st->pending = 0;        /* back to what is in force: the pending change is off */
	} else {
		if (!st->pending) {
			st->pending = 1;
			st->due_ns = now + (want ? s->fork_delay_ns : s->terminate_delay_ns);
		}
		if (now >= st->due_ns) {
			st->ok = want;
			st->pending = 0;
			changed = 1;
		}
	}
	*wake_ns = st->pending ? st->due_ns : 0;
	return changed;
}

int vrrp_proc_parse(const void *buf, size_t len, struct vrrp_proc_event *out, int max)
{
	const struct nlmsghdr *nh = buf;
	size_t left = len;
	int n = 0;

	for (; NLMSG_OK(nh, left); nh = NLMSG_NEXT(nh, left)) {
		const struct cn_msg *cn;
		struct proc_event pe;       /* copied: in the message it is only 4-byte aligned */
		const struct proc_event *ev = &pe;
		struct vrrp_proc_event e = { 0 };

		if (nh->nlmsg_type == NLMSG_OVERRUN) {
			e.type = VRRP_PROC_EV_OVERRUN;
			goto add;
		}
		if (nh->nlmsg_type == NLMSG_NOOP || nh->nlmsg_type == NLMSG_ERROR)
			continue;
		if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(*cn)))
			return -1;
		cn = NLMSG_DATA(nh);
		if (cn->id.idx != CN_IDX_PROC || cn->id.val != CN_VAL_PROC)
			continue;
		if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(*cn) + cn->len) ||
		    cn->len < offsetof(struct proc_event, event_data))
			return -1;
		memset(&pe, 0, sizeof(pe));
		memcpy(&pe, cn->data, cn->len < sizeof(pe) ? cn->len : sizeof(pe));
		switch (ev->what) {
		case PROC_EVENT_FORK:
			if (cn->len < offsetof(struct proc_event, event_data) +
			              sizeof(ev->event_data.fork))
				return -1;
			if (ev->event_data.fork.child_pid != ev->event_data.fork.child_tgid)
				continue;       /* a new thread */
			e.type = VRRP_PROC_EV_FORK;
			e.pid = ev->event_data.fork.child_tgid;
			e.parent = ev->event_data.fork.parent_tgid;
			break;
		case PROC_EVENT_EXEC:
			if (cn->len < offsetof(struct proc_event, event_data) +
			              sizeof(ev->event_data.exec))
				return -1;
			e.type = VRRP_PROC_EV_EXEC;
			e.pid = ev->event_data.exec.process_tgid;
			break;
		case PROC_EVENT_EXIT:
			if (cn->len < offsetof(struct proc_event, event_data) +
			              sizeof(ev->event_data.exit))
				return -1;
			if (ev->event_data.exit.process_pid != ev->event_data.exit.process_tgid)
				continue;       /* a thread ended */
			e.type = VRRP_PROC_EV_EXIT;
			e.pid = ev->event_data.exit.process_tgid;
			break;
		case PROC_EVENT_COMM:
			if (cn->len < offsetof(struct proc_event, event_data) +
			              sizeof(ev->event_data.comm))
				return -1;
			if (ev->event_data.comm.process_pid != ev->event_data.comm.process_tgid)
				continue;       /* a thread renamed itself: not the process name */
			e.type = VRRP_PROC_EV_COMM;
			e.pid = ev->event_data.comm.process_tgid;
			break;
		default:
			continue;
		}
add:
		if (n < max)
			out[n++] = e;
	}
	return n;
}
