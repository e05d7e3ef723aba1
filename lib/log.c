/*
 * log.c - log lines on stderr.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

#define LOG_LINEMAX 2048

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char log_prog[64] = "pdc";
static enum pdc_loglevel log_min = PDC_LOG_INFO;
static char log_status[512];	/* the live line beneath the log, "" if none */

static const char *const level_names[] = {
	[PDC_LOG_DEBUG] = "DEBUG",
	[PDC_LOG_INFO] = "INFO",
	[PDC_LOG_WARNING] = "WARNING",
	[PDC_LOG_ERROR] = "ERROR",
};

static int
level_valid(enum pdc_loglevel level)
{
	return level >= PDC_LOG_DEBUG && level <= PDC_LOG_ERROR;
}

void
pdc_log_init(const char *prog, enum pdc_loglevel min)
{
	const char *env, *slash;
	size_t i;

	if (!level_valid(min))
		min = PDC_LOG_INFO;
	/* An unknown PDC_LOG_LEVEL is ignored: the library has nowhere to
	 * complain, and logging at the program's level is the safe reading. */
	if ((env = getenv("PDC_LOG_LEVEL")) != NULL) {
		for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
			if (strcasecmp(env, level_names[i]) == 0)
				min = (enum pdc_loglevel)i;
		if (strcasecmp(env, "warn") == 0)
			min = PDC_LOG_WARNING;
	}

	pthread_mutex_lock(&log_lock);
	if (prog != NULL && prog[0] != '\0') {
		/* Programs may pass argv[0]; the line wants the name only. */
		if ((slash = strrchr(prog, '/')) != NULL && slash[1] != '\0')
			prog = slash + 1;
		strlcpy(log_prog, prog, sizeof(log_prog));
	}
	log_min = min;
	pthread_mutex_unlock(&log_lock);
}

/* Write N bytes of BUF to stderr whole, or give up on an error. */
static void
write_all(const char *buf, size_t n)
{
	ssize_t w;

	for (size_t i = 0; i < n; i += (size_t)w) {
		w = write(STDERR_FILENO, buf + i, n - i);
		if (w == -1 && errno == EINTR) {
			w = 0;
			continue;
		}
		if (w <= 0)
			break;
	}
}

void
pdc_log_status(const char *line)
{
	char buf[sizeof(log_status) + 16];
	int saved_errno = errno, n;

	pthread_mutex_lock(&log_lock);
	if (line == NULL || line[0] == '\0') {
		/* \r, then erase the line */
		n = log_status[0] != '\0' ? snprintf(buf, sizeof(buf), "\r\033[K") : 0;
		log_status[0] = '\0';
	} else {
		strlcpy(log_status, line, sizeof(log_status));
		/* Drawn over the old line, then the old line's tail erased: no flicker. */
		n = snprintf(buf, sizeof(buf), "\r%s\033[K", log_status);
	}
	if (n > 0)
		write_all(buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	pthread_mutex_unlock(&log_lock);
	errno = saved_errno;
}

int
pdc_log_enabled(enum pdc_loglevel level)
{
	int on;

	pthread_mutex_lock(&log_lock);
	on = level_valid(level) && level >= log_min;
	pthread_mutex_unlock(&log_lock);
	return on;
}

void
pdc_log(enum pdc_loglevel level, const char *fmt, ...)
{
	char line[LOG_LINEMAX + sizeof(log_status) + 16], stamp[32];
	struct tm tm;
	time_t now;
	va_list ap;
	size_t n, head, i, max = LOG_LINEMAX;
	int saved_errno = errno, r;

	if (!level_valid(level))
		level = PDC_LOG_ERROR;

	now = time(NULL);
	if (gmtime_r(&now, &tm) == NULL ||
	    strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		strlcpy(stamp, "-", sizeof(stamp));

	pthread_mutex_lock(&log_lock);
	if (level < log_min) {
		pthread_mutex_unlock(&log_lock);
		errno = saved_errno;
		return;
	}
	/* Over a live line: go back to its start and erase it first. */
	head = 0;
	if (log_status[0] != '\0') {
		memcpy(line, "\r\033[K", 4);
		head = 4;
		max += head;
	}
	r = snprintf(line + head, max - head, "%s %s[%ld] %s - ", stamp, log_prog,
	    (long)getpid(), level_names[level]);
	head += r < 0 ? 0 : ((size_t)r < max - head ? (size_t)r : max - head - 1);

	va_start(ap, fmt);
	errno = saved_errno;
	r = vsnprintf(line + head, max - head, fmt, ap);
	va_end(ap);
	n = head + (r < 0 ? 0 : (size_t)r);
	if (n > max - 2) {
		/* Cut long messages visibly rather than silently. */
		n = max - 2;
		memcpy(line + n - 3, "...", 3);
	}
	/* One entry is one line, whatever the message held. */
	for (i = head; i < n; i++)
		if ((unsigned char)line[i] < 0x20 && line[i] != '\t')
			line[i] = ' ';
	line[n++] = '\n';
	/* ... and draw the live line again beneath it. */
	n += strlcpy(line + n, log_status, sizeof(line) - n);

	/* The lock keeps this process's threads whole even on a short write;
	 * a single write keeps other processes' lines apart on pipes and on
	 * O_APPEND files. */
	write_all(line, n);
	pthread_mutex_unlock(&log_lock);
	errno = saved_errno;
}
