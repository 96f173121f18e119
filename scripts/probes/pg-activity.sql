-- What PostgreSQL's backends are doing, every 50 ms, for scripts/latency-probes.py --stall.
-- Run beside the bench: psql URL -At -F '|' -f scripts/probes/pg-activity.sql > RUN.act
-- One line per busy backend: epoch ms|pid|backend type|state|wait event type|wait event|
-- ms since its statement began|the statement's first 40 characters. Background processes idling
-- in their main loop (wait event type Activity) are left out.
\pset footer off
\pset pager off
SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint, pid, backend_type, state,
       coalesce(wait_event_type, '-'), coalesce(wait_event, '-'),
       round(extract(epoch FROM clock_timestamp() - query_start) * 1000),
       left(regexp_replace(query, '\s+', ' ', 'g'), 40)
FROM pg_stat_activity
WHERE pid <> pg_backend_pid() AND state IS DISTINCT FROM 'idle' AND wait_event_type IS DISTINCT FROM 'Activity'
\watch 0.05
