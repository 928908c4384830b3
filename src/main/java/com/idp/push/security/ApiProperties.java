package com.idp.push.security;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who may call the operator API.
 *
 * @param tokens accepted bearer tokens ({@code IDP_PUSH_API_TOKEN}, comma-separated: several are
 *        accepted at once so a token can be rotated without downtime)
 * @param protectedPaths path patterns that need a token
 * @param openPaths path patterns under those that stay open (health probes, metrics, API docs)
 */
@ConfigurationProperties("idp.push.api")
public record ApiProperties(
        @DefaultValue List<String> tokens,
        @DefaultValue({"/api/**", "/actuator/**"}) List<String> protectedPaths,
        /* the API description is public: it documents the API, it exposes no data */
        @DefaultValue({"/actuator/health", "/actuator/health/**", "/actuator/info", "/actuator/prometheus"})
        List<String> openPaths) {

    public ApiProperties {
        tokens = tokens.stream().map(String::trim).filter(t -> !t.isEmpty()).toList();
        for (String token : tokens) {
            if (token.length() < 16) {
                throw new IllegalArgumentException(
                        "IDP_PUSH_API_TOKEN: every token must be at least 16 characters (e.g. `openssl rand -hex 32`)");
            }
        }
    }

    /** Never the tokens themselves: this record may end up in a log line or an actuator page. */
    @Override
    public String toString() {
        return "ApiProperties[tokens=" + tokens.size() + " configured, protectedPaths=" + protectedPaths
                + ", openPaths=" + openPaths + "]";
    }
}
