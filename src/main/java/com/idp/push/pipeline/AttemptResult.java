package com.idp.push.pipeline;

import java.time.Instant;

import com.idp.push.delivery.DeliveryRequest;
import com.idp.push.delivery.Exchange;
import com.idp.push.delivery.PushResult;
import com.idp.push.delivery.Verdict;

/**
 * One attempt made: what was sent (null when nothing could be built), what came back, what it means.
 */
record AttemptResult(Delivery delivery, DeliveryRequest request, Exchange exchange, Verdict verdict, Instant startedAt) {

    PushResult pushResult() {
        return PushResult.of(exchange, verdict);
    }

    Integer httpStatus() {
        return exchange instanceof Exchange.Response response ? response.status() : null;
    }
}
