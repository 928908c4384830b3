package com.idp.push.security;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who may call the service over HTTP. Everything needs the bearer token except health probes and the
 * parts listed in {@link Open}, each of which can be closed.
 *
 * @param tokens accepted bearer tokens ({@code IDP_PUSH_API_TOKEN}, comma-separated: several are
 *        accepted at once so a token can be rotated without downtime)
 * @param open what is served without a token besides the health probes
 */
@ConfigurationProperties("idp.push.api")
public record ApiProperties(@DefaultValue List<String> tokens, @DefaultValue Open open) {

    static final int MIN_TOKEN_LENGTH = 16;

    public ApiProperties {
        tokens = tokens.stream().map(String::trim).filter(t -> !t.isEmpty()).toList();
        for (String token : tokens) {
            if (token.length() < MIN_TOKEN_LENGTH) {
                throw new IllegalArgumentException("IDP_PUSH_API_TOKEN: every token must be at least "
                        + MIN_TOKEN_LENGTH + " characters (e.g. `openssl rand -hex 32`)");
            }
        }
    }

    /**
     * The parts of the allow-list that can be switched off (GET and HEAD only). None of them carries a
     * secret or a customer's data.
     *
     * @param console the console's static files ({@code /console/**}): plain pages that hold no data and
     *        fetch every figure from the token-protected API with the token the operator types in
     * @param prometheus {@code /actuator/prometheus}: scrapers rarely carry a token; the metrics name
     *        webhook ids and topics, nothing else. Close it when the port is reachable from outside the
     *        cluster and scrape with the token instead
     * @param apiDocs the OpenAPI document and Swagger UI: they describe the API, which the README
     *        describes too, and expose no data
     */
    public record Open(@DefaultValue("true") boolean console, @DefaultValue("true") boolean prometheus,
            @DefaultValue("true") boolean apiDocs) {
    }

    /** Never the tokens themselves: this record may end up in a log line or an actuator page. */
    @Override
    public String toString() {
        return "ApiProperties[tokens=" + tokens.size() + " configured, open=" + open + "]";
    }
}
