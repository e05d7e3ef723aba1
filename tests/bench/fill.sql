-- Top the queue up to :want pending jobs at normal priority, with canonical
-- APNs never used before: numbered past the highest job id, which no earlier
-- APN's number exceeds.
INSERT INTO jobs (apn, priority)
SELECT regexp_replace(lpad((b.base + g)::text, 8, '0'), '^(...)(..)(...)$', '\1-\2-\3'), 2
FROM (SELECT coalesce(max(id), 0) AS base FROM jobs) b,
     generate_series(1, greatest(0, :want - (SELECT count(*) FROM jobs WHERE state = 'pending'))) g;
