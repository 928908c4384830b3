package com.idp.push.pipeline;

/** Kafka record header names written and read by the pipeline. */
public final class PipelineHeaders {

    /** Epoch milliseconds before which a delay-topic record must not be attempted. */
    public static final String DUE_AT = "idp-due-at";
    public static final String DELIVERY_ID = "idp-delivery-id";
    public static final String WEBHOOK_ID = "idp-webhook-id";
    public static final String ATTEMPT = "idp-attempt";
    public static final String FAILURE_REASON = "idp-failure-reason";
    public static final String RETRY_COUNT = "idp-retry-count";
    /** On idp.push.invalid: a short code (e.g. missing-field) and a sentence naming the problem. */
    public static final String INVALID_REASON = "idp-invalid-reason";
    public static final String INVALID_DETAIL = "idp-invalid-detail";
    /** On idp.push.invalid: where the record came from. */
    public static final String SOURCE_TOPIC = "idp-source-topic";
    public static final String SOURCE_PARTITION = "idp-source-partition";
    public static final String SOURCE_OFFSET = "idp-source-offset";

    private PipelineHeaders() {
    }
}
