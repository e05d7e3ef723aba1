/*
 * t_backoff.c - retry delays: bounds, cap, Retry-After, determinism.
 */
#include <math.h>
#include <stdint.h>

#include "backoff.h"
#include "unit.h"

#define DRAWS 100000

int
main(void)
{
	uint64_t st, st2;
	double d, lo, hi, sum, ceiling;
	int i, attempt, inrange, big, buckets[10];

	/* pdc_backoff_rand: [0, 1), roughly uniform, for several seeds
	 * including 0 (a plain xorshift would be stuck at 0 there). */
	for (st = 0; st < 3; st++) {
		uint64_t s = st;

		inrange = 1;
		for (i = 0; i < 10; i++)
			buckets[i] = 0;
		for (i = 0; i < DRAWS; i++) {
			d = pdc_backoff_rand(&s);
			if (!(d >= 0 && d < 1))
				inrange = 0;
			else
				buckets[(int)(d * 10)]++;
		}
		ok(inrange, "rand stays in [0, 1)");
		big = 1;
		for (i = 0; i < 10; i++)
			if (buckets[i] < DRAWS / 10 * 9 / 10 || buckets[i] > DRAWS / 10 * 11 / 10)
				big = 0;
		ok(big, "rand fills each tenth of [0, 1) within 10%");
	}

	/* Full jitter: every attempt's delay within [0, min(cap, base*2^(n-1))],
	 * and spread over that range rather than pinned to an end. */
	for (attempt = 1; attempt <= 12; attempt++) {
		ceiling = fmin(300, 2 * pow(2, attempt - 1));
		st = 42;
		lo = INFINITY;
		hi = -1;
		sum = 0;
		inrange = 1;
		for (i = 0; i < DRAWS / 10; i++) {
			d = pdc_backoff_delay(attempt, 2, 300, 0, &st);
			if (!(d >= 0 && d <= ceiling))
				inrange = 0;
			lo = fmin(lo, d);
			hi = fmax(hi, d);
			sum += d;
		}
		ok(inrange, "delay within [0, min(cap, base * 2^(attempt-1))]");
		ok(lo < ceiling * 0.01 && hi > ceiling * 0.99, "delay covers the whole range");
		ok(fabs(sum / (DRAWS / 10) - ceiling / 2) < ceiling * 0.02,
		    "mean delay is half the ceiling");
	}

	/* The cap holds for big attempts, and nothing overflows. */
	st = 7;
	inrange = 1;
	for (attempt = 10; attempt <= 2000; attempt++) {
		d = pdc_backoff_delay(attempt, 2, 600, 0, &st);
		if (!(isfinite(d) && d >= 0 && d <= 600))
			inrange = 0;
	}
	ok(inrange, "attempts 10..2000 stay within the cap");
	d = pdc_backoff_delay(1000, 2, 600, 0, &st);
	ok(isfinite(d) && d >= 0 && d <= 600, "attempt 1000: finite, within the cap");
	d = pdc_backoff_delay(INT32_MAX, 1e300, 600, 0, &st);
	ok(isfinite(d) && d >= 0 && d <= 600, "attempt INT_MAX with a huge base: within the cap");
	d = pdc_backoff_delay(1000, 2, INFINITY, 0, &st);
	ok(isfinite(d) && d >= 0, "no cap at attempt 1000: finite");

	/* attempt < 1 is the first attempt: at most BASE. */
	st = 9;
	inrange = 1;
	for (i = 0; i < 1000; i++) {
		d = pdc_backoff_delay(i % 2 ? 0 : -5, 3, 300, 0, &st);
		if (!(d >= 0 && d <= 3))
			inrange = 0;
	}
	ok(inrange, "attempt 0 and negative behave as attempt 1");

	/* Nonsense inputs give a sane wait, not NaN or a negative. */
	st = 1;
	d = pdc_backoff_delay(3, NAN, 300, 0, &st);
	ok(d == 0, "NaN base waits 0");
	d = pdc_backoff_delay(3, 2, -1, 0, &st);
	ok(d == 0, "negative cap waits 0");
	d = pdc_backoff_delay(3, 2, 300, NAN, &st);
	ok(d >= 0 && d <= 8, "NaN Retry-After is ignored");

	/* Retry-After wins when longer, even beyond the cap; not when shorter. */
	st = 3;
	d = pdc_backoff_delay(1, 2, 300, 30, &st);
	is_int((long long)d, 30, "Retry-After 30 beats a 2 s ceiling");
	d = pdc_backoff_delay(1, 2, 10, 120, &st);
	is_int((long long)d, 120, "Retry-After 120 is honoured past a 10 s cap");
	inrange = 1;
	for (i = 0; i < 1000; i++) {
		d = pdc_backoff_delay(10, 2, 300, 0.001, &st);
		if (d < 0.001)
			inrange = 0;
	}
	ok(inrange, "delay is never shorter than Retry-After");
	big = 0;
	for (i = 0; i < 1000; i++)
		if (pdc_backoff_delay(10, 2, 300, 0.001, &st) > 1)
			big++;
	ok(big > 900, "a short Retry-After does not replace the backoff");

	/* One seed, one sequence; another seed, another. */
	st = 12345;
	st2 = 12345;
	big = 1;
	for (i = 0; i < 100; i++)
		if (pdc_backoff_delay(i % 8 + 1, 1, 60, 0, &st) !=
		    pdc_backoff_delay(i % 8 + 1, 1, 60, 0, &st2))
			big = 0;
	ok(big, "same seed gives the same delays");
	ok(st == st2, "same seed leaves the same state");
	st = 1;
	st2 = 2;
	ok(pdc_backoff_rand(&st) != pdc_backoff_rand(&st2), "different seeds differ");
	st = 5;
	st2 = 5;
	(void)pdc_backoff_delay(1, 2, 300, 1000, &st);
	(void)pdc_backoff_rand(&st2);
	ok(st == st2, "a Retry-After win still consumes one draw");

	return unit_done();
}
