package com.idp.push.pushlog;

import java.util.Map;

import com.idp.push.delivery.PushResult;

/**
 * An attempt made outside the pipeline, to be recorded with {@link PushLogService#savePushLog}.
 *
 * @param deliveryId the delivery this attempt belongs to, or null to record it as a delivery of its own
 * @param retryCount 0 for a first attempt
 * @param requestHeaders the headers as sent; secrets are redacted before storing
 */
public record PushLogEntry(
        String taskId,
        String webhookId,
        String deliveryId,
        int retryCount,
        String requestUrl,
        Map<String, String> requestHeaders,
        String requestBody,
        PushResult result) {

    public PushLogEntry {
        if (taskId == null || taskId.isBlank() || webhookId == null || webhookId.isBlank()) {
            throw new IllegalArgumentException("task id and webhook id are required");
        }
        if (result == null) {
            throw new IllegalArgumentException("the push result is required");
        }
        requestHeaders = requestHeaders == null ? Map.of() : Map.copyOf(requestHeaders);
    }

    /** Header names only: the headers are as sent, credentials included (they are redacted when stored). */
    @Override
    public String toString() {
        return "PushLogEntry[taskId=" + taskId + ", webhookId=" + webhookId + ", deliveryId=" + deliveryId
                + ", retryCount=" + retryCount + ", requestUrl=" + requestUrl + ", requestHeaders="
                + requestHeaders.keySet() + ", result=" + result + "]";
    }
}
