/* snmp/snmp_conf.h - the SNMP part's config, collected from global_defs (snmp_socket,
 * enable_traps, enable_snmp_*; tandem adds enable_snmp_tandem). Plain data, tdm_config.snmp. */
#ifndef SNMP_CONF_H
#define SNMP_CONF_H

#include <stdint.h>
#include "lib/conf.h"

struct snmp_conf {
	const char *socket;         /* AgentX master, NULL = unix:/var/agentx/master */
	uint8_t enable_traps;
	uint8_t enable_vrrp;        /* KEEPALIVED-MIB vrrp part (enable_snmp_vrrp / _keepalived) */
	uint8_t enable_checker;     /* KEEPALIVED-MIB checker part */
	uint8_t enable_rfcv2;       /* VRRP-MIB */
	uint8_t enable_rfcv3;       /* VRRPv3-MIB */
	uint8_t enable_tandem;      /* TANDEM-MIB */
};

/* collect from the global_defs node; sets tdm_config.snmp when any MIB is enabled */
void snmp_conf_from_global(struct tdm_conf_ctx *ctx, const struct tdm_cnode *global_defs);
/* 1 when the config asks for the SNMP child */
int snmp_conf_wanted(const struct snmp_conf *s);

#endif
