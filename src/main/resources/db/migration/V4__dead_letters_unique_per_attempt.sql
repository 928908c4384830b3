-- A dead letter is one (delivery, attempts made). The same one produced to idp.push.dlq twice (a rewind, or a
-- crash between producing it and committing the source offset) was stored twice before, as the sink keyed on
-- the DLQ record's topic, partition and offset only, and a re-push then published the delivery twice.
--
-- Rows stored twice by earlier versions are merged first, so that the index below can be built on a live
-- database. Of each group one row stays, as the new sink would have left it:
--   1. a pending row that died after the group was last re-pushed: a new death (e.g. the re-push found the
--      webhook disabled, so no attempt was added), still to be re-pushed;
--   2. else a requeued row: the dead letter was re-pushed, its pending copies would re-push it again;
--   3. else the first stored.
-- push_logs is not touched: the dead-letter markers of removed copies stay in the task's history.
with grouped as (
    select id, delivery_id, attempts, status, dead_at,
           max(requeued_at) over (partition by delivery_id, attempts) as last_requeued_at
      from dead_letters),
ranked as (
    select id,
           row_number() over (
               partition by delivery_id, attempts
               order by (status = 'pending' and dead_at > coalesce(last_requeued_at, '-infinity')) desc,
                        (status = 'requeued') desc,
                        id) as place
      from grouped)
delete from dead_letters d using ranked r where d.id = r.id and r.place > 1;

create unique index dead_letters_delivery_attempts_key on dead_letters (delivery_id, attempts);
