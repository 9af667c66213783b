/* lib/conf_diag.c - the diagnostics list of the config front end: collecting messages with
 * file:line:col, printing them, JSON for `tandemd -t --json`, and the -t exit status. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "lib/conf.h"

static const char *const sev_names[] = { "note", "warning", "error", "fatal" };

void tdm_diags_init(struct tdm_diags *d)
{
	memset(d, 0, sizeof(*d));
}

void tdm_diags_free(struct tdm_diags *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].msg);
	}
	free(d->v);
	memset(d, 0, sizeof(*d));
}

/* too many diagnostics are useless and cost memory: keep the first ones, count the rest */
#define DIAGS_MAX 10000

void tdm_diags_add(struct tdm_diags *d, enum tdm_sev sev, const char *file, int line, int col,
                   const char *fmt, ...)
{
	struct tdm_diag *g;
	va_list ap;
	char *msg = NULL;

	if (sev == TDM_SEV_WARN)
		d->nwarn++;
	else if (sev == TDM_SEV_ERROR)
		d->nerr++;
	else if (sev == TDM_SEV_FATAL)
		d->nfatal++;
	if (d->n >= DIAGS_MAX)
		return;
	if (d->n == d->cap) {
		size_t ncap = d->cap ? d->cap * 2 : 16;
		struct tdm_diag *nv = realloc(d->v, ncap * sizeof(*nv));

		if (!nv)
			return;
		d->v = nv;
		d->cap = ncap;
	}
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (!msg)
		return;
	g = &d->v[d->n++];
	g->sev = sev;
	g->file = file ? strdup(file) : NULL;
	g->line = line;
	g->col = col;
	g->msg = msg;
}

void tdm_diags_print(const struct tdm_diags *d, FILE *out)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		const struct tdm_diag *g = &d->v[i];

		if (g->file && g->line > 0 && g->col > 0)
			fprintf(out, "%s:%d:%d: ", g->file, g->line, g->col);
		else if (g->file && g->line > 0)
			fprintf(out, "%s:%d: ", g->file, g->line);
		else if (g->file)
			fprintf(out, "%s: ", g->file);
		fprintf(out, "%s: %s\n", sev_names[g->sev & 3], g->msg);
	}
	if (d->n < d->nwarn + d->nerr + d->nfatal)
		fprintf(out, "(%zu more diagnostics not shown)\n",
		        d->nwarn + d->nerr + d->nfatal - d->n);
}

char *tdm_diags_json(const struct tdm_diags *d)
{
	struct json_object *arr = json_object_new_array();
	char *res;
	size_t i;

	if (!arr)
		return NULL;
	for (i = 0; i < d->n; i++) {
		const struct tdm_diag *g = &d->v[i];
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "severity", json_object_new_string(sev_names[g->sev & 3]));
		json_object_object_add(o, "file", g->file ? json_object_new_string(g->file) : NULL);
		json_object_object_add(o, "line", json_object_new_int(g->line));
		json_object_object_add(o, "col", json_object_new_int(g->col));
		json_object_object_add(o, "message", json_object_new_string(g->msg));
		json_object_array_add(arr, o);
	}
	res = strdup(json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PLAIN));
	json_object_put(arr);
	return res;
}

/* Source order: by file (in order of first appearance), line, column; diagnostics without a
 * position keep their place after the positioned ones of the same file. Stable. */
static size_t file_rank(const struct tdm_diags *d, const char *file)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].file && file && !strcmp(d->v[i].file, file))
			return i;
	return d->n;
}

void tdm_diags_sort(struct tdm_diags *d)
{
	/* insertion sort keyed by (file rank, line, col): diagnostics are few, and it is stable */
	size_t *rank;

	if (d->n < 2)
		return;
	rank = malloc(d->n * sizeof(*rank));
	if (!rank)
		return;
	for (size_t i = 0; i < d->n; i++)
		rank[i] = file_rank(d, d->v[i].file);
	for (size_t i = 1; i < d->n; i++) {
		struct tdm_diag x = d->v[i];
		size_t xr = rank[i], j = i;

		while (j > 0 && (rank[j - 1] > xr ||
		                 (rank[j - 1] == xr && x.line &&
		                  (d->v[j - 1].line > x.line ||
		                   (d->v[j - 1].line == x.line && d->v[j - 1].col > x.col))))) {
			d->v[j] = d->v[j - 1];
			rank[j] = rank[j - 1];
			j--;
		}
		d->v[j] = x;
		rank[j] = xr;
	}
	free(rank);
}

int tdm_diags_status(const struct tdm_diags *d)
{
	if (d->nfatal)
		return 3;
	if (d->nerr)
		return 4;
	return 0;
}
