package com.idp.push.ssrf;

import java.io.IOException;

/**
 * A connection refused by the SSRF guard before it was opened. The message is the whole reason an
 * operator sees (push log, DLQ), e.g. "blocked: 10.0.0.5 is in a private range (10.0.0.0/8); set ...".
 * An {@link IOException} because it fails the connect like any other connect failure.
 */
public final class BlockedAddressException extends IOException {

    public BlockedAddressException(String reason) {
        super(reason);
    }
}
