/*
 * t_jobs.c - what the job-table commands accept before they reach the
 * database: ages, times, error patterns, state words.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "jobs.h"
#include "unit.h"

static double
age(const char *s)
{
	struct pdc_err err;
	double v = -1;

	return pdc_jobs_parse_age(s, &v, &err) == 0 ? v : -1;
}

/* S as a moment, or -1 when refused. */
static double
moment(const char *s)
{
	struct pdc_err err;
	double v = -1;

	return pdc_jobs_parse_time(s, &v, &err) == 0 ? v : -1;
}

int
main(void)
{
	struct pdc_err err;
	double now = (double)time(NULL), t;

	ok(age("90") == 90, "age: a bare number is seconds");
	ok(age("90s") == 90, "age: seconds");
	ok(age("30m") == 1800, "age: minutes");
	ok(age("2h") == 7200, "age: hours");
	ok(age("1.5d") == 129600, "age: a fraction of a day");
	ok(age("1w") == 604800, "age: a week");
	ok(age("") == -1, "age: empty is refused");
	ok(age("h") == -1, "age: a unit alone is refused");
	ok(age("-1h") == -1, "age: a negative age is refused");
	ok(age("3x") == -1, "age: an unknown unit is refused");
	ok(age("2hh") == -1, "age: trailing text is refused");
	ok(age("1e400h") == -1, "age: past what a double holds is refused");
	pdc_jobs_parse_age("soon", &t, &err);
	is_int(err.kind, PDC_E_INPUT, "age: a refusal is bad input");
	is_str(err.msg, "bad age \"soon\" (a number and s, m, h, d or w)", "age: the message names the value");

	ok(moment("2026-11-28") == 1795824000, "time: a date is its midnight, UTC");
	ok(moment("2026-11-28T12:30") == 1795824000 + 12 * 3600 + 30 * 60, "time: hours and minutes");
	ok(moment("2026-11-28T12:30:15Z") == 1795824000 + 12 * 3600 + 30 * 60 + 15, "time: seconds and Z");
	t = moment("2h");
	ok(t <= now - 7200 + 1 && t >= now - 7200 - 5, "time: an age is that long before now");
	ok(moment("2026-13-01") == -1, "time: month 13 is refused");
	ok(moment("2026-11-28T25:00") == -1, "time: hour 25 is refused");
	ok(moment("2026-11-28T12") == -1, "time: an hour without minutes is refused");
	ok(moment("2026-11-28 junk") == -1, "time: trailing text is refused");
	ok(moment("yesterday") == -1, "time: a word is refused");
	ok(moment("26-11-28") == -1, "time: a two-digit year is refused");

	ok(pdc_jobs_check_pattern("HTTP 5[0-9]{2}", &err) == 0, "pattern: an extended regular expression");
	ok(pdc_jobs_check_pattern("^treasurer: .*(503|timeout)$", &err) == 0, "pattern: anchors and alternation");
	ok(pdc_jobs_check_pattern("(unclosed", &err) == -1, "pattern: an open group is refused");
	is_int(err.kind, PDC_E_INPUT, "pattern: a refusal is bad input");
	ok(strncmp(err.msg, "bad pattern \"(unclosed\": ", 25) == 0, "pattern: the message names it");
	ok(pdc_jobs_check_pattern("[a", &err) == -1, "pattern: an open bracket is refused");

	ok(pdc_jobs_state_known("pending"), "state: pending");
	ok(pdc_jobs_state_known("retrying"), "state: retrying");
	ok(pdc_jobs_state_known("cancelled"), "state: cancelled");
	ok(!pdc_jobs_state_known("finished"), "state: finished is not one");
	ok(!pdc_jobs_state_known("Failed"), "state: words are lowercase");
	is_str(pdc_cancel_outcome_name(PDC_CANCEL_ACTIVE), "active", "cancel outcome: active");
	return unit_done();
}
