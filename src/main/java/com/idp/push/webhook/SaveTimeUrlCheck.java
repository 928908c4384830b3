package com.idp.push.webhook;

import java.net.URI;

/**
 * Checks a webhook URL when it is saved (e.g. refuses a literal address in a blocked range), so an
 * operator hears about it at once rather than from the DLQ. Send-time checks happen regardless.
 */
@FunctionalInterface
public interface SaveTimeUrlCheck {

    /** @return what is wrong with the URL, or null when it may be saved */
    String problemWith(URI url);
}
