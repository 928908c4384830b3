package com.idp.push.delivery;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks that a rendered body is exactly one valid JSON value (nothing before or after it).
 * Streams over the tokens instead of building a tree, since this runs for every delivery.
 * Problem descriptions leave out the body text, which may hold customer data.
 */
final class JsonValidator {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();

    private JsonValidator() {
    }

    /** Returns what is wrong with {@code json}, or null when it is a single valid JSON value. */
    static String problemWith(byte[] json) {
        try (JsonParser parser = MAPPER.createParser(json)) {
            if (parser.nextToken() == null) {
                return "the output is empty";
            }
            // Reads every token of the value; string contents are checked as they are skipped.
            parser.skipChildren();
            if (parser.nextToken() != null) {
                return "unexpected content after the JSON value" + at(parser.currentTokenLocation());
            }
            return null;
        } catch (JacksonException e) {
            return e.getOriginalMessage() + at(e.getLocation());
        }
    }

    private static String at(TokenStreamLocation location) {
        if (location == null || location.getLineNr() < 0) {
            return "";
        }
        return " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }
}
