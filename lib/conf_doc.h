/* lib/conf_doc.h - the keyword reference generated from the keyword tables (tdm_conf_top):
 * `tandemd --keywords-md` writes it, docs/config-keywords.md is its output. */
#ifndef TDM_CONF_DOC_H
#define TDM_CONF_DOC_H

#include <stdio.h>
#include "lib/conf_schema.h"

/* Markdown reference of every block and keyword reachable from tdm_conf_top */
void tdm_conf_doc_markdown(FILE *out);
/* the same for any top-level table (tests) */
void tdm_conf_doc_markdown_from(FILE *out, const struct tdm_block *top);

#endif
