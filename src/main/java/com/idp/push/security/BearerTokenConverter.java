package com.idp.push.security;

import org.springframework.http.HttpHeaders;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.AuthenticationConverter;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Reads {@code Authorization: Bearer <token>} (scheme case-insensitive, RFC 7235). A request without
 * it, or with another scheme, carries no authentication: it is then refused by the deny-by-default
 * rule unless its path is on the allow-list.
 */
final class BearerTokenConverter implements AuthenticationConverter {

    private static final String BEARER = "Bearer ";

    @Override
    public Authentication convert(HttpServletRequest request) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        return ApiTokenAuthentication.unverified(header.substring(BEARER.length()).trim());
    }
}
