/*
 * apn.c - Maricopa County parcel numbers.
 */
#include <stddef.h>
#include <string.h>

#include "apn.h"

static int
isblank_c(char c)
{
	return c == ' ' || c == '\t';
}

static int
isdigit_c(char c)
{
	return c >= '0' && c <= '9';
}

static int
isalpha_c(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int
issep(char c)
{
	return c == '-' || c == ' ' || c == '.';
}

/* Copy N digits from *P to *O, advancing both; 0 if one is not a digit. */
static int
digits(const char **p, const char *end, char **o, size_t n)
{
	while (n-- > 0) {
		if (*p >= end || !isdigit_c(**p))
			return 0;
		*(*o)++ = *(*p)++;
	}
	return 1;
}

int
pdc_apn_parse(const char *s, size_t len, char out[PDC_APN_MAX])
{
	const char *p, *end;
	char buf[PDC_APN_MAX], *o = buf;
	char sep1 = 0, sep2 = 0;

	if (out != NULL)
		out[0] = '\0';
	if (s == NULL)
		return -1;
	/* A NUL inside would make the C string a caller prints differ from
	 * what was judged here. */
	if (memchr(s, '\0', len) != NULL)
		return -1;

	p = s;
	end = s + len;
	while (p < end && isblank_c(*p))
		p++;
	while (end > p && isblank_c(end[-1]))
		end--;
	/* "16528054" is the shortest spelling, "165-28-054A" the longest. */
	if (end - p < 8 || end - p > 11)
		return -1;

	if (!digits(&p, end, &o, 3))
		return -1;
	if (p < end && issep(*p))
		sep1 = *p++;
	*o++ = '-';
	if (!digits(&p, end, &o, 2))
		return -1;
	if (p < end && issep(*p))
		sep2 = *p++;
	/* "165-28054" or "165-28.054" is more likely a typo than a parcel. */
	if (sep1 != sep2)
		return -1;
	*o++ = '-';
	if (!digits(&p, end, &o, 3))
		return -1;
	if (p < end && isalpha_c(*p)) {
		char c = *p++;

		*o++ = (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
	}
	if (p != end)
		return -1;
	*o = '\0';
	if (out != NULL)
		memcpy(out, buf, (size_t)(o - buf) + 1);
	return 0;
}

void
pdc_apn_bare(const char *canon, char out[PDC_APN_MAX])
{
	size_t i, n = 0;

	for (i = 0; canon[i] != '\0' && n < PDC_APN_MAX - 1; i++)
		if (canon[i] != '-')
			out[n++] = canon[i];
	out[n] = '\0';
}
