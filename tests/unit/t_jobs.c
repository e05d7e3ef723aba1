/*
 * t_jobs.c - what the job-table commands accept before they reach the
 * database: ages, times, error patterns, state words; and a cancel or
 * retry run's outcomes for inputs that never reach it.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "jobs.h"
#include "unit.h"

struct seen {
	char row[8][80];
	int n, batches;
};

static int
outcome(void *arg, const char *what, const char *result, struct pdc_err *err)
{
	struct seen *s = arg;

	if (s->n < 8)
		snprintf(s->row[s->n], sizeof(s->row[0]), "%s %s", what, result);
	s->n++;
	return 0;
}

static void
batch_done(void *arg)
{
	((struct seen *)arg)->batches++;
}

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
	ok(age("1e3h") == -1, "age: an exponent is refused");
	ok(age("0x10") == -1, "age: a hexadecimal number is refused");
	ok(age("nan") == -1, "age: nan is refused");
	ok(age(".5h") == -1, "age: a fraction needs its whole part");
	ok(age("5.h") == -1, "age: a point needs its digits");
	ok(age("36500d") == 36500 * 86400.0, "age: a hundred years");
	ok(age("99999999999999999999d") == -1, "age: past a hundred years is refused");
	pdc_jobs_parse_age("999999w", &t, &err);
	is_str(err.msg, "bad age \"999999w\" (over 100 years)", "age: the message says why");
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
	ok(moment("2026-02-31") == -1, "time: February 31 is refused, not taken for March 3");
	ok(moment("2026-04-31T10:00") == -1, "time: April 31 is refused");
	ok(moment("2028-02-29") == 1835395200, "time: February 29 of a leap year");
	ok(moment("2027-02-29") == -1, "time: February 29 of another year is refused");

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

	/* A run with no connection: every input below is bad or skipped, so nothing is sent. */
	{
		struct seen seen = { .n = 0 };
		struct pdc_jobs_run_opts o = { .action = PDC_JOBS_CANCEL, .priority = -1,
		    .outcome = outcome, .batch_done = batch_done, .arg = &seen };
		struct pdc_jobs_run *r = pdc_jobs_run_new(NULL, &o, &err);
		struct pdc_err why;
		long done, left, bad;

		ok(r != NULL, "run: new");
		is_int(pdc_jobs_run_add(r, "", 0, false, &why, &err), PDC_ENQUEUE_SKIPPED, "run: a blank line is skipped");
		is_int(pdc_jobs_run_add(r, "# x", 3, false, &why, &err), PDC_ENQUEUE_SKIPPED, "run: a comment is skipped");
		is_int(pdc_jobs_run_add(r, "", 0, true, &why, &err), PDC_ENQUEUE_REFUSED, "run: an empty argument is refused");
		is_str(why.msg, "bad APN \"\"", "run: its reason");
		is_int(pdc_jobs_run_add(r, "165-28-05\tpending", 17, false, &why, &err), PDC_ENQUEUE_REFUSED,
		    "run: a short APN is refused");
		is_str(why.msg, "bad APN \"165-28-05\"", "run: the reason names it");
		is_int(pdc_jobs_run_add(r, "{\"apn\": 7}", 10, false, &why, &err), PDC_ENQUEUE_REFUSED,
		    "run: a JSON line without a string apn is refused");
		is_int(seen.n, 0, "run: outcomes wait for their batch");
		is_int(pdc_jobs_run_finish(r, &err), 0, "run: finish");
		is_int(seen.n, 3, "run: an outcome per input taken or refused");
		is_str(seen.row[0], " bad", "run: the empty argument, first");
		is_str(seen.row[1], "165-28-05 bad", "run: the TSV line's first field");
		is_str(seen.row[2], "{\"apn\": 7} bad", "run: the JSON line as it came");
		is_int(seen.batches, 1, "run: one batch");
		pdc_jobs_run_counts(r, &done, &left, &bad);
		is_int(bad, 3, "run: three bad");
		is_int(done + left, 0, "run: nothing done");
		is_int(pdc_jobs_run_finish(r, &err), 0, "run: finishing again sends nothing");
		is_int(seen.batches, 1, "run: and delivers nothing");
		pdc_jobs_run_free(r);
		pdc_jobs_run_free(NULL);
	}
	return unit_done();
}
