package com.idp.push.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * PostgreSQL 17 from Maven-packaged binaries, running as a child process of the local run with its data
 * under the local data folder (kept across restarts), with a database {@code idp}.
 */
final class LocalPostgres implements AutoCloseable {

    static final String DATABASE = "idp";

    private final EmbeddedPostgres postgres;

    private LocalPostgres(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    static LocalPostgres start(Path dataDir, int port) throws IOException, SQLException {
        Path pgData = dataDir.resolve("postgres").toAbsolutePath();
        Files.createDirectories(pgData);
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(pgData)
                .setCleanDataDirectory(false)
                .setPort(port)
                .start();
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            try (ResultSet exists = statement.executeQuery("select 1 from pg_database where datname = '" + DATABASE + "'")) {
                if (!exists.next()) {
                    statement.execute("create database " + DATABASE);
                }
            }
        }
        return new LocalPostgres(postgres);
    }

    String jdbcUrl() {
        return postgres.getJdbcUrl("postgres", DATABASE);
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
