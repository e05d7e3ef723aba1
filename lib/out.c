#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "out.h"

struct pdc_out {
	FILE *fp;
	enum pdc_outfmt fmt;
	bool header;		/* the table's, still to print */
	bool paint;
	const struct pdc_out_col *cols;
	size_t ncols;
	int *width;		/* table: widest cell so far, per column */
	char **held;		/* table: ncols cells per held row */
	size_t nheld, capheld;
};

/* Characters on the screen, not bytes: UTF-8 continuation bytes take no column. */
static int
display_width(const char *s)
{
	int w = 0;

	for (; *s != '\0'; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

/* The number of bytes of S that fill at most MAX columns, not splitting a character. */
static size_t
cut_at(const char *s, int max)
{
	size_t i = 0;
	int w = 0;

	for (; s[i] != '\0'; i++) {
		if (((unsigned char)s[i] & 0xc0) != 0x80 && w++ == max)
			break;
	}
	return i;
}

struct pdc_out *
pdc_out_new(FILE *fp, enum pdc_outfmt fmt, bool header, const struct pdc_out_col *cols, size_t ncols)
{
	struct pdc_out *o = calloc(1, sizeof(*o));

	if (o == NULL)
		return NULL;
	if ((o->width = calloc(ncols, sizeof(*o->width))) == NULL) {
		free(o);
		return NULL;
	}
	o->fp = fp;
	o->fmt = fmt;
	o->cols = cols;
	o->ncols = ncols;
	o->header = fmt == PDC_OUT_TABLE;
	o->paint = fmt == PDC_OUT_TABLE && pdc_cli_color(fp);
	for (size_t i = 0; i < ncols; i++)
		o->width[i] = display_width(cols[i].name);
	/* Even with no rows to follow, a script reading the header gets it. */
	if (fmt == PDC_OUT_TSV && header)
		for (size_t i = 0; i < ncols; i++)
			fprintf(fp, "%s%s", cols[i].name, i + 1 < ncols ? "\t" : "\n");
	return o;
}

static void
tsv_cell(FILE *fp, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		switch (*s) {
		case '\t': fputs("\\t", fp); break;
		case '\n': fputs("\\n", fp); break;
		case '\r': fputs("\\r", fp); break;
		case '\\': fputs("\\\\", fp); break;
		default: putc(*s, fp);
		}
	}
}

static cJSON *
json_cell(const struct pdc_out_col *col, const char *s)
{
	char *end;
	double v;

	if (s == NULL)
		return cJSON_CreateNull();
	if (col->kind == PDC_OUT_NUM && *s != '\0' && !isspace((unsigned char)*s)) {
		v = strtod(s, &end);
		if (*end == '\0')
			return cJSON_CreateNumber(v);
	}
	return cJSON_CreateString(s);
}

static int
json_row(struct pdc_out *o, const char *const *cells)
{
	cJSON *obj = cJSON_CreateObject();
	char *line;

	if (obj == NULL)
		return -1;
	for (size_t i = 0; i < o->ncols; i++) {
		cJSON *v = json_cell(&o->cols[i], cells[i]);

		if (v == NULL || !cJSON_AddItemToObject(obj, o->cols[i].name, v)) {
			cJSON_Delete(v);
			cJSON_Delete(obj);
			return -1;
		}
	}
	line = cJSON_PrintUnformatted(obj);
	cJSON_Delete(obj);
	if (line == NULL)
		return -1;
	fputs(line, o->fp);
	putc('\n', o->fp);
	cJSON_free(line);
	return 0;
}

int
pdc_out_row(struct pdc_out *o, const char *const *cells)
{
	if (o->fmt == PDC_OUT_JSON)
		return json_row(o, cells);
	if (o->fmt == PDC_OUT_TSV) {
		for (size_t i = 0; i < o->ncols; i++) {
			if (i)
				putc('\t', o->fp);
			tsv_cell(o->fp, cells[i]);
		}
		putc('\n', o->fp);
		return 0;
	}
	if (o->nheld == o->capheld) {
		size_t nc = o->capheld ? o->capheld * 2 : 32;
		char **nh = reallocarray(o->held, nc * o->ncols, sizeof(*nh));

		if (nh == NULL)
			return -1;
		o->held = nh;
		o->capheld = nc;
	}
	char **row = o->held + o->nheld * o->ncols;
	for (size_t i = 0; i < o->ncols; i++) {
		const char *s = cells[i] != NULL ? cells[i] : "-";
		char *c = strdup(s);
		int w;

		if (c == NULL) {
			while (i-- > 0)
				free(row[i]);
			return -1;
		}
		/* A table cell is one line. */
		for (char *p = c; *p != '\0'; p++)
			if (*p == '\t' || *p == '\n' || *p == '\r')
				*p = ' ';
		if (o->cols[i].maxwidth > 0)
			c[cut_at(c, o->cols[i].maxwidth)] = '\0';
		row[i] = c;
		if ((w = display_width(c)) > o->width[i])
			o->width[i] = w;
	}
	o->nheld++;
	return 0;
}

static void
table_line(struct pdc_out *o, const char *const *cells, bool is_header)
{
	for (size_t i = 0; i < o->ncols; i++) {
		const char *c = cells[i];
		const char *sgr = o->paint && !is_header && o->cols[i].kind == PDC_OUT_STATE ?
		    pdc_out_state_color(c) : NULL;
		bool last = i + 1 == o->ncols;
		int pad = o->width[i] - display_width(c);

		if (i)
			fputs("  ", o->fp);
		if (o->cols[i].kind == PDC_OUT_NUM && !last) {
			fprintf(o->fp, "%*s", pad, "");
			pad = 0;
		}
		if (sgr != NULL)
			fprintf(o->fp, "\033[%sm%s\033[0m", sgr, c);
		else
			fputs(c, o->fp);
		if (!last)
			fprintf(o->fp, "%*s", pad, "");
	}
	putc('\n', o->fp);
}

void
pdc_out_flush(struct pdc_out *o)
{
	if (o == NULL)
		return;
	if (o->fmt == PDC_OUT_TABLE && o->nheld > 0) {
		if (o->header) {
			const char **names = calloc(o->ncols, sizeof(*names));
			char (*upper)[64] = calloc(o->ncols, sizeof(*upper));

			if (names != NULL && upper != NULL) {
				for (size_t i = 0; i < o->ncols; i++) {
					size_t j;

					for (j = 0; o->cols[i].name[j] != '\0' && j + 1 < sizeof(upper[i]); j++)
						upper[i][j] = (char)toupper((unsigned char)o->cols[i].name[j]);
					upper[i][j] = '\0';
					names[i] = upper[i];
				}
				table_line(o, names, true);
			}
			free(names);
			free(upper);
			o->header = false;
		}
		for (size_t r = 0; r < o->nheld; r++) {
			char **row = o->held + r * o->ncols;

			table_line(o, (const char *const *)row, false);
			for (size_t i = 0; i < o->ncols; i++)
				free(row[i]);
		}
		o->nheld = 0;
	}
	fflush(o->fp);
}

void
pdc_out_free(struct pdc_out *o)
{
	if (o == NULL)
		return;
	pdc_out_flush(o);
	free(o->held);
	free(o->width);
	free(o);
}

const char *
pdc_out_state_color(const char *word)
{
	static const struct { const char *word, *sgr; } map[] = {
		{ "complete", "32" }, { "completed", "32" }, { "queued", "32" }, { "raised", "32" },
		{ "ok", "32" },
		{ "failed", "31" }, { "bad", "31" }, { "paused", "31" },
		{ "changed", "31" }, { "unauthorized", "31" }, { "disallowed", "31" }, { "unreachable", "31" },
		{ "pending", "33" }, { "stale", "33" }, { "open", "33" }, { "slowed", "33" },
		{ "unchecked", "33" },
		{ "active", "36" },
		{ "cancelled", "2" }, { "fresh", "2" },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(word, map[i].word) == 0)
			return map[i].sgr;
	return NULL;
}
