/*
 * backoff.h - when to try a failed job again.
 */
#ifndef PDC_BACKOFF_H
#define PDC_BACKOFF_H

#include <stdint.h>

/*
 * Seconds to wait before attempt ATTEMPT+1 after attempt ATTEMPT (1-based)
 * failed: full jitter, uniform in [0, min(CAP, BASE * 2^(ATTEMPT-1))], or
 * RETRY_AFTER when the server asked for longer.  STATE is the caller's
 * random state (any seed; updated).
 */
double pdc_backoff_delay(int attempt, double base, double cap, double retry_after,
    uint64_t *state);

/* A uniform double in [0, 1) from STATE (xorshift-style; not for secrets). */
double pdc_backoff_rand(uint64_t *state);

#endif
