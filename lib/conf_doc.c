/* lib/conf_doc.c - writes the keyword reference (Markdown) by walking the keyword tables: one
 * section per block, one row per keyword with its arguments (types, ranges, optional ones in
 * brackets), whether it is implemented, not implemented yet (accepted with a warning), deprecated,
 * ignored or refused, and its help line. Shared blocks are written once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/conf_doc.h"

#define MAX_BLOCKS 256

struct doc {
	FILE *out;
	const struct tdm_block *seen[MAX_BLOCKS];   /* blocks with a section (or about to) */
	const char *seen_path[MAX_BLOCKS];
	unsigned char written[MAX_BLOCKS];
	char paths[MAX_BLOCKS][160];
	size_t nseen;
};

/* table cells: escape '|' and HTML's '<', '>', '&' */
static void cell(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '|')
			fputs("\\|", out);
		else if (*s == '<')
			fputs("&lt;", out);
		else if (*s == '>')
			fputs("&gt;", out);
		else if (*s == '&')
			fputs("&amp;", out);
		else if (*s == '\n')
			fputc(' ', out);
		else
			fputc(*s, out);
	}
}

static void range_ll(FILE *out, long long lo, long long hi)
{
	fprintf(out, " %lld..%lld", lo, hi);
}

static void secs(FILE *out, long long us)
{
	if (us % 1000000 == 0)
		fprintf(out, "%lld", us / 1000000);
	else
		fprintf(out, "%g", (double)us / 1e6);
}

static void one_arg(FILE *out, const struct tdm_arg *a)
{
	const char *name = a && a->name ? a->name : "value";
	int bounded = a && (a->min || a->max);

	if (!a) {
		fputs("<value>", out);
		return;
	}
	switch (a->type) {
	case TDM_A_ENUM:
		for (size_t i = 0; a->enums && a->enums[i]; i++)
			fprintf(out, "%s%s", i ? "\\|" : "", a->enums[i]);
		return;
	case TDM_A_BOOL:
		fputs("on\\|off", out);
		return;
	default:
		break;
	}
	fputc('<', out);
	for (const char *c = name; *c; c++) {
		if (*c == '|')
			fputc('\\', out);
		fputc(*c, out);
	}
	switch (a->type) {
	case TDM_A_INT:
	case TDM_A_FLOAT:
		if (bounded)
			range_ll(out, a->min, a->max);
		break;
	case TDM_A_PORT:
		range_ll(out, bounded ? a->min : 0, bounded ? a->max : 65535);
		break;
	case TDM_A_TIMER:
		if (strcmp(name, "seconds"))
			fputs(" s", out);
		if (bounded) {
			fputc(' ', out);
			secs(out, a->min);
			fputs("..", out);
			secs(out, a->max);
		}
		break;
	case TDM_A_STR:
		if (a->max > 0)
			fprintf(out, ", %lld..%lld chars", a->min, a->max);
		break;
	case TDM_A_IP:
		fputs(": IP", out);
		break;
	case TDM_A_IP4:
		fputs(": IPv4", out);
		break;
	case TDM_A_IP6:
		fputs(": IPv6", out);
		break;
	case TDM_A_PREFIX:
		fputs(": IP[/len]", out);
		break;
	case TDM_A_IFNAME:
		fputs(": interface", out);
		break;
	case TDM_A_PATH:
		fputs(": path", out);
		break;
	case TDM_A_IP_OR_HOST:
		fputs(": IP or host", out);
		break;
	default:
		break;
	}
	fputc('>', out);
}

static void args(FILE *out, const struct tdm_kw *k)
{
	unsigned shown;

	if (k->flags & TDM_KW_ANYARGS) {
		fputs("(see description)", out);
		return;
	}
	shown = k->max_args == TDM_ARGS_MANY ? (unsigned)(k->min_args > k->nargs ? k->min_args : (k->nargs ? k->nargs : 1))
	                                     : k->max_args;
	for (unsigned i = 0; i < shown; i++) {
		const struct tdm_arg *a = k->args && k->nargs ? &k->args[i < k->nargs ? i : k->nargs - 1U] : NULL;
		if (i)
			fputc(' ', out);
		if (i >= k->min_args)
			fputc('[', out);
		one_arg(out, a);
	}
	if (k->max_args == TDM_ARGS_MANY)
		fputs(" ...", out);
	for (unsigned i = k->min_args; i < shown; i++)
		fputc(']', out);
}

/* the arguments column: a code span, or "-" when the keyword takes nothing */
static void arg_cell(FILE *out, const struct tdm_kw *k)
{
	char *buf = NULL, *p;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (!m) {
		fputs("-", out);
		return;
	}
	args(m, k);
	if (k->flags & TDM_KW_LIST)
		fputs(" { lines }", m);
	else if (k->flags & TDM_KW_BLOCK)
		fputs(" { ... }", m);
	fclose(m);
	for (p = buf; p && *p == ' '; p++)
		;
	if (p && *p)
		fprintf(out, "`%s`", p);
	else
		fputs("-", out);
	free(buf);
}

static const char *status(unsigned f)
{
	if (f & TDM_KW_UNSUPPORTED)
		return "not supported";
	if (f & TDM_KW_IGNORED)
		return "ignored";
	if (f & TDM_KW_NOTYET)
		return (f & TDM_KW_DEPRECATED) ? "not implemented, deprecated" : "not implemented";
	if (f & TDM_KW_DEPRECATED)
		return "implemented, deprecated";
	return "implemented";
}

static int find_seen(const struct doc *d, const struct tdm_block *b)
{
	for (size_t i = 0; i < d->nseen; i++)
		if (d->seen[i] == b)
			return (int)i;
	return -1;
}

/* give b a section path (first come, first served); returns its slot or -1 */
static int reg(struct doc *d, const struct tdm_block *b, const char *path)
{
	int i = find_seen(d, b);

	if (i >= 0 || d->nseen >= MAX_BLOCKS)
		return i;
	i = (int)d->nseen++;
	d->seen[i] = b;
	snprintf(d->paths[i], sizeof(d->paths[i]), "%s", path);
	d->seen_path[i] = d->paths[i];
	return i;
}

static void anchor(FILE *out, const char *path)
{
	for (const char *p = path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-')
			fputc(*p, out);
		else if (*p >= 'A' && *p <= 'Z')
			fputc(*p - 'A' + 'a', out);
		else if (*p == ' ')
			fputc('-', out);
	}
}

static void sub_path(char *buf, size_t cap, const char *path, int top, const char *name)
{
	snprintf(buf, cap, "%s%s%s", top ? "" : path, top ? "" : " > ", name);
}

static void block(struct doc *d, const struct tdm_block *b, const char *path, int top)
{
	FILE *out = d->out;
	int slot = reg(d, b, path);
	char sub[160];

	if (slot < 0 || d->written[slot])
		return;
	d->written[slot] = 1;
	/* sections of the sub-blocks first get their paths, so rows can link to them */
	for (size_t i = 0; i < b->nkws; i++) {
		if (!b->kws[i].sub || (b->kws[i].flags & TDM_KW_UNSUPPORTED))
			continue;
		sub_path(sub, sizeof(sub), path, top, b->kws[i].name);
		reg(d, b->kws[i].sub, sub);
	}

	fprintf(out, "\n## %s\n\n", top ? "Top level" : path);
	if (b->is_obj)
		fputs("Each block is a config object with an identity (reload compares objects).\n\n", out);
	fputs("| keyword | arguments | status | flags | description |\n", out);
	fputs("|---|---|---|---|---|\n", out);
	for (size_t i = 0; i < b->nkws; i++) {
		const struct tdm_kw *k = &b->kws[i];
		int si;
		fputs("| `", out);
		fputs(k->name, out);
		fputs("` | ", out);
		arg_cell(out, k);
		fprintf(out, " | %s | ", status(k->flags));
		if (k->flags & TDM_KW_REQUIRED)
			fputs("required ", out);
		if (k->flags & TDM_KW_MULTI)
			fputs("repeatable ", out);
		fputs("| ", out);
		cell(out, k->help);
		si = k->sub && !(k->flags & TDM_KW_UNSUPPORTED) ? find_seen(d, k->sub) : -1;
		if (si >= 0) {
			fputs(" (see [", out);
			cell(out, d->seen_path[si]);
			fputs("](#", out);
			anchor(out, d->seen_path[si]);
			fputs("))", out);
		}
		fputs(" |\n", out);
	}
	for (size_t i = 0; i < b->nkws; i++) {
		int si;
		if (!b->kws[i].sub || (b->kws[i].flags & TDM_KW_UNSUPPORTED))
			continue;
		si = find_seen(d, b->kws[i].sub);
		if (si >= 0 && !d->written[si])
			block(d, b->kws[i].sub, d->seen_path[si], 0);
	}
}

void tdm_conf_doc_markdown_from(FILE *out, const struct tdm_block *top)
{
	static struct doc d;

	memset(&d, 0, sizeof(d));
	d.out = out;
	fputs("# tandem configuration keywords\n\n"
	      "Generated from the keyword tables by `tandemd --keywords-md`; do not edit by hand.\n"
	      "The grammar is keepalived's (see docs/config.md); every keyword of keepalived 2.2.7 is\n"
	      "known, plus tandem's own (marked \"tandem:\").\n\n"
	      "Status: **implemented**; **not implemented**: accepted for compatibility and checked\n"
	      "(types, ranges, references), but it has no effect yet: every use gets a warning at its\n"
	      "file:line:col; **deprecated**: accepted with a warning;\n"
	      "**ignored**: accepted with a warning, no effect; **not supported**: an error.\n"
	      "Arguments: `<name lo..hi>` ranges are inclusive, `[...]` is optional, `...` repeats,\n"
	      "`s` are seconds with up to 6 decimals, `on|off` also takes true/false/yes/no.\n"
	      "A keyword named `*` stands for any other line of that block.\n", out);
	block(&d, top, "(top)", 1);
}

void tdm_conf_doc_markdown(FILE *out)
{
	tdm_conf_doc_markdown_from(out, &tdm_conf_top);
}
