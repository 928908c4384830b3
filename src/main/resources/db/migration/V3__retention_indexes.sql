-- Retention removes expired rows in small batches found by these indexes (push_logs and task_events
-- already have theirs), so each batch is an index range scan, not a table scan.
create index dead_letters_requeued_idx on dead_letters (dead_at) where status = 'requeued';
create index sink_rejects_created_idx on sink_rejects (created_at);
