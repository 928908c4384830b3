package com.idp.push.webhook;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Reads webhooks and their rule bindings from Postgres. */
@Repository
class WebhookRepository {

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
        jdbc.sql("""
                select id, name, url, enabled, auth_type, auth_config::text, secret_key, body_template,
                       headers::text, timeout_ms
                  from webhooks order by id""")
                .query(rs -> {
                    String id = rs.getString(1);
                    Integer timeoutMs = rs.getObject(10, Integer.class);
                    rows.add(new WebhookRow(id, rs.getString(2), rs.getString(3), rs.getBoolean(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
                            rs.getString(9), timeoutMs, rules.getOrDefault(id, Set.of())));
                });
        return rows;
    }
}
