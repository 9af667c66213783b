/* tests/gen_keywords_md.c - writes the keyword reference (docs/config-keywords.md) until
 * `tandemd --keywords-md` does the same:
 *   make BUILD=build && cc -I. -o build/gen_keywords_md tests/gen_keywords_md.c build/libtandem.a \
 *      $(pkg-config --libs libnl-3.0 libnl-genl-3.0 libnl-route-3.0 json-c libsystemd openssl) -lev
 *   build/gen_keywords_md > docs/config-keywords.md */
#include "lib/conf_doc.h"

int main(void)
{
	tdm_conf_doc_markdown(stdout);
	return 0;
}
