/*
 * facts.c - the assessor facts the treasurer and the recorder agree with,
 * from a generated parcel or a recorded /parcel body.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "countyd.h"

void
cd_facts_from_parcel(const struct cd_parcel *p, struct cd_facts *f)
{
	int n = 0;

	f->index = p->index;
	f->key = (uint64_t)p->index;
	cd_copy(f->apn, sizeof(f->apn), p->apn);
	cd_copy(f->bare, sizeof(f->bare), p->bare);
	cd_copy(f->owner, sizeof(f->owner), p->owner);
	cd_copy(f->mail[n++], sizeof(f->mail[0]), p->mail1);
	if (p->has_mail2)
		cd_copy(f->mail[n++], sizeof(f->mail[0]), p->mail2);
	snprintf(f->mail[n++], sizeof(f->mail[0]), "%s, %s %s", p->mail_city, p->mail_state,
	    p->mail_zip);
	if (strcmp(p->mail_country, "USA") != 0)
		cd_copy(f->mail[n++], sizeof(f->mail[0]), p->mail_country);
	for (int i = n; i < 4; i++)
		f->mail[i][0] = '\0';
	f->situs[0] = '\0';
	if (p->has_situs)
		snprintf(f->situs, sizeof(f->situs), "%s %s %s", p->situs, p->city, p->zip);
	cd_copy(f->tax_area, sizeof(f->tax_area), p->tax_area);
	for (int y = 0; y < CD_NYEARS; y++)
		f->alpv[y] = p->val[y].alpv;
	f->alpv_year = p->val[0].year;
	f->alpv_base = p->alpv_base;
	f->alpv_base_year = p->alpv_base_year;
	f->exempt = strcmp(p->use_code, "9060") == 0;
	cd_copy(f->deed, sizeof(f->deed), p->deed);
	f->deed_y = p->deed_y;
	f->deed_m = p->deed_m;
	f->deed_d = p->deed_d;
	cd_copy(f->deed_type, sizeof(f->deed_type), p->deed_type);
	f->has_price = p->has_sale;
	f->price = (double)p->sale_price;
}

/* --- from a recorded body --------------------------------------------- */

/* V's text, trimmed, into OUT; "" for null, "na" and blanks. */
static const char *
text(const cJSON *v, char *out, size_t sz)
{
	const char *s, *e;

	out[0] = '\0';
	if (cJSON_IsNumber(v)) {
		char num[32];

		snprintf(num, sizeof(num), "%.15g", v->valuedouble);
		cd_copy(out, sz, num);
		return out;
	}
	if (!cJSON_IsString(v) || (s = cJSON_GetStringValue(v)) == NULL)
		return out;
	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	if (e - s == 2 && s[0] == 'n' && s[1] == 'a')	/* as FORMATS.md spells it */
		return out;
	snprintf(out, sz, "%.*s", (int)(e - s), s);
	return out;
}

static const cJSON *
get(const cJSON *o, const char *k)
{
	return cJSON_GetObjectItemCaseSensitive(o, k);
}

int
cd_facts_from_json(const char *apn, long index, const char *json, size_t len,
    struct cd_facts *f)
{
	cJSON *p;
	const cJSON *o, *v;
	char a[128], b[128], c[128], street[128], city[64], zip[16], *end;
	int n = 0;

	memset(f, 0, sizeof(*f));
	f->index = index;
	f->key = cd_hash_bytes(0x7265636f72646572ULL, apn, strlen(apn));
	cd_copy(f->apn, sizeof(f->apn), apn);
	snprintf(f->bare, sizeof(f->bare), "%.3s%.2s%s", apn, apn + 4, apn + 7);
	for (int y = 0; y < CD_NYEARS; y++)
		f->alpv[y] = -1;
	f->alpv_year = CD_YEAR;
	p = cJSON_ParseWithLength(json, len);
	if (!cJSON_IsObject(p)) {
		cJSON_Delete(p);
		return -1;
	}
	o = get(p, "Owner");
	text(get(o, "Ownership"), f->owner, sizeof(f->owner));
	if (*text(get(o, "MailingAddress1"), a, sizeof(a)) != '\0')
		snprintf(f->mail[n++], sizeof(f->mail[0]), "%s", a);
	if (*text(get(o, "MailingAddress2"), a, sizeof(a)) != '\0')
		snprintf(f->mail[n++], sizeof(f->mail[0]), "%s", a);
	text(get(o, "MailingCity"), a, sizeof(a));
	text(get(o, "MailingState"), b, sizeof(b));
	text(get(o, "MailingZip"), c, sizeof(c));
	if (a[0] != '\0' || b[0] != '\0' || c[0] != '\0')
		snprintf(f->mail[n++], sizeof(f->mail[0]), "%.60s, %.20s %.30s", a, b, c);
	if (*text(get(o, "MailingCountry"), a, sizeof(a)) != '\0' && strcmp(a, "USA") != 0)
		snprintf(f->mail[n++], sizeof(f->mail[0]), "%s", a);
	text(get(p, "LocalJusidiction"), b, sizeof(b));
	if (cd_split_address(cJSON_GetStringValue(get(p, "PropertyAddress")), b, street,
	    sizeof(street), city, sizeof(city), zip, sizeof(zip)) == 0)
		snprintf(f->situs, sizeof(f->situs), "%.120s%s%.50s %.15s", street,
		    city[0] != '\0' ? " " : "", city, zip);
	text(get(p, "TaxAreaCode"), f->tax_area, sizeof(f->tax_area));
	cJSON_ArrayForEach(v, get(p, "Valuations")) {
		long year = strtol(text(get(v, "TaxYear"), a, sizeof(a)), NULL, 10);
		double lpv;

		text(get(v, "AssessedLPV"), b, sizeof(b));
		lpv = strtod(b, &end);
		if (year <= CD_YEAR && year > CD_YEAR - CD_NYEARS && end != b && lpv >= 0)
			f->alpv[CD_YEAR - year] = (long)lpv;
	}
	f->exempt = strcmp(text(get(p, "PropertyUseCode"), a, sizeof(a)), "9060") == 0;
	text(get(o, "MostCurrentDeed"), f->deed, sizeof(f->deed));
	text(get(o, "DeedDate"), a, sizeof(a));
	if (sscanf(a, "%d/%d/%d", &f->deed_m, &f->deed_d, &f->deed_y) != 3 ||
	    f->deed_m < 1 || f->deed_m > 12 || f->deed_d < 1 || f->deed_d > 31 ||
	    f->deed_y < 1900 || f->deed_y > 2100)
		f->deed_y = f->deed_m = f->deed_d = 0;
	text(get(o, "DeedType"), f->deed_type, sizeof(f->deed_type));
	text(get(o, "SalePrice"), a, sizeof(a));
	f->price = strtod(a, &end);
	f->has_price = a[0] != '\0' && *end == '\0' && isfinite(f->price);
	cJSON_Delete(p);
	return 0;
}
