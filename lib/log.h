/*
 * log.h - log lines on stderr, in the seed's words and levels.
 *
 *   2026-11-28T12:00:03Z pdc-worker[4242] INFO - Background data worker started
 *
 * Lines are written whole (one write per line) so threads and processes
 * sharing stderr do not interleave.  Never pass a secret (the assessor token,
 * a password in a URL) to these functions.
 */
#ifndef PDC_LOG_H
#define PDC_LOG_H

enum pdc_loglevel {
	PDC_LOG_DEBUG,
	PDC_LOG_INFO,
	PDC_LOG_WARNING,
	PDC_LOG_ERROR
};

/* Name the program and set the lowest level written (default INFO).
 * PDC_LOG_LEVEL=debug|info|warning|error in the environment overrides MIN. */
void pdc_log_init(const char *prog, enum pdc_loglevel min);

/* Write one line at LEVEL. */
void pdc_log(enum pdc_loglevel level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Nonzero when LEVEL would be written. */
int pdc_log_enabled(enum pdc_loglevel level);

#endif
