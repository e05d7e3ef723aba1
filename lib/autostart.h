/*
 * autostart.h - starting a worker when nobody is collecting.
 *
 * auto_start_collection: a program that has just queued work, and finds no
 * worker alive, starts `pdc-worker --drain` from its own directory, detached
 * (a session of its own, no terminal), with its output appended to
 * $XDG_STATE_HOME/pdc/worker.log (~/.local/state/pdc/worker.log).  The
 * worker leaves when the queue is drained.
 */
#ifndef PDC_AUTOSTART_H
#define PDC_AUTOSTART_H

#include <stddef.h>

#include "db.h"

/*
 * Start a draining worker unless one is alive (asked on C).  Returns 1 when
 * one was started, with the log file's path in LOG (LEN bytes); 0 when none
 * was: a worker is alive, liveness could not be read, or the program or a
 * process could not be found or made.  Starting is a convenience, never the
 * caller's failure, so there is no error to report.  The caller waits only
 * for the intermediate child, never for the worker.
 */
int pdc_autostart_worker(struct pdc_conn *c, char *log, size_t len);

#endif
