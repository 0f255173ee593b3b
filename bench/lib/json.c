// SPDX-License-Identifier: GPL-2.0
/*
 * json.c - JSON writer (escaping, UTF-8 repair) and reader.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

/* ---------------------------------------------------------------- writer */

void fl_json_init(struct fl_json *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
	j->first[0] = true;
}

/* Length of the valid UTF-8 sequence at @s, or 0 if invalid. */
static size_t fl_utf8_len(const unsigned char *s)
{
	unsigned int c = s[0], cp;
	size_t n, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and values past U+10FFFF. */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

void fl_json_write_string(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)(str ? str : "");
	size_t n;

	fputc('"', f);
	while (*s) {
		switch (*s) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\b':
			fputs("\\b", f);
			break;
		case '\f':
			fputs("\\f", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (*s < 0x20 || *s == 0x7f) {
				fprintf(f, "\\u%04x", *s);
				break;
			}
			n = fl_utf8_len(s);
			if (!n) {
				fputs("\\ufffd", f);
				break;
			}
			fwrite(s, 1, n, f);
			s += n;
			continue;
		}
		s++;
	}
	fputc('"', f);
}

static void fl_json_indent(struct fl_json *j)
{
	int i;

	fputc('\n', j->f);
	for (i = 0; i < j->depth; i++)
		fputs("  ", j->f);
}

/* Separator, indentation and key before a value. */
static void fl_json_pre(struct fl_json *j, const char *key)
{
	int d = j->depth;

	if (d > 0) {
		if (j->is_obj[d] != (key != NULL))
			j->err = 1;
		if (!j->first[d])
			fputc(',', j->f);
		if (j->compact[d]) {
			if (!j->first[d])
				fputc(' ', j->f);
		} else {
			fl_json_indent(j);
		}
	} else if (!j->first[0]) {
		j->err = 1;	/* two top-level values */
	}
	j->first[d] = false;
	if (key) {
		fl_json_write_string(j->f, key);
		fputs(": ", j->f);
	}
}

static void fl_json_open(struct fl_json *j, const char *key, char c,
			 bool obj, bool compact)
{
	fl_json_pre(j, key);
	fputc(c, j->f);
	if (j->depth + 1 >= FL_JSON_MAX_DEPTH) {
		j->err = 1;
		return;
	}
	j->depth++;
	j->first[j->depth] = true;
	j->is_obj[j->depth] = obj;
	j->compact[j->depth] = compact || (j->compact[j->depth - 1] &&
					   j->depth > 1);
}

static void fl_json_close(struct fl_json *j, char c, bool obj)
{
	bool empty;

	if (j->depth <= 0 || j->is_obj[j->depth] != obj) {
		j->err = 1;
		return;
	}
	empty = j->first[j->depth];
	j->depth--;
	if (!empty && !j->compact[j->depth + 1])
		fl_json_indent(j);
	fputc(c, j->f);
}

void fl_json_obj_begin(struct fl_json *j, const char *key)
{
	fl_json_open(j, key, '{', true, false);
}

void fl_json_obj_end(struct fl_json *j)
{
	fl_json_close(j, '}', true);
}

void fl_json_arr_begin(struct fl_json *j, const char *key)
{
	fl_json_open(j, key, '[', false, false);
}

void fl_json_arr_begin_compact(struct fl_json *j, const char *key)
{
	fl_json_open(j, key, '[', false, true);
}

void fl_json_arr_end(struct fl_json *j)
{
	fl_json_close(j, ']', false);
}

void fl_json_str(struct fl_json *j, const char *key, const char *val)
{
	fl_json_pre(j, key);
	if (val)
		fl_json_write_string(j->f, val);
	else
		fputs("null", j->f);
}

void fl_json_strf(struct fl_json *j, const char *key, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	fl_json_str(j, key, s ? s : "");
	free(s);
}

void fl_json_u64(struct fl_json *j, const char *key, uint64_t v)
{
	fl_json_pre(j, key);
	fprintf(j->f, "%llu", (unsigned long long)v);
}

void fl_json_i64(struct fl_json *j, const char *key, int64_t v)
{
	fl_json_pre(j, key);
	fprintf(j->f, "%lld", (long long)v);
}

void fl_json_dbl(struct fl_json *j, const char *key, double v)
{
	char buf[40];

	fl_json_pre(j, key);
	if (!isfinite(v)) {
		fputs("null", j->f);
		return;
	}
	/* Shortest of %.15g / %.17g that reads back exactly. */
	snprintf(buf, sizeof(buf), "%.15g", v);
	if (strtod(buf, NULL) != v)
		snprintf(buf, sizeof(buf), "%.17g", v);
	fputs(buf, j->f);
}

void fl_json_bool(struct fl_json *j, const char *key, bool v)
{
	fl_json_pre(j, key);
	fputs(v ? "true" : "false", j->f);
}

void fl_json_null(struct fl_json *j, const char *key)
{
	fl_json_pre(j, key);
	fputs("null", j->f);
}

void fl_json_raw(struct fl_json *j, const char *key, const char *text)
{
	fl_json_pre(j, key);
	fputs(text, j->f);
}

int fl_json_finish(struct fl_json *j)
{
	fputc('\n', j->f);
	if (j->depth != 0)
		j->err = 1;
	if (ferror(j->f))
		return -1;
	return j->err ? -1 : 0;
}

/* ---------------------------------------------------------------- reader */

struct fl_jp {
	const char *s;
	const char *p;
	char *why;
	size_t len;
	int depth;
};

static struct fl_jv *fl_jp_value(struct fl_jp *jp);

static void fl_jp_ws(struct fl_jp *jp)
{
	while (*jp->p == ' ' || *jp->p == '\t' || *jp->p == '\n' ||
	       *jp->p == '\r')
		jp->p++;
}

static struct fl_jv *fl_jp_fail(struct fl_jp *jp, const char *what)
{
	if (jp->why && !jp->why[0])
		snprintf(jp->why, jp->len, "JSON: %s at offset %td", what,
			 jp->p - jp->s);
	return NULL;
}

static struct fl_jv *fl_jv_new(enum fl_jtype t)
{
	struct fl_jv *v = fl_xcalloc(1, sizeof(*v));

	v->type = t;
	return v;
}

static int fl_jp_hex4(const char *p, unsigned int *cp)
{
	int i;

	*cp = 0;
	for (i = 0; i < 4; i++) {
		if (!isxdigit((unsigned char)p[i]))
			return -1;
		*cp = *cp * 16 + (isdigit((unsigned char)p[i]) ?
				  p[i] - '0' :
				  (tolower((unsigned char)p[i]) - 'a' + 10));
	}
	return 0;
}

static void fl_put_utf8(char **o, unsigned int cp)
{
	char *q = *o;

	if (cp < 0x80) {
		*q++ = (char)cp;
	} else if (cp < 0x800) {
		*q++ = (char)(0xc0 | (cp >> 6));
		*q++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*q++ = (char)(0xe0 | (cp >> 12));
		*q++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*q++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*q++ = (char)(0xf0 | (cp >> 18));
		*q++ = (char)(0x80 | ((cp >> 12) & 0x3f));
		*q++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*q++ = (char)(0x80 | (cp & 0x3f));
	}
	*o = q;
}

static char *fl_jp_string(struct fl_jp *jp)
{
	const char *p = jp->p + 1;
	char *out, *o;
	unsigned int cp, lo;

	/* Output is never longer than the input. */
	out = o = fl_xcalloc(strlen(p) + 1, 1);
	while (*p != '"') {
		if (!*p || (unsigned char)*p < 0x20)
			goto bad;
		if (*p != '\\') {
			*o++ = *p++;
			continue;
		}
		p++;
		switch (*p) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '/': *o++ = '/'; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u':
			if (fl_jp_hex4(p + 1, &cp))
				goto bad;
			p += 4;
			if (cp >= 0xd800 && cp <= 0xdbff && p[1] == '\\' &&
			    p[2] == 'u' && !fl_jp_hex4(p + 3, &lo) &&
			    lo >= 0xdc00 && lo <= 0xdfff) {
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				     (lo - 0xdc00);
				p += 6;
			}
			fl_put_utf8(&o, cp);
			break;
		default:
			goto bad;
		}
		p++;
	}
	*o = '\0';
	jp->p = p + 1;
	return out;
bad:
	free(out);
	jp->p = p;
	fl_jp_fail(jp, "invalid string");
	return NULL;
}

static struct fl_jv *fl_jp_number(struct fl_jp *jp)
{
	const char *p = jp->p;
	struct fl_jv *v;

	if (*p == '-')
		p++;
	if (*p == '0') {
		p++;
	} else if (isdigit((unsigned char)*p)) {
		while (isdigit((unsigned char)*p))
			p++;
	} else {
		return fl_jp_fail(jp, "invalid number");
	}
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return fl_jp_fail(jp, "invalid number");
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!isdigit((unsigned char)*p))
			return fl_jp_fail(jp, "invalid number");
		while (isdigit((unsigned char)*p))
			p++;
	}
	v = fl_jv_new(FL_JNUM);
	v->str = strndup(jp->p, (size_t)(p - jp->p));
	v->num = strtod(v->str, NULL);
	jp->p = p;
	return v;
}

static void fl_jv_push(struct fl_jv *c, char *key, struct fl_jv *item)
{
	c->items = realloc(c->items, (c->n + 1) * sizeof(*c->items));
	if (c->type == FL_JOBJ)
		c->keys = realloc(c->keys, (c->n + 1) * sizeof(*c->keys));
	if (!c->items || (c->type == FL_JOBJ && !c->keys)) {
		fl_err("out of memory parsing JSON");
		exit(2);
	}
	if (c->type == FL_JOBJ)
		c->keys[c->n] = key;
	c->items[c->n++] = item;
}

static struct fl_jv *fl_jp_container(struct fl_jp *jp, bool obj)
{
	struct fl_jv *c = fl_jv_new(obj ? FL_JOBJ : FL_JARR), *item;
	char close = obj ? '}' : ']';
	char *key = NULL;

	if (++jp->depth > 256) {
		fl_jv_free(c);
		return fl_jp_fail(jp, "nesting too deep");
	}
	jp->p++;
	fl_jp_ws(jp);
	if (*jp->p == close) {
		jp->p++;
		jp->depth--;
		return c;
	}
	for (;;) {
		fl_jp_ws(jp);
		if (obj) {
			if (*jp->p != '"')
				goto bad_key;
			key = fl_jp_string(jp);
			if (!key)
				goto bad;
			fl_jp_ws(jp);
			if (*jp->p != ':') {
				free(key);
				fl_jp_fail(jp, "expected ':'");
				goto bad;
			}
			jp->p++;
		}
		item = fl_jp_value(jp);
		if (!item) {
			free(key);
			goto bad;
		}
		fl_jv_push(c, key, item);
		key = NULL;
		fl_jp_ws(jp);
		if (*jp->p == ',') {
			jp->p++;
			continue;
		}
		if (*jp->p == close) {
			jp->p++;
			jp->depth--;
			return c;
		}
		fl_jp_fail(jp, obj ? "expected ',' or '}'" :
				     "expected ',' or ']'");
		goto bad;
	}
bad_key:
	fl_jp_fail(jp, "expected a member name");
bad:
	fl_jv_free(c);
	return NULL;
}

static struct fl_jv *fl_jp_value(struct fl_jp *jp)
{
	struct fl_jv *v;

	fl_jp_ws(jp);
	switch (*jp->p) {
	case '{':
		return fl_jp_container(jp, true);
	case '[':
		return fl_jp_container(jp, false);
	case '"':
		v = fl_jv_new(FL_JSTR);
		v->str = fl_jp_string(jp);
		if (!v->str) {
			free(v);
			return NULL;
		}
		return v;
	case 't':
		if (strncmp(jp->p, "true", 4))
			break;
		jp->p += 4;
		v = fl_jv_new(FL_JBOOL);
		v->b = true;
		return v;
	case 'f':
		if (strncmp(jp->p, "false", 5))
			break;
		jp->p += 5;
		return fl_jv_new(FL_JBOOL);
	case 'n':
		if (strncmp(jp->p, "null", 4))
			break;
		jp->p += 4;
		return fl_jv_new(FL_JNULL);
	default:
		if (*jp->p == '-' || isdigit((unsigned char)*jp->p))
			return fl_jp_number(jp);
		break;
	}
	return fl_jp_fail(jp, "unexpected character");
}

struct fl_jv *fl_jv_parse(const char *text, char *why, size_t len)
{
	struct fl_jp jp = { .s = text, .p = text, .why = why, .len = len };
	struct fl_jv *v;

	if (why && len)
		why[0] = '\0';
	v = fl_jp_value(&jp);
	if (!v)
		return NULL;
	fl_jp_ws(&jp);
	if (*jp.p) {
		fl_jv_free(v);
		return fl_jp_fail(&jp, "trailing characters");
	}
	return v;
}

void fl_jv_free(struct fl_jv *v)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < v->n; i++) {
		fl_jv_free(v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->str);
	free(v);
}

const struct fl_jv *fl_jv_get(const struct fl_jv *obj, const char *key)
{
	size_t i;

	if (!obj || obj->type != FL_JOBJ)
		return NULL;
	for (i = 0; i < obj->n; i++)
		if (!strcmp(obj->keys[i], key))
			return obj->items[i];
	return NULL;
}

const struct fl_jv *fl_jv_path(const struct fl_jv *v, const char *path)
{
	char *copy = fl_xstrdup(path), *save = NULL, *tok, *end;
	unsigned long idx;

	for (tok = strtok_r(copy, ".", &save); tok && v;
	     tok = strtok_r(NULL, ".", &save)) {
		if (v->type == FL_JARR) {
			idx = strtoul(tok, &end, 10);
			v = (*end || idx >= v->n) ? NULL : v->items[idx];
		} else {
			v = fl_jv_get(v, tok);
		}
	}
	free(copy);
	return v;
}

char *fl_slurp(const char *path, size_t *lenp)
{
	size_t cap = 65536, len = 0, n;
	char *buf, *nb;
	FILE *f;

	f = fopen(path, "r");
	if (!f)
		return NULL;
	buf = malloc(cap);
	while (buf) {
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
		if (len + 1 < cap)
			break;
		cap *= 2;
		nb = realloc(buf, cap);
		if (!nb) {
			free(buf);
			buf = NULL;
			errno = ENOMEM;
		}
		buf = nb;
	}
	if (buf && ferror(f)) {
		free(buf);
		buf = NULL;
		errno = EIO;
	}
	fclose(f);
	if (buf) {
		buf[len] = '\0';
		if (lenp)
			*lenp = len;
	}
	return buf;
}
