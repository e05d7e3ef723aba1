/*
 * backoff.c - when to try a failed job again.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>

#include "backoff.h"

/*
 * splitmix64: every seed, zero included, gives a full-period sequence, so
 * callers may seed with anything (a pid, a time, a job id).
 */
double
pdc_backoff_rand(uint64_t *state)
{
	uint64_t z;

	z = (*state += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	z ^= z >> 31;
	/* The top 53 bits fill a double's mantissa exactly: [0, 1). */
	return (double)(z >> 11) * 0x1.0p-53;
}

double
pdc_backoff_delay(int attempt, double base, double cap, double retry_after,
    uint64_t *state)
{
	double ceiling, delay;

	/* Nonsense from a config or a header must not become a negative or
	 * NaN wait. */
	if (!(base > 0))
		base = 0;
	if (!(cap >= 0))
		cap = 0;
	else if (isinf(cap))
		cap = DBL_MAX;	/* "no cap", but rand * inf could be NaN */
	if (attempt < 1)
		attempt = 1;
	/* 2^1023 is the largest finite power; past it any base has long
	 * reached any cap, and ldexp must not be asked for infinity. */
	if (attempt - 1 > 1023)
		ceiling = cap;
	else {
		ceiling = ldexp(base, attempt - 1);
		if (!isfinite(ceiling) || ceiling > cap)
			ceiling = cap;
	}
	/* Draw even when Retry-After wins, so one seed gives one sequence. */
	delay = pdc_backoff_rand(state) * ceiling;
	if (isfinite(retry_after) && retry_after > delay)
		delay = retry_after;
	return delay;
}
