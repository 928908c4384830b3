package com.idp.push.security;

import java.util.OptionalInt;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.Authentication;

/** Verifies a presented bearer token against the configured ones. */
final class ApiTokenAuthenticationProvider implements AuthenticationProvider {

    private final ApiTokens tokens;

    ApiTokenAuthenticationProvider(ApiTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        Object credentials = authentication.getCredentials();
        OptionalInt matched = credentials instanceof String token ? tokens.match(token) : OptionalInt.empty();
        if (matched.isEmpty()) {
            // the message reaches the 401 body: it must not echo the presented value
            throw new BadCredentialsException("the bearer token is not one of the configured API tokens");
        }
        return ApiTokenAuthentication.verified(matched.getAsInt());
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return ApiTokenAuthentication.class.isAssignableFrom(authentication);
    }
}
