package com.idp.push.pushlog;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Sets aside a record a sink cannot store (unreadable, or refused by the database even alone), keeping
 * its bytes as they were, so one bad record never blocks a partition and is never silently lost.
 */
final class SinkRejects {

    private static final Logger log = LoggerFactory.getLogger(SinkRejects.class);

    private final JdbcClient jdbc;

    SinkRejects(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void reject(ConsumerRecord<byte[], byte[]> record, String error) {
        log.error("Set aside {}-{}@{} in sink_rejects: {}", record.topic(), record.partition(), record.offset(), error);
        jdbc.sql("""
                insert into sink_rejects (source_topic, source_partition, source_offset, record_value, error)
                values (?, ?, ?, ?, ?) on conflict do nothing""")
                .params(record.topic(), record.partition(), record.offset(), record.value(), Sql.clean(error))
                .update();
    }
}
