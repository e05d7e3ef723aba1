/*
 * clock.h - the one clock pdc measures intervals with.
 *
 * Timeouts, rate-limit slots, pool waits and durations are all differences
 * of this clock: monotonic, so a change of the wall clock (NTP, an operator)
 * neither stretches nor cuts them.
 */
#ifndef PDC_CLOCK_H
#define PDC_CLOCK_H

/* Seconds on the monotonic clock, from an arbitrary start. */
double pdc_clock_mono(void);

#endif
