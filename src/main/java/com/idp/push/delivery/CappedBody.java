package com.idp.push.delivery;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Collects a response body up to a cap and remembers whether there was more. Not thread-safe: one per
 * response, fed by the connection's event loop.
 */
public final class CappedBody {

    /** Appended to any stored text cut at a cap. */
    public static final String TRUNCATION_MARK = "…[truncated]";

    private final int cap;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private boolean truncated;

    CappedBody(int cap) {
        this.cap = cap;
    }

    /** @return true once the cap is reached, so the caller can stop reading */
    boolean append(byte[] chunk) {
        int room = cap - bytes.size();
        if (chunk.length > room) {
            bytes.write(chunk, 0, Math.max(room, 0));
            truncated = true;
        } else {
            bytes.write(chunk, 0, chunk.length);
        }
        return truncated;
    }

    boolean truncated() {
        return truncated;
    }

    /** The body as UTF-8 text (malformed sequences replaced), with a mark when it was cut. */
    String text() {
        String text = bytes.toString(StandardCharsets.UTF_8);
        return truncated ? text + TRUNCATION_MARK : text;
    }
}
