-- pgbench: one job claimed and finished with single-job statements, the
-- claim and the finish pdc's queue runs (lib/queue.c), each in its own commit.
WITH c AS (
  SELECT id FROM jobs WHERE state = 'pending' AND run_after <= now()
  ORDER BY priority, run_after, id LIMIT 1 FOR UPDATE SKIP LOCKED),
 u AS (
  UPDATE jobs j SET state = 'active', attempts = j.attempts + 1,
  lease_until = now() + make_interval(secs => 300), lease_token = nextval('jobs_lease_seq'),
  worker = 'pgbench', started_at = now()
  FROM c WHERE j.id = c.id
  RETURNING j.id, j.apn, j.priority, j.attempts, j.max_attempts, j.lease_token),
 s AS (
  INSERT INTO data_collection_status (apn, status, started_at)
  SELECT apn, 'active', localtimestamp FROM u
  ON CONFLICT (apn) DO UPDATE SET status = 'active', started_at = EXCLUDED.started_at)
SELECT id, lease_token AS tok FROM u ORDER BY priority, id
\gset
WITH u AS (
  UPDATE jobs SET state = 'completed', finished_at = now(), lease_until = NULL,
  duration_ms = 1, parts = 1, last_error = NULL
  WHERE id = :id AND lease_token = :tok AND state = 'active' RETURNING apn),
 s AS (
  INSERT INTO data_collection_status (apn, status, completed_at, error_message)
  SELECT apn, 'completed', localtimestamp, NULL FROM u
  ON CONFLICT (apn) DO UPDATE SET status = 'completed', completed_at = EXCLUDED.completed_at,
  error_message = NULL),
 n AS (SELECT pg_notify('pdc_done', apn) FROM u)
SELECT apn, (SELECT count(*) FROM n) FROM u;
