package com.idp.push.pushlog;

import static org.assertj.core.api.Assertions.assertThat;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import com.idp.push.support.IntegrationTest;
import com.zaxxer.hikari.HikariDataSource;

/**
 * The JDBC timeouts of application.yml reach the driver and the server: without them pgjdbc waits on a socket
 * for ever, and a hung database holds a sink thread or an API request until it wakes ({@link HungDatabaseIT}).
 */
class DatabaseTimeoutsIT extends IntegrationTest {

    @Autowired
    private DataSource dataSource;

    @Test
    void thePoolsConnectionsCarryTheTimeouts() throws Exception {
        assertThat(dataSource.unwrap(HikariDataSource.class).getDataSourceProperties())
                .containsEntry("connectTimeout", "5")
                .containsEntry("loginTimeout", "10")
                .containsEntry("socketTimeout", "30");
        assertThat(jdbc.sql("show statement_timeout").query(String.class).single()).isEqualTo("15s");
    }
}
