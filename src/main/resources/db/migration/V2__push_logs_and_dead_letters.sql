-- Every attempt (SPEC §5), written by the attempt-log sink from idp.push.attempts, plus one row per
-- dead letter (dead_lettered = true) written by the DLQ sink from idp.push.dlq.
create table push_logs (
    id               bigint generated always as identity primary key,
    -- idempotency key: "<delivery_id>:<attempt>" for attempts, "dlq:<topic>:<partition>:<offset>" for dead letters
    attempt_id       text        not null unique,
    task_id          text        not null,
    webhook_id       text        not null,
    delivery_id      text        not null,
    retry_count      integer     not null,          -- 0 = the first attempt
    http_status      integer,                       -- null when no response was received
    request_url      text,
    request_headers  jsonb       not null default '{}'::jsonb,  -- auth and signature values redacted
    request_body     text,
    response_headers jsonb       not null default '{}'::jsonb,
    response_body    text,                          -- capped by the service, with a truncation mark
    duration_ms      bigint      not null default 0,
    success          boolean     not null,
    outcome          text        not null,          -- delivered, retrying, dead, failed
    error_message    text,
    stage            text,
    dead_lettered    boolean     not null default false,
    created_at       timestamptz not null
);
create index push_logs_task_idx on push_logs (task_id, created_at);
create index push_logs_created_idx on push_logs (created_at);
create index push_logs_webhook_created_idx on push_logs (webhook_id, created_at);

-- Dead letters as operators see and re-push them. The DLQ record is kept byte for byte, so a re-push
-- publishes exactly what a Kafka-tooling replay would.
create table dead_letters (
    id               bigint generated always as identity primary key,
    source_topic     text        not null,
    source_partition integer     not null,
    source_offset    bigint      not null,
    delivery_id      text        not null,
    task_id          text        not null,
    webhook_id       text        not null,
    failure_reason   text,
    last_http_status integer,
    retry_count      integer     not null,
    attempts         integer     not null,
    first_attempt_at timestamptz,
    dead_at          timestamptz not null,
    record_key       bytea,
    record_value     bytea       not null,
    status           text        not null default 'pending' check (status in ('pending', 'requeued')),
    requeued_at      timestamptz,
    created_at       timestamptz not null default now(),
    unique (source_topic, source_partition, source_offset)
);
create index dead_letters_task_idx on dead_letters (task_id, status);
create index dead_letters_pending_idx on dead_letters (dead_at desc) where status = 'pending';

-- Records a sink could not store even one by one (set aside so they never block a partition).
create table sink_rejects (
    id               bigint generated always as identity primary key,
    source_topic     text        not null,
    source_partition integer     not null,
    source_offset    bigint      not null,
    record_value     bytea,
    error            text        not null,
    created_at       timestamptz not null default now(),
    unique (source_topic, source_partition, source_offset)
);

-- The latest event of each task (from first attempts), so a delivery can be dead-lettered or re-pushed
-- by task id alone (the Java facade's moveToDlq). Removed with the logs by retention.
create table task_events (
    task_id    text primary key,
    event      text        not null,
    updated_at timestamptz not null
);
create index task_events_updated_idx on task_events (updated_at);
