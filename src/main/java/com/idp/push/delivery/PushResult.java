package com.idp.push.delivery;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The result of one push, as the seed API returned it.
 *
 * @param httpStatus null when no response was received
 * @param responseBody the (capped) response body, or null
 * @param errorMessage why it failed, or null on success
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record PushResult(boolean success, Integer httpStatus, String responseBody, String errorMessage, long durationMs) {

    public static PushResult of(Exchange exchange, Verdict verdict) {
        boolean success = verdict instanceof Verdict.Success;
        if (exchange instanceof Exchange.Response response) {
            return new PushResult(success, response.status(), response.body(), success ? null : verdict.reason(),
                    response.durationMs());
        }
        return new PushResult(false, null, null, verdict.reason(), exchange.durationMs());
    }
}
