package com.idp.push.support;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One HTTP request recorded by {@link TestReceiver}, kept exactly as it arrived so that tests
 * can assert on what the push service really sent (method, path, headers, raw body bytes).
 *
 * @param method     HTTP method, e.g. {@code POST}
 * @param path       request path without the query string
 * @param headers    request headers; the map itself looks names up case-insensitively
 * @param body       raw request body (empty if none)
 * @param receivedAt when the server received the request (before any scripted delay)
 */
public record ReceivedRequest(String method, String path, Map<String, List<String>> headers, byte[] body,
                              Instant receivedAt) {

    /** Copies the headers into an unmodifiable case-insensitive map and the body into a private array. */
    public ReceivedRequest {
        TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, values) ->
                copy.computeIfAbsent(name, n -> new ArrayList<>()).addAll(values));
        copy.replaceAll((name, values) -> List.copyOf(values));
        headers = Collections.unmodifiableMap(copy);
        body = body == null ? new byte[0] : body.clone();
    }

    /** First value of a header, looked up case-insensitively, or null if absent. */
    /** The X-IDP-Task-Id header, or "" when absent. */
    public String taskId() {
        String task = header("X-IDP-Task-Id");
        return task == null ? "" : task;
    }

    public String header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** A copy of the raw body bytes. */
    @Override
    public byte[] body() {
        return body.clone();
    }

    /** The body decoded as UTF-8. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return method + " " + path + " at " + receivedAt + " headers=" + headers + " body=" + bodyText();
    }
}
