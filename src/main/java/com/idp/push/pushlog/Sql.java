package com.idp.push.pushlog;

import java.sql.SQLException;

/** Small helpers for storing untrusted text in Postgres. */
final class Sql {

    private Sql() {
    }

    /**
     * Postgres text and jsonb cannot hold U+0000; a body or header containing it would fail the whole
     * batch. It is replaced by U+FFFD, the replacement character, so the row is kept and the spot shows.
     */
    static String clean(String value) {
        return value == null || value.indexOf('\0') < 0 ? value : value.replace('\0', '\uFFFD');
    }

    /**
     * Whether a failure was caused by the data (SQLSTATE class 22 "data exception" or 23 "integrity
     * constraint violation"): retrying the same row can never succeed. Anything else (no connection,
     * a timeout, the server shutting down) is the database's state, and retrying later is right.
     */
    static boolean isDataError(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("22") || sql.getSQLState().startsWith("23"))) {
                return true;
            }
        }
        return false;
    }
}
