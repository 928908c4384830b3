package com.idp.push.pipeline;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Starts the work for one consumed record, without blocking. Called on the consumer's thread only. */
@FunctionalInterface
interface RecordHandler {

    Dispatch handle(ConsumerRecord<byte[], byte[]> record);
}
