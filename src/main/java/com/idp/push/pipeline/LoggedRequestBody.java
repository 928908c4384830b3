package com.idp.push.pipeline;

import java.nio.charset.StandardCharsets;

import com.idp.push.delivery.CappedBody;

/**
 * A request body as the attempt log keeps it, capped like response bodies: a 2 MB result would otherwise
 * go into the record and the push_logs row of every attempt of every webhook, and an attempt log over the
 * attempt topic's limit cannot be written at all. A body within the cap is kept as the JSON it is; a longer
 * one as the text of its first bytes, the truncation mark and its size, which is no longer JSON.
 *
 * @param text the body, whole or cut
 * @param truncated whether it was cut (and so is text, not JSON)
 */
record LoggedRequestBody(String text, boolean truncated) {

    static LoggedRequestBody of(byte[] body, int capBytes) {
        if (body.length <= capBytes) {
            return new LoggedRequestBody(new String(body, StandardCharsets.UTF_8), false);
        }
        int cut = capBytes;
        // never end inside a UTF-8 sequence: step back over continuation bytes (10xxxxxx)
        while (cut > 0 && (body[cut] & 0xC0) == 0x80) {
            cut--;
        }
        return new LoggedRequestBody(new String(body, 0, cut, StandardCharsets.UTF_8) + CappedBody.TRUNCATION_MARK
                + " (" + body.length + " bytes)", true);
    }
}
