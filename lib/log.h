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

/*
 * Keep LINE drawn on the terminal's last line, beneath the log lines (a
 * live progress line); NULL or "" takes it away.  While it is there, each
 * log line clears it, is written, and draws it again, in the same write.
 * Only for a stderr that is a terminal; the caller keeps LINE within the
 * terminal's width and free of control characters.
 */
void pdc_log_status(const char *line);

/* Nonzero when LEVEL would be written. */
int pdc_log_enabled(enum pdc_loglevel level);

#endif
