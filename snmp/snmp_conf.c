/* snmp/snmp_conf.c - builds struct snmp_conf from the SNMP keywords of global_defs (the keyword
 * table itself is in director/global_conf.c, with the other global_defs keywords). */
#include <string.h>
#include "snmp/snmp_conf.h"

/* a statement whose arguments passed the engine's checks (count), usable by a builder */
#define USABLE(n) ((n)->def && (n)->argc >= (n)->def->min_args && \
                   !((n)->def->flags & (TDM_KW_UNSUPPORTED | TDM_KW_IGNORED)))

int snmp_conf_wanted(const struct snmp_conf *s)
{
	return s && (s->enable_vrrp || s->enable_checker || s->enable_rfcv2 || s->enable_rfcv3 ||
	             s->enable_tandem || s->enable_traps);
}

void snmp_conf_from_global(struct tdm_conf_ctx *ctx, const struct tdm_cnode *g)
{
	struct tdm_config *cfg = tdm_conf_ctx_config(ctx);
	struct snmp_conf s;
	const struct tdm_cnode *c;

	memset(&s, 0, sizeof(s));
	if (cfg->snmp)
		s = *cfg->snmp;
	TDM_CNODE_FOREACH(c, g) {
		if (!USABLE(c))
			continue;
		if (!strcmp(c->kw, "snmp_socket"))
			s.socket = c->argv[0];
		else if (!strcmp(c->kw, "enable_traps"))
			s.enable_traps = 1;
		else if (!strcmp(c->kw, "enable_snmp_vrrp") || !strcmp(c->kw, "enable_snmp_keepalived"))
			s.enable_vrrp = 1;
		else if (!strcmp(c->kw, "enable_snmp_checker"))
			s.enable_checker = 1;
		else if (!strcmp(c->kw, "enable_snmp_rfc"))
			s.enable_rfcv2 = s.enable_rfcv3 = 1;
		else if (!strcmp(c->kw, "enable_snmp_rfcv2"))
			s.enable_rfcv2 = 1;
		else if (!strcmp(c->kw, "enable_snmp_rfcv3"))
			s.enable_rfcv3 = 1;
		else if (!strcmp(c->kw, "enable_snmp_tandem"))
			s.enable_tandem = 1;
	}
	if (snmp_conf_wanted(&s) || s.socket) {
		if (!cfg->snmp)
			cfg->snmp = tdm_conf_alloc(ctx, sizeof(*cfg->snmp));
		*cfg->snmp = s;
		if (snmp_conf_wanted(&s))
			cfg->parts |= TDM_PART_SNMP;
	}
}
