/* SPDX-License-Identifier: GPL-2.0 */
/*
 * json.h - a streaming JSON writer and a small JSON reader.
 *
 * The writer emits RFC 8259 JSON: strings are escaped (quote, backslash,
 * control characters as \uXXXX), invalid UTF-8 bytes are replaced by
 * U+FFFD so that the document always parses, and non-finite numbers
 * (NaN, infinities) are written as null.  Commas and indentation are
 * handled by the writer; the caller only opens and closes containers.
 *
 * The reader builds a tree; flbench uses it to read fio's json+ output
 * and the unit tests use it to check documents written by the writer.
 */
#ifndef FL_JSON_H
#define FL_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "common.h"

#define FL_JSON_MAX_DEPTH	32

struct fl_json {
	FILE *f;
	int depth;
	bool first[FL_JSON_MAX_DEPTH];
	bool compact[FL_JSON_MAX_DEPTH];
	bool is_obj[FL_JSON_MAX_DEPTH];
	int err;		/* set when nesting is misused */
};

void fl_json_init(struct fl_json *j, FILE *f);
/* @key must be given inside objects and must be NULL elsewhere. */
void fl_json_obj_begin(struct fl_json *j, const char *key);
void fl_json_obj_end(struct fl_json *j);
void fl_json_arr_begin(struct fl_json *j, const char *key);
/* An array whose elements stay on one line (number lists). */
void fl_json_arr_begin_compact(struct fl_json *j, const char *key);
void fl_json_arr_end(struct fl_json *j);
void fl_json_str(struct fl_json *j, const char *key, const char *val);
void fl_json_strf(struct fl_json *j, const char *key, const char *fmt, ...)
	FL_PRINTF(3, 4);
void fl_json_u64(struct fl_json *j, const char *key, uint64_t v);
void fl_json_i64(struct fl_json *j, const char *key, int64_t v);
void fl_json_dbl(struct fl_json *j, const char *key, double v);
void fl_json_bool(struct fl_json *j, const char *key, bool v);
void fl_json_null(struct fl_json *j, const char *key);
/* Insert @text, an already valid JSON value, verbatim. */
void fl_json_raw(struct fl_json *j, const char *key, const char *text);
/* Finish the document (newline); returns 0, or -1 if misused or I/O error. */
int fl_json_finish(struct fl_json *j);
/* Write @s as a JSON string literal (quotes included) to @f. */
void fl_json_write_string(FILE *f, const char *s);

/* Reader. */
enum fl_jtype {
	FL_JNULL, FL_JBOOL, FL_JNUM, FL_JSTR, FL_JARR, FL_JOBJ,
};

struct fl_jv {
	enum fl_jtype type;
	bool b;
	double num;
	char *str;			/* string value, or number's text */
	size_t n;			/* members of an array or object */
	struct fl_jv **items;
	char **keys;			/* object member names */
};

/* Parse @text; on error returns NULL with the position in @why. */
struct fl_jv *fl_jv_parse(const char *text, char *why, size_t len);
void fl_jv_free(struct fl_jv *v);
/* Member of an object, or NULL. */
const struct fl_jv *fl_jv_get(const struct fl_jv *obj, const char *key);
/* Dotted path: "jobs.0.read.bw_bytes" (numbers index arrays). */
const struct fl_jv *fl_jv_path(const struct fl_jv *v, const char *path);
/* Read a whole file into a malloc'ed string.  Returns NULL with errno. */
char *fl_slurp(const char *path, size_t *len);

#endif /* FL_JSON_H */
