package com.idp.push.pushlog;

import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Stores a batch of consumed records in Postgres, idempotently (writing the same record twice leaves
 * one row). A record that can never be stored is set aside by the writer itself; an exception means
 * the database could not be reached or did not answer, and the whole batch is tried again later.
 */
@FunctionalInterface
interface BatchWriter {

    void write(List<ConsumerRecord<byte[], byte[]>> batch);
}
