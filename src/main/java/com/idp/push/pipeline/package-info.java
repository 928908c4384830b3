/**
 * The delivery engine on Kafka: the consumer loop with out-of-order completion and per-partition
 * offset tracking, the routing of records by topic (intake fan-out, delay topics, replay), the retry
 * policy, the records written to the delay, DLQ, attempt-log and invalid topics, and the
 * {@link com.idp.push.pipeline.PushService} facade.
 */
package com.idp.push.pipeline;
