package com.idp.push.delivery;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * One HTTP request ready to send: the exact body bytes that were signed, and every header.
 *
 * @param headers case-insensitive, in the order they are sent
 */
public record DeliveryRequest(URI url, Map<String, String> headers, byte[] body, Duration timeout) {

    /** Header names only: the values include the credentials (Authorization, the API key) and signatures. */
    @Override
    public String toString() {
        return "DeliveryRequest[url=" + url + ", headers=" + headers.keySet() + ", body=" + body.length
                + " bytes, timeout=" + timeout + "]";
    }
}
