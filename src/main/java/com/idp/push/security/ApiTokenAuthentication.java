package com.idp.push.security;

import java.util.List;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;

/**
 * A bearer token presented with a request ({@link #unverified}) or one that matched a configured token
 * ({@link #verified}). The token itself is only ever the credential, which Spring Security prints as
 * {@code [PROTECTED]}, and it is erased once verified.
 */
final class ApiTokenAuthentication extends AbstractAuthenticationToken {

    private final String principal;
    private String token;

    private ApiTokenAuthentication(String principal, String token, boolean authenticated) {
        super(authenticated ? AuthorityUtils.createAuthorityList("ROLE_OPERATOR") : List.of());
        this.principal = principal;
        this.token = token;
        setAuthenticated(authenticated);
    }

    static ApiTokenAuthentication unverified(String token) {
        return new ApiTokenAuthentication("unverified", token, false);
    }

    /** @param tokenNumber which configured token matched (1-based), so audit lines can tell rotations apart */
    static ApiTokenAuthentication verified(int tokenNumber) {
        return new ApiTokenAuthentication("api-token-" + tokenNumber, null, true);
    }

    @Override
    public Object getCredentials() {
        return token;
    }

    @Override
    public Object getPrincipal() {
        return principal;
    }

    @Override
    public void eraseCredentials() {
        super.eraseCredentials();
        token = null;
    }
}
