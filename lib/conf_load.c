/* lib/conf_load.c - the entry points bound to tandem's own keyword tables (tdm_conf_top in
 * director/conf_top.c): tdm_conf_parse and tdm_conf_load. Kept apart so that tests linking
 * only the engine (tdm_conf_parse_with and their own tables) do not need those tables. */
#include "lib/conf_int.h"

struct tdm_config *tdm_conf_parse(const char *text, size_t len, const struct tdm_canon *canon,
                                  const struct tdm_conf_opts *opts, struct tdm_diags *diags)
{
	return tdm_conf_parse_with(&tdm_conf_top, text, len, canon, opts, diags);
}

int tdm_conf_load(const char *path, const struct tdm_conf_opts *opts, struct tdm_canon *canon,
                  struct tdm_config **cfg, struct tdm_diags *diags)
{
	*cfg = NULL;
	if (tdm_conf_resolve(path, opts, canon, diags) == 0)
		*cfg = tdm_conf_parse(canon->text, canon->len, canon, opts, diags);
	tdm_diags_sort(diags);
	return tdm_diags_status(diags);
}
