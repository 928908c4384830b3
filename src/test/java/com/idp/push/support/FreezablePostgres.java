package com.idp.push.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A zonky embedded Postgres of its own (not the shared one of {@link TestInfrastructure}) that a test can
 * freeze: SIGSTOP to the postmaster and every process under it (the backends hold the open connections,
 * the checkpointer and the others would answer nothing either), SIGCONT to let it go on. A frozen server is
 * not down: its port still accepts TCP connections (the kernel queues them) and open connections stay open,
 * but nothing answers; that is a hung database, as a stalled disk or a VM paused by its host makes one.
 *
 * <p>Its own instance, so that freezing it cannot stall the shared test context or the other test classes.
 * {@link #close()} lets a frozen server go on before stopping it (pg_ctl would wait for it otherwise).
 */
public final class FreezablePostgres implements AutoCloseable {

    private final Path dataDirectory;
    private final EmbeddedPostgres postgres;
    private final List<Long> frozen = new ArrayList<>();

    private FreezablePostgres(Path dataDirectory, EmbeddedPostgres postgres) {
        this.dataDirectory = dataDirectory;
        this.postgres = postgres;
    }

    /** Starts a server with an empty database {@value TestInfrastructure#DATABASE}. */
    public static FreezablePostgres start() {
        Path dir = Path.of("target", "embedded-pg", "freezable-" + UUID.randomUUID().toString().substring(0, 8))
                .toAbsolutePath();
        try {
            Files.createDirectories(dir.getParent());
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dir)
                    .setCleanDataDirectory(true)
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("max_connections", "100")
                    .start();
            FreezablePostgres server = new FreezablePostgres(dir, postgres);
            // a JVM that ends while the server is frozen must not leave stopped processes behind (zonky's own
            // hook stops the server; a frozen one would not answer it)
            Runtime.getRuntime().addShutdownHook(new Thread(server::thaw, "freezable-postgres-thaw"));
            server.execute("postgres", "create database " + TestInfrastructure.DATABASE);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("embedded Postgres did not start in " + dir, e);
        }
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + TestInfrastructure.DATABASE;
    }

    public String user() {
        return "postgres";
    }

    /** The postmaster's pid, from the first line of {@code postmaster.pid} in the data directory. */
    public long postmasterPid() {
        try {
            return Long.parseLong(Files.readAllLines(dataDirectory.resolve("postmaster.pid")).get(0).trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * SIGSTOP to the postmaster first (so it forks nothing new), then to every process under it. Returns the
     * number of processes stopped.
     */
    public synchronized int freeze() {
        if (!frozen.isEmpty()) {
            return frozen.size();
        }
        long postmaster = postmasterPid();
        signal("STOP", List.of(postmaster));
        frozen.add(postmaster);
        List<Long> children = ProcessHandle.of(postmaster).stream().flatMap(ProcessHandle::descendants)
                .map(ProcessHandle::pid).toList();
        signal("STOP", children);
        frozen.addAll(children);
        return frozen.size();
    }

    /** SIGCONT to every process {@link #freeze()} stopped. No-op when not frozen; safe to call in a finally block. */
    public synchronized void thaw() {
        if (frozen.isEmpty()) {
            return;
        }
        signal("CONT", frozen);
        frozen.clear();
    }

    public synchronized boolean isFrozen() {
        return !frozen.isEmpty();
    }

    /** A count with one text parameter, on a connection of its own. */
    public long count(String sql, String param) {
        try (Connection connection = connect(TestInfrastructure.DATABASE);
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, param);
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("query failed: " + sql, e);
        }
    }

    /** The rows of a query with one text parameter, each row's columns as strings. */
    public List<List<String>> rows(String sql, String param) {
        try (Connection connection = connect(TestInfrastructure.DATABASE);
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, param);
            try (ResultSet result = statement.executeQuery()) {
                List<List<String>> rows = new ArrayList<>();
                int columns = result.getMetaData().getColumnCount();
                while (result.next()) {
                    List<String> row = new ArrayList<>(columns);
                    for (int i = 1; i <= columns; i++) {
                        row.add(result.getString(i));
                    }
                    rows.add(row);
                }
                return rows;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("query failed: " + sql, e);
        }
    }

    @Override
    public void close() {
        thaw();
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void execute(String database, String sql) {
        try (Connection connection = connect(database); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("failed: " + sql, e);
        }
    }

    private Connection connect(String database) throws SQLException {
        // bounded, so that a test asking a server left frozen by mistake fails instead of hanging
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + database
                + "?connectTimeout=5&loginTimeout=5&socketTimeout=30", user(), "postgres");
    }

    private static void signal(String signal, List<Long> pids) {
        if (pids.isEmpty()) {
            return;
        }
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
        pids.forEach(pid -> command.add(Long.toString(pid)));
        try {
            Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException(command + " failed: " + new String(kill.getInputStream().readAllBytes()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending SIG" + signal, e);
        }
    }
}
