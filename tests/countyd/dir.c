/*
 * dir.c - a county made of recorded responses: DIR/assessor-{apn}-{part}.json.
 *
 * Bodies are served as recorded, byte for byte, read at each request so that
 * a test may add or change a file while countyd runs.  Only the APN list and
 * the search fields are read at start-up.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "countyd.h"

#define MAX_BODY (64L * 1024 * 1024)	/* a recorded body larger than this is a mistake */

static const char *const parts[] = {
	"parcel", "propertyinfo", "address", "valuations", "residential-details",
	"owner-details",
};

/* The APN in a file name "assessor-{apn}-{part}.json", or -1. */
static int
name_apn(const char *name, char out[CD_APN_MAX])
{
	size_t n = strlen(name), pre = strlen("assessor-");

	if (n < pre + 5 || strncmp(name, "assessor-", pre) != 0 ||
	    strcmp(name + n - 5, ".json") != 0)
		return -1;
	n -= 5;
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		size_t pl = strlen(parts[i]);

		if (n > pre + pl + 1 && name[n - pl - 1] == '-' &&
		    strncmp(name + n - pl, parts[i], pl) == 0)
			return cd_apn_parse(name + pre, n - pl - 1 - pre, out);
	}
	return -1;
}

static int
cmp_parcel(const void *a, const void *b)
{
	return strcmp(((const struct cd_dirparcel *)a)->apn,
	    ((const struct cd_dirparcel *)b)->apn);
}

static char *
dup_field(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (cJSON_IsString(v))
		return strdup(cJSON_GetStringValue(v));
	if (cJSON_IsNumber(v)) {
		char tmp[32];

		snprintf(tmp, sizeof(tmp), "%.0f", v->valuedouble);
		return strdup(tmp);
	}
	return NULL;
}

static int
load_fields(struct cd_dir *d, struct cd_dirparcel *p, long index)
{
	size_t len;
	char *body = cd_dir_read(d, p->apn, "parcel", &len);
	cJSON *j, *owner;
	char *juris;

	/* the treasurer and recorder facts are read once, here */
	if ((p->facts = malloc(sizeof(*p->facts))) == NULL) {
		free(body);
		return -1;
	}
	cd_facts_from_json(p->apn, index, body != NULL ? body : "", body != NULL ? len : 0,
	    p->facts);
	if (body == NULL)
		return 0;
	j = cJSON_ParseWithLength(body, len);
	free(body);
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return 0;
	}
	owner = cJSON_GetObjectItemCaseSensitive(j, "Owner");
	p->owner = dup_field(owner, "Ownership");
	p->address = dup_field(j, "PropertyAddress");
	p->mcr = dup_field(j, "MCR");
	p->type = dup_field(j, "PropertyType");
	p->subdivision = dup_field(j, "SubdivisionName");
	p->str = dup_field(j, "SectionTownshipRange");
	juris = dup_field(j, "LocalJusidiction");
	cd_split_address(p->address, juris, p->situs, sizeof(p->situs), p->city,
	    sizeof(p->city), p->zip, sizeof(p->zip));
	free(juris);
	cJSON_Delete(j);
	return 0;
}

int
cd_dir_load(struct cd_dir *d, const char *path, char *err, size_t errsz)
{
	DIR *dp;
	struct dirent *de;
	size_t cap = 0;
	long n = 0;

	memset(d, 0, sizeof(*d));
	if ((dp = opendir(path)) == NULL) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	if ((d->path = strdup(path)) == NULL)
		goto oom;
	while ((de = readdir(dp)) != NULL) {
		char apn[CD_APN_MAX];

		if (name_apn(de->d_name, apn) == -1)
			continue;
		if ((size_t)n == cap) {
			size_t ncap = cap == 0 ? 16 : cap * 2;
			struct cd_dirparcel *np = reallocarray(d->p, ncap, sizeof(*np));

			if (np == NULL)
				goto oom;
			d->p = np;
			cap = ncap;
		}
		memset(&d->p[n], 0, sizeof(d->p[n]));
		snprintf(d->p[n].apn, sizeof(d->p[n].apn), "%s", apn);
		n++;
	}
	closedir(dp);
	dp = NULL;
	if (n > 0)
		qsort(d->p, (size_t)n, sizeof(*d->p), cmp_parcel);
	/* one entry per APN, however many parts were recorded */
	long u = 0;

	for (long i = 0; i < n; i++)
		if (u == 0 || strcmp(d->p[u - 1].apn, d->p[i].apn) != 0)
			d->p[u++] = d->p[i];
	d->n = u;
	for (long i = 0; i < d->n; i++)
		if (load_fields(d, &d->p[i], i) == -1)
			goto oom;
	return 0;
oom:
	if (dp != NULL)
		closedir(dp);
	snprintf(err, errsz, "%s: out of memory", path);
	cd_dir_release(d);
	return -1;
}

void
cd_dir_release(struct cd_dir *d)
{
	for (long i = 0; i < d->n; i++) {
		free(d->p[i].owner);
		free(d->p[i].address);
		free(d->p[i].mcr);
		free(d->p[i].type);
		free(d->p[i].subdivision);
		free(d->p[i].str);
		free(d->p[i].facts);
	}
	free(d->p);
	free(d->path);
	memset(d, 0, sizeof(*d));
}

long
cd_dir_lookup(const struct cd_dir *d, const char *canon)
{
	long lo = 0, hi = d->n - 1;

	while (lo <= hi) {
		long mid = lo + (hi - lo) / 2;
		int c = strcmp(d->p[mid].apn, canon);

		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

void
cd_dir_row(const struct cd_dir *d, long i, struct cd_row *r)
{
	const struct cd_dirparcel *p = &d->p[i];

	memset(r, 0, sizeof(*r));
	snprintf(r->apn, sizeof(r->apn), "%s", p->apn);
	r->mcr = p->mcr;
	r->owner = p->owner;
	r->situs = p->situs[0] != '\0' ? p->situs : NULL;
	r->city = p->city[0] != '\0' ? p->city : NULL;
	r->zip = p->zip[0] != '\0' ? p->zip : NULL;
	r->type = p->type;
	r->subdivision = p->subdivision;
	r->str = p->str;
}

char *
cd_dir_read(const struct cd_dir *d, const char *canon, const char *part, size_t *len)
{
	char path[4096];
	struct stat st;
	char *buf = NULL;
	size_t got = 0;
	int fd;

	if (snprintf(path, sizeof(path), "%s/assessor-%s-%s.json", d->path, canon,
	    part) >= (int)sizeof(path))
		return NULL;
	if ((fd = open(path, O_RDONLY)) == -1)
		return NULL;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) || st.st_size > MAX_BODY)
		goto fail;
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL)
		goto fail;
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);

		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			goto fail;
		got += (size_t)r;
	}
	close(fd);
	buf[got] = '\0';
	*len = got;
	return buf;
fail:
	free(buf);
	close(fd);
	return NULL;
}
