/* lib/conf_args.c - the argument specs (lib/conf_schema.h) that the keyword tables of several
 * parts share: a boolean, a string, a path, an interface, an address, a name, a script with
 * its optional user and group, and a user with an optional group. */
#include "lib/conf_schema.h"

const struct tdm_arg tdm_a_bool[1] = { { "bool", TDM_A_BOOL, 0, 0, NULL } };
const struct tdm_arg tdm_a_str[1] = { { "string", TDM_A_STR, 0, 0, NULL } };
const struct tdm_arg tdm_a_path[1] = { { "path", TDM_A_PATH, 0, 0, NULL } };
const struct tdm_arg tdm_a_if[1] = { { "interface", TDM_A_IFNAME, 0, 0, NULL } };
const struct tdm_arg tdm_a_ip[1] = { { "address", TDM_A_IP, 0, 0, NULL } };
const struct tdm_arg tdm_a_name[1] = { { "name", TDM_A_STR, 0, 0, NULL } };
const struct tdm_arg tdm_a_script[3] = {
	{ "script", TDM_A_PATH, 0, 0, NULL }, { "user", TDM_A_STR, 0, 0, NULL },
	{ "group", TDM_A_STR, 0, 0, NULL } };
const struct tdm_arg tdm_a_user[2] = {
	{ "user", TDM_A_STR, 0, 0, NULL }, { "group", TDM_A_STR, 0, 0, NULL } };
