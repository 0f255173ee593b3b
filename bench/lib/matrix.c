// SPDX-License-Identifier: GPL-2.0
/*
 * matrix.c - matrix file parser and cross-product expansion.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "faultline.h"
#include "json.h"
#include "matrix.h"
#include "opts.h"

struct fl_words {
	int n;
	char **w;
};

static void fl_words_add(struct fl_words *ws, const char *s, size_t len)
{
	ws->w = realloc(ws->w, (size_t)(ws->n + 1) * sizeof(*ws->w));
	if (!ws->w) {
		fl_err("out of memory");
		exit(2);
	}
	ws->w[ws->n] = strndup(s, len);
	if (!ws->w[ws->n]) {
		fl_err("out of memory");
		exit(2);
	}
	ws->n++;
}

static void fl_words_free(struct fl_words *ws)
{
	int i;

	for (i = 0; i < ws->n; i++)
		free(ws->w[i]);
	free(ws->w);
	ws->w = NULL;
	ws->n = 0;
}

static char **fl_words_dup(const struct fl_words *ws)
{
	char **v = fl_xcalloc((size_t)ws->n + 1, sizeof(*v));
	int i;

	for (i = 0; i < ws->n; i++)
		v[i] = fl_xstrdup(ws->w[i]);
	return v;
}

/* Expand ${VAR} and ${VAR:-default} into a growing buffer. */
static int fl_expand(const char *in, char *out, size_t olen, const char *name,
		     int line, char *why, size_t len)
{
	size_t o = 0, k;
	const char *p = in, *end, *val, *dflt;
	char var[128];

	while (*p) {
		if (p[0] == '$' && p[1] == '{') {
			end = strchr(p, '}');
			if (!end)
				return fl_why(why, len, "%s:%d: unterminated ${", name,
					      line);
			k = (size_t)(end - p - 2);
			if (k >= sizeof(var))
				return fl_why(why, len, "%s:%d: variable name too long",
					      name, line);
			memcpy(var, p + 2, k);
			var[k] = '\0';
			dflt = strstr(var, ":-");
			if (dflt) {
				var[dflt - var] = '\0';
				dflt += 2;
			}
			val = getenv(var);
			if (!val || !*val)
				val = dflt;
			if (!val)
				return fl_why(why, len,
					      "%s:%d: ${%s} is not set (export it or write ${%s:-default})",
					      name, line, var, var);
			k = strlen(val);
			if (o + k >= olen)
				return fl_why(why, len, "%s:%d: line too long", name,
					      line);
			memcpy(out + o, val, k);
			o += k;
			p = end + 1;
			continue;
		}
		if (o + 1 >= olen)
			return fl_why(why, len, "%s:%d: line too long", name, line);
		out[o++] = *p++;
	}
	out[o] = '\0';
	return 0;
}

/* Split a line into words: blanks separate, double quotes group. */
static int fl_split(const char *s, struct fl_words *ws, const char *name,
		    int line, char *why, size_t len)
{
	char buf[4096];
	size_t b;

	while (*s) {
		while (isspace((unsigned char)*s))
			s++;
		if (!*s || *s == '#')
			break;
		b = 0;
		while (*s && !isspace((unsigned char)*s)) {
			if (*s == '"') {
				s++;
				while (*s && *s != '"' && b + 1 < sizeof(buf))
					buf[b++] = *s++;
				if (*s != '"')
					return fl_why(why, len,
						      "%s:%d: unterminated quote",
						      name, line);
				s++;
				continue;
			}
			if (b + 1 < sizeof(buf))
				buf[b++] = *s;
			s++;
		}
		fl_words_add(ws, buf, b);
	}
	return 0;
}

static bool fl_is_strategy_opt(const char *w)
{
	return !strncmp(w, "--strategy", 10) || !strncmp(w, "--max-order", 11) ||
	       !strncmp(w, "--window", 8) || !strncmp(w, "--cache", 7);
}

/* One option with its value(s) on a case line. */
struct fl_mx_opt {
	char name[64];
	bool has_val;
	struct fl_words vals;
};

static void fl_mx_add_case(struct fl_matrix *m, int line, const char *scen,
			   const struct fl_words *defs, const struct fl_words *args,
			   int multi)
{
	struct fl_mx_case *c;
	int i, k;

	/* Drop exact duplicates (strategy options removed for peers). */
	for (i = 0; i < m->n; i++) {
		c = &m->cases[i];
		if (c->line != line || strcmp(c->scen, scen) || c->argc != args->n)
			continue;
		for (k = 0; k < args->n; k++)
			if (strcmp(c->argv[k], args->w[k]))
				break;
		if (k == args->n)
			return;
	}
	m->cases = realloc(m->cases, (size_t)(m->n + 1) * sizeof(*m->cases));
	if (!m->cases) {
		fl_err("out of memory");
		exit(2);
	}
	c = &m->cases[m->n++];
	memset(c, 0, sizeof(*c));
	c->line = line;
	snprintf(c->scen, sizeof(c->scen), "%s", scen);
	c->dargc = defs->n;
	c->dargv = fl_words_dup(defs);
	c->argc = args->n;
	c->argv = fl_words_dup(args);
	c->multi = multi;
}

/* Cross product over opts[k..]: choose one value of each list. */
static void fl_mx_expand(struct fl_matrix *m, int line, const char *scen,
			 const struct fl_words *defs, struct fl_mx_opt *opts,
			 int nopts, int k, const char **pick, int multi)
{
	struct fl_words args = { 0 };
	const char *target = NULL;
	int i, v;

	if (k == nopts) {
		for (i = 0; i < nopts; i++)
			if (!strcmp(opts[i].name, "--target"))
				target = pick[i];
		for (i = 0; i < nopts; i++) {
			if (fl_is_strategy_opt(opts[i].name) && target &&
			    strncmp(target, "faultline:", 10))
				continue;
			fl_words_add(&args, opts[i].name, strlen(opts[i].name));
			if (opts[i].has_val)
				fl_words_add(&args, pick[i], strlen(pick[i]));
		}
		fl_mx_add_case(m, line, scen, defs, &args, multi);
		fl_words_free(&args);
		return;
	}
	if (!opts[k].has_val) {
		pick[k] = NULL;
		fl_mx_expand(m, line, scen, defs, opts, nopts, k + 1, pick, multi);
		return;
	}
	for (v = 0; v < opts[k].vals.n; v++) {
		pick[k] = opts[k].vals.w[v];
		fl_mx_expand(m, line, scen, defs, opts, nopts, k + 1, pick, multi);
	}
}

static void fl_mx_values(struct fl_mx_opt *o, const char *val)
{
	const char *p = val, *e;
	unsigned int s;

	if (!strcmp(o->name, "--label")) {
		fl_words_add(&o->vals, val, strlen(val));
		return;
	}
	if (!strcmp(o->name, "--strategy") && !strcmp(val, "all")) {
		for (s = 0; s < FL_STRAT_NR; s++)
			fl_words_add(&o->vals, fl_strategy_name(s),
				     strlen(fl_strategy_name(s)));
		return;
	}
	for (;;) {
		e = strchr(p, ',');
		fl_words_add(&o->vals, p, e ? (size_t)(e - p) : strlen(p));
		if (!e)
			break;
		p = e + 1;
	}
}

static int fl_mx_case_line(struct fl_matrix *m, struct fl_words *ws,
			   const struct fl_words *defs, const char *name,
			   int line, char *why, size_t len)
{
	struct fl_mx_opt *opts;
	struct fl_words scens = { 0 };
	const char **pick;
	enum fl_scen_id id;
	int nopts = 0, i, s, ret = 0;
	const char *eq;

	opts = fl_xcalloc((size_t)ws->n + 1, sizeof(*opts));
	for (i = 1; i < ws->n; i++) {
		const char *w = ws->w[i];

		if (strncmp(w, "--", 2)) {
			ret = fl_why(why, len,
				     "%s:%d: expected an option, found '%s'", name,
				     line, w);
			goto out;
		}
		eq = strchr(w, '=');
		snprintf(opts[nopts].name, sizeof(opts[nopts].name), "%.*s",
			 (int)(eq ? (size_t)(eq - w) : strlen(w)), w);
		if (eq) {
			opts[nopts].has_val = true;
			fl_mx_values(&opts[nopts], eq + 1);
		} else if (i + 1 < ws->n && strncmp(ws->w[i + 1], "--", 2)) {
			opts[nopts].has_val = true;
			fl_mx_values(&opts[nopts], ws->w[++i]);
		}
		nopts++;
	}
	{
		struct fl_mx_opt so = { .name = "scen" };

		fl_mx_values(&so, ws->w[0]);
		scens = so.vals;
	}
	for (s = 0; s < scens.n; s++) {
		if (fl_scen_parse(scens.w[s], &id)) {
			ret = fl_why(why, len,
				     "%s:%d: unknown scenario or statement '%s'",
				     name, line, scens.w[s]);
			goto out;
		}
	}
	pick = fl_xcalloc((size_t)nopts + 1, sizeof(*pick));
	for (s = 0; s < scens.n; s++)
		fl_mx_expand(m, line, scens.w[s], defs, opts, nopts, 0, pick,
			     scens.n > 1);
	free(pick);
out:
	for (i = 0; i < nopts; i++)
		fl_words_free(&opts[i].vals);
	free(opts);
	fl_words_free(&scens);
	return ret;
}

int fl_matrix_parse(const char *text, const char *name, struct fl_matrix *m,
		    char *why, size_t len)
{
	struct fl_words defs = { 0 }, ws;
	char raw[8192], line[8192];
	const char *p = text, *nl;
	int lineno = 0, start, i, ret = 0;
	size_t r;

	memset(m, 0, sizeof(*m));
	while (*p) {
		/* Gather one logical line (backslash continues). */
		r = 0;
		start = lineno + 1;
		for (;;) {
			nl = strchr(p, '\n');
			size_t l = nl ? (size_t)(nl - p) : strlen(p);

			lineno++;
			if (r + l + 1 >= sizeof(raw)) {
				ret = fl_why(why, len, "%s:%d: line too long", name,
					     lineno);
				goto out;
			}
			memcpy(raw + r, p, l);
			r += l;
			p = nl ? nl + 1 : p + l;
			if (r && raw[r - 1] == '\r')
				r--;
			if (r && raw[r - 1] == '\\' && *p) {
				raw[--r] = ' ';
				r++;
				continue;
			}
			break;
		}
		raw[r] = '\0';
		/* Comments go before expansion: a ${VAR} in a comment is text. */
		for (i = 0; raw[i]; i++) {
			if (raw[i] == '"') {
				while (raw[++i] && raw[i] != '"')
					;
				if (!raw[i])
					break;
			} else if (raw[i] == '#') {
				raw[i] = '\0';
				break;
			}
		}
		if (fl_expand(raw, line, sizeof(line), name, start, why, len)) {
			ret = -1;
			goto out;
		}
		memset(&ws, 0, sizeof(ws));
		if (fl_split(line, &ws, name, start, why, len)) {
			fl_words_free(&ws);
			ret = -1;
			goto out;
		}
		if (!ws.n) {
			fl_words_free(&ws);
			continue;
		}
		if (!strcmp(ws.w[0], "defaults")) {
			for (i = 1; i < ws.n; i++)
				fl_words_add(&defs, ws.w[i], strlen(ws.w[i]));
		} else if (!strcmp(ws.w[0], "lab")) {
			for (i = 1; i < ws.n; i++) {
				m->lab = realloc(m->lab, (size_t)(m->nlab + 2) *
						 sizeof(*m->lab));
				if (!m->lab) {
					fl_err("out of memory");
					exit(2);
				}
				m->lab[m->nlab++] = fl_xstrdup(ws.w[i]);
				m->lab[m->nlab] = NULL;
			}
		} else if (!strcmp(ws.w[0], "require")) {
			/* Documentation for people and scripts. */
		} else if (fl_mx_case_line(m, &ws, &defs, name, start, why, len)) {
			fl_words_free(&ws);
			ret = -1;
			goto out;
		}
		fl_words_free(&ws);
	}
	if (!m->n && !ret)
		ret = fl_why(why, len, "%s: no case lines", name);
out:
	fl_words_free(&defs);
	if (ret)
		fl_matrix_free(m);
	return ret;
}

int fl_matrix_load(const char *path, struct fl_matrix *m, char *why,
		   size_t len)
{
	char *text = fl_slurp(path, NULL);
	int ret;

	if (!text)
		return fl_sys(why, len, errno, "open", "%s", path);
	ret = fl_matrix_parse(text, path, m, why, len);
	free(text);
	return ret;
}

void fl_matrix_free(struct fl_matrix *m)
{
	int i, k;

	for (i = 0; i < m->n; i++) {
		for (k = 0; k < m->cases[i].dargc; k++)
			free(m->cases[i].dargv[k]);
		for (k = 0; k < m->cases[i].argc; k++)
			free(m->cases[i].argv[k]);
		free(m->cases[i].dargv);
		free(m->cases[i].argv);
	}
	free(m->cases);
	for (i = 0; i < m->nlab; i++)
		free(m->lab[i]);
	free(m->lab);
	memset(m, 0, sizeof(*m));
}
