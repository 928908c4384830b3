package com.idp.push.pipeline;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Starts the work for one consumed record, without blocking. Called on the consumer's thread only. */
@FunctionalInterface
interface RecordHandler {

    /**
     * @param lease the source partition's lease: the work produces its outcome only while it is held
     */
    Dispatch handle(ConsumerRecord<byte[], byte[]> record, PartitionLease lease);
}
