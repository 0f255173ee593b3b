/* SPDX-License-Identifier: GPL-2.0 */
/*
 * matrix.h - matrix files: many cases in one run.
 *
 * A matrix file is text, one statement per line ('#' starts a comment,
 * a trailing backslash continues a line, "double quotes" group words,
 * ${VAR} and ${VAR:-default} expand from the environment):
 *
 *   defaults OPTION...       options for every later case line
 *   lab OPTION...            options for scripts/lab (flbench ignores them)
 *   require NAME VALUE       documentation of what the matrix needs
 *   SCENARIO[,SCENARIO...] OPTION...
 *                            a case line
 *
 * In a case line every option value may be a comma-separated list; the
 * line stands for the cross product of its lists (scenarios x targets x
 * strategies x sizes x threads x ...).  "--strategy all" is every
 * strategy.  Strategy options (--strategy, --max-order, --window,
 * --cache) only apply to faultline targets: for other targets they are
 * dropped and duplicate cases removed.  --label values are never split.
 */
#ifndef FL_MATRIX_H
#define FL_MATRIX_H

#include <stddef.h>

struct fl_mx_case {
	int line;
	char scen[32];
	int dargc;			/* defaults in force on that line */
	char **dargv;
	int argc;			/* the line's own options, expanded */
	char **argv;
	int multi;			/* line named several scenarios */
};

struct fl_matrix {
	struct fl_mx_case *cases;
	int n;
	int nlab;
	char **lab;			/* lab options, in order */
};

int fl_matrix_load(const char *path, struct fl_matrix *m, char *why,
		   size_t len);
int fl_matrix_parse(const char *text, const char *name, struct fl_matrix *m,
		    char *why, size_t len);
void fl_matrix_free(struct fl_matrix *m);

#endif /* FL_MATRIX_H */
