-- Webhooks and their rule bindings (SPEC §2). Secret values inside auth_config and secret_key are
-- stored as produced by the service's SecretCipher (ciphertext with a key id), never in clear text.
create table webhooks (
    id            text primary key,
    name          text        not null default '',
    url           text        not null,
    enabled       boolean     not null default true,
    auth_type     text        not null default 'none'
                  check (auth_type in ('none', 'basic', 'bearer', 'api_key')),
    auth_config   jsonb       not null default '{}'::jsonb,
    secret_key    text        not null,
    body_template text,
    headers       jsonb       not null default '{}'::jsonb,
    timeout_ms    integer     check (timeout_ms is null or timeout_ms between 100 and 600000),
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now()
);

-- rule_id '*' binds a webhook to every rule.
create table webhook_rules (
    webhook_id text not null references webhooks (id) on delete cascade,
    rule_id    text not null,
    primary key (webhook_id, rule_id)
);
create index webhook_rules_rule_id_idx on webhook_rules (rule_id);

-- One counter bumped by any change to the two tables above, so every instance's registry cache can
-- notice a change with one cheap query and reload, whoever made the change (API, SQL, another replica).
create table webhook_registry_version (
    singleton boolean primary key default true check (singleton),
    version   bigint  not null
);
insert into webhook_registry_version (singleton, version) values (true, 0);

create function bump_webhook_registry_version() returns trigger
    language plpgsql as
$$
begin
    update webhook_registry_version set version = version + 1;
    return null;
end;
$$;

create trigger webhooks_changed
    after insert or update or delete or truncate on webhooks
    for each statement execute function bump_webhook_registry_version();
create trigger webhook_rules_changed
    after insert or update or delete or truncate on webhook_rules
    for each statement execute function bump_webhook_registry_version();
