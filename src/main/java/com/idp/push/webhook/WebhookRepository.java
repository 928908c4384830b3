package com.idp.push.webhook;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** Reads and writes webhooks and their rule bindings in Postgres. */
@Repository
class WebhookRepository {

    private static final String COLUMNS = """
            id, name, url, enabled, auth_type, auth_config::text, secret_key, body_template, headers::text,
            timeout_ms, created_at, updated_at""";

    private final JdbcClient jdbc;

    WebhookRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The counter that every change to webhooks or bindings bumps (a trigger keeps it). */
    long version() {
        return jdbc.sql("select version from webhook_registry_version").query(Long.class).single();
    }

    List<WebhookRow> findAll() {
        Map<String, Set<String>> rules = new HashMap<>();
        jdbc.sql("select webhook_id, rule_id from webhook_rules")
                .query(rs -> {
                    rules.computeIfAbsent(rs.getString(1), k -> new HashSet<>()).add(rs.getString(2));
                });
        List<WebhookRow> rows = new ArrayList<>();
        jdbc.sql("select " + COLUMNS + " from webhooks order by id")
                .query(rs -> {
                    rows.add(row(rs, rules.getOrDefault(rs.getString(1), Set.of())));
                });
        return rows;
    }

    Optional<WebhookRow> findById(String id) {
        Set<String> rules = new HashSet<>(jdbc.sql("select rule_id from webhook_rules where webhook_id = ?")
                .param(id).query(String.class).list());
        return jdbc.sql("select " + COLUMNS + " from webhooks where id = ?").param(id)
                .query((rs, n) -> row(rs, rules)).optional();
    }

    /** @return false when a webhook with this id exists already */
    @Transactional
    boolean insert(WebhookRow row) {
        int inserted = jdbc.sql("""
                insert into webhooks (id, name, url, enabled, auth_type, auth_config, secret_key, body_template,
                                      headers, timeout_ms)
                values (:id, :name, :url, :enabled, :authType, cast(:auth as jsonb), :secret, :template,
                        cast(:headers as jsonb), :timeout)
                on conflict (id) do nothing""")
                .params(params(row)).update();
        if (inserted == 0) {
            return false;
        }
        insertRules(row);
        return true;
    }

    /** @return false when no webhook has this id */
    @Transactional
    boolean update(WebhookRow row) {
        int updated = jdbc.sql("""
                update webhooks set name = :name, url = :url, enabled = :enabled, auth_type = :authType,
                       auth_config = cast(:auth as jsonb), secret_key = :secret, body_template = :template,
                       headers = cast(:headers as jsonb), timeout_ms = :timeout, updated_at = now()
                 where id = :id""")
                .params(params(row)).update();
        if (updated == 0) {
            return false;
        }
        jdbc.sql("delete from webhook_rules where webhook_id = ?").param(row.id()).update();
        insertRules(row);
        return true;
    }

    /**
     * Replaces a webhook's stored secrets, but only if they are still the values read: a concurrent change
     * (an API update, another instance's re-encryption) wins and this call returns false. One statement,
     * so one transaction per row.
     */
    boolean replaceSecrets(String id, StoredSecrets expected, StoredSecrets replacement) {
        return jdbc.sql("""
                update webhooks set auth_config = cast(:auth as jsonb), secret_key = :secret
                 where id = :id and auth_config = cast(:expectedAuth as jsonb) and secret_key = :expectedSecret""")
                .param("id", id)
                .param("auth", replacement.authConfigJson()).param("secret", replacement.secretKey())
                .param("expectedAuth", expected.authConfigJson()).param("expectedSecret", expected.secretKey())
                .update() == 1;
    }

    boolean delete(String id) {
        return jdbc.sql("delete from webhooks where id = ?").param(id).update() > 0;
    }

    private void insertRules(WebhookRow row) {
        for (String rule : row.ruleIds()) {
            jdbc.sql("insert into webhook_rules (webhook_id, rule_id) values (?, ?)").params(row.id(), rule).update();
        }
    }

    private static Map<String, Object> params(WebhookRow row) {
        Map<String, Object> params = new HashMap<>();
        params.put("id", row.id());
        params.put("name", row.name());
        params.put("url", row.url());
        params.put("enabled", row.enabled());
        params.put("authType", row.authType());
        params.put("auth", row.authConfigJson());
        params.put("secret", row.secretKey());
        params.put("template", row.bodyTemplate());
        params.put("headers", row.headersJson());
        params.put("timeout", row.timeoutMs());
        return params;
    }

    private static WebhookRow row(ResultSet rs, Set<String> rules) throws SQLException {
        return new WebhookRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4), rs.getString(5),
                rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getObject(10, Integer.class),
                rules, instant(rs, 11), instant(rs, 12));
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        java.sql.Timestamp timestamp = rs.getTimestamp(column);
        return timestamp == null ? null : timestamp.toInstant();
    }
}
