/*
 * t_util - the sources' shared text helpers: money, decimals, dates, UTF-8,
 * URL encoding, error prefixes and record rollback.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "schema.h"
#include "sources/util.h"
#include "unit.h"

static void
money_ok(const char *in, const char *want)
{
	char buf[PDC_MONEY_MAX], name[96];

	snprintf(name, sizeof(name), "money \"%s\"", in);
	is_int(pdc_util_money(in, strlen(in), buf, sizeof(buf)), 0, name);
	is_str(buf, want, name);
}

static void
money_bad(const char *in)
{
	char buf[PDC_MONEY_MAX] = "junk", name[96];

	snprintf(name, sizeof(name), "money \"%s\" refused", in);
	is_int(pdc_util_money(in, strlen(in), buf, sizeof(buf)), -1, name);
	is_str(buf, "", name);
}

static void
test_money(void)
{
	money_ok("$1,234.56", "1234.56");
	money_ok("-$12.00", "-12.00");
	money_ok("$-12.00", "-12.00");
	money_ok("($12.00)", "-12.00");
	money_ok("( $1,000.10 )", "-1000.10");
	money_ok("$0.00", "0.00");
	money_ok("-$0.00", "0.00");
	money_ok("$617.28", "617.28");
	money_ok("  $2,006.19 \n", "2006.19");
	money_ok("1234.5", "1234.50");
	money_ok("$7", "7.00");
	money_ok("$.5", "0.50");
	money_ok("$12.", "12.00");
	money_ok("$1,234,567.89", "1234567.89");
	money_ok("$0001.00", "1.00");
	money_ok("+$3.10", "3.10");
	money_ok("$1.500", "1.50");
	money_ok("$999,999,999,999.99", "999999999999.99");
	money_bad("");
	money_bad("$");
	money_bad("-");
	money_bad("$1,23.00");
	money_bad("$12,34");
	money_bad("$,123");
	money_bad("$1.234");
	money_bad("$1.2.3");
	money_bad("$1 234.00");
	money_bad("--$1.00");
	money_bad("-$-1.00");
	money_bad("(-$1.00)");
	money_bad("USD 12.00");
	money_bad("$12.00 USD");
	money_bad("$1,000,000,000,000.00");
	money_bad("1e3");
	money_bad("N/A");

	/* a buffer too small is a refusal, never a cut number */
	{
		char small[5] = "x";

		is_int(pdc_util_money("$1,234.56", 9, small, sizeof(small)), -1, "money: small buffer");
		is_str(small, "", "money: small buffer left empty");
	}
	/* not NUL-terminated: the length counts */
	{
		char buf[PDC_MONEY_MAX];

		is_int(pdc_util_money("$12.345678", 6, buf, sizeof(buf)), 0, "money: length bounds it");
		is_str(buf, "12.34", "money: first six bytes");
	}
}

static void
test_decimal(void)
{
	char buf[64];
	const char *why = NULL;

	is_int(pdc_util_decimal("0.1500", 6, false, buf, sizeof(buf), &why), 0, "decimal 0.1500");
	is_str(buf, "0.1500", "decimal keeps its digits");
	is_int(pdc_util_decimal("415000.00", 9, true, buf, sizeof(buf), &why), 0, "whole 415000.00");
	is_str(buf, "415000", "whole drops zero cents");
	is_int(pdc_util_decimal("2262.5", 6, true, buf, sizeof(buf), &why), -1, "whole 2262.5");
	is_str(why, "is not a whole number", "why: a fraction");
	is_int(pdc_util_decimal("12x", 3, false, buf, sizeof(buf), &why), -1, "decimal 12x");
	is_str(why, "is not a number", "why: not a number");
	is_int(pdc_util_decimal("-0", 2, false, buf, sizeof(buf), &why), 0, "decimal -0");
	is_str(buf, "0", "minus zero is zero");
	is_int(pdc_util_decimal("1234567890123456789", 19, true, buf, sizeof(buf), &why), -1,
	    "whole: 19 digits");
	is_str(why, "is out of range", "why: range");
}

static void
date_ok(const char *in, const char *want)
{
	char buf[11], name[96];

	snprintf(name, sizeof(name), "date \"%s\"", in);
	is_int(pdc_util_date(in, strlen(in), buf, sizeof(buf)), 0, name);
	is_str(buf, want, name);
}

static void
date_bad(const char *in)
{
	char buf[11], name[96];

	snprintf(name, sizeof(name), "date \"%s\" refused", in);
	is_int(pdc_util_date(in, strlen(in), buf, sizeof(buf)), -1, name);
}

static void
test_date(void)
{
	date_ok("02/26/2018", "2018-02-26");
	date_ok("2/6/2018", "2018-02-06");
	date_ok("6-25-2015", "2015-06-25");
	date_ok("11-03-2009", "2009-11-03");
	date_ok("1-09-1998", "1998-01-09");
	date_ok("9-06-1951", "1951-09-06");
	date_ok("2018-02-26", "2018-02-26");
	date_ok("02/26/2018 12:00:00 AM", "2018-02-26");
	date_ok("2018-02-26T00:00:00", "2018-02-26");
	date_ok("6-25-2015 00:00", "2015-06-25");
	date_ok("2/29/2024", "2024-02-29");
	date_ok("2-29-2000", "2000-02-29");
	date_bad("2-29-1900");
	date_bad("2/29/2023");
	date_bad("02/30/2018");
	date_bad("13/01/2018");
	date_bad("6/25-2015");
	date_bad("6-25/2015");
	date_bad("6-25-15");
	date_bad("625-2015");
	date_bad("2015-6-25");
	date_bad("0-10-2015");
	date_bad("6-00-2015");
	date_bad("");
	date_bad("06/25/2015x");
}

static void
test_text(void)
{
	char buf[16], *e;
	const char *s = "  a b \r\n";
	size_t n = strlen(s);

	pdc_util_trim(&s, &n);
	ok(n == 3 && strncmp(s, "a b", 3) == 0, "trim both ends");
	ok(pdc_util_utf8_valid("NU\xc3\x91" "EZ", 6), "UTF-8 accepted");
	ok(!pdc_util_utf8_valid("AB\xff", 3), "a stray byte refused");
	ok(!pdc_util_utf8_valid("\xed\xa0\x80", 3), "a surrogate refused");
	ok(!pdc_util_utf8_valid("\xc0\xaf", 2), "an overlong form refused");
	ok(pdc_util_printable("ab\ncd", 5, buf, sizeof(buf)), "printable: all fit");
	is_str(buf, "ab?cd", "printable: control character shown as ?");
	ok(!pdc_util_printable("0123456789abcdefghij", 20, buf, sizeof(buf)), "printable: cut");
	is_str(buf, "0123456789abcde", "printable: as much as fits");

	e = pdc_util_urlencode("DOE JANE & CO/1~a.b_c-d");
	is_str(e, "DOE%20JANE%20%26%20CO%2F1~a.b_c-d", "urlencode");
	free(e);
	e = pdc_util_urlencode("\xc3\x91");
	is_str(e, "%C3%91", "urlencode UTF-8 bytes");
	free(e);
}

static void
test_err_and_rollback(void)
{
	struct pdc_err err;
	struct pdc_record rec;
	struct pdc_util_mark mark;
	char long_msg[600];

	pdc_err_set(&err, PDC_E_TRANSIENT, "http://x/: timed out");
	pdc_util_err_prefix(&err, "treasurer: ");
	is_str(err.msg, "treasurer: http://x/: timed out", "prefix");
	is_int(err.kind, PDC_E_TRANSIENT, "prefix keeps the kind");
	memset(long_msg, 'x', sizeof(long_msg) - 1);
	long_msg[sizeof(long_msg) - 1] = '\0';
	pdc_err_set(&err, PDC_E_PERMANENT, "%s", long_msg);
	pdc_util_err_prefix(&err, "recorder: ");
	ok(strncmp(err.msg, "recorder: xxx", 13) == 0 && strlen(err.msg) == sizeof(err.msg) - 1,
	    "a long message is cut at the end");

	pdc_record_init(&rec, "165-28-054");
	pdc_record_add(&rec, &pdc_tbl_sales);
	rec.parts = PDC_PART_BASIC;
	pdc_util_mark(&rec, &mark);
	pdc_record_add(&rec, &pdc_tbl_tax_bills);
	pdc_record_add(&rec, &pdc_tbl_tax_bills);
	rec.parts |= PDC_PART_TAX;
	pdc_util_rollback(&rec, &mark);
	is_int(rec.nrows, 1, "rollback drops the new rows");
	is_int(rec.parts, PDC_PART_BASIC, "rollback restores parts");
	is_int(rec.sets, 1u << pdc_schema_index(&pdc_tbl_sales), "rollback restores sets");
	pdc_record_release(&rec);
}

/* Buffers too small: cut and NUL-terminated as snprintf would, money and dates refused. */
static void
test_short_buffers(void)
{
	char buf[8], day[11];
	const char *why;

	memset(buf, 'x', sizeof(buf));
	is_int(pdc_util_decimal("-1234567890.5", 13, false, buf, 6, &why), 0, "decimal cut: 0");
	is_str(buf, "-1234", "decimal cut to the buffer");
	memset(buf, 'x', sizeof(buf));
	is_int(pdc_util_decimal("12", 2, true, buf, 3, &why), 0, "decimal that just fits");
	is_str(buf, "12", "decimal that just fits: whole");
	is_int(pdc_util_money("$1,234.56", 9, buf, 7), -1, "money one byte short refused");
	is_str(buf, "", "money refused: empty");
	is_int(pdc_util_money("$1,234.56", 9, buf, 8), 0, "money that just fits");
	is_str(buf, "1234.56", "money that just fits: whole");
	is_int(pdc_util_date("02/26/2018", 10, buf, 8), -1, "date in 8 bytes refused");
	is_int(pdc_util_date("7/4/0076", 8, day, sizeof(day)), 0, "date of a small year");
	is_str(day, "0076-07-04", "date of a small year: zero-padded");
}

int
main(void)
{
	test_money();
	test_decimal();
	test_date();
	test_short_buffers();
	test_text();
	test_err_and_rollback();
	return unit_done();
}
