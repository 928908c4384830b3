package com.idp.push.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.util.AntPathMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Requires {@code Authorization: Bearer <token>} on protected paths and answers 401 (problem details)
 * otherwise. Tokens are compared as SHA-256 digests with {@link MessageDigest#isEqual}, in constant
 * time and without revealing their length. No token value is ever logged.
 */
final class ApiTokenFilter extends OncePerRequestFilter {

    private static final String BEARER = "Bearer ";

    private final List<byte[]> tokenDigests;
    private final List<String> protectedPaths;
    private final List<String> openPaths;
    private final AntPathMatcher paths = new AntPathMatcher();

    ApiTokenFilter(ApiProperties properties) {
        this.tokenDigests = properties.tokens().stream().map(ApiTokenFilter::sha256).toList();
        this.protectedPaths = properties.protectedPaths();
        this.openPaths = properties.openPaths();
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return protectedPaths.stream().noneMatch(p -> paths.match(p, path))
                || openPaths.stream().anyMatch(p -> paths.match(p, path));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (authorized(request.getHeader(HttpHeaders.AUTHORIZATION))) {
            chain.doFilter(request, response);
            return;
        }
        response.setStatus(HttpStatus.UNAUTHORIZED.value());
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"idp-push\"");
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.getWriter().write("""
                {"type":"about:blank","title":"Unauthorized","status":401,\
                "detail":"send Authorization: Bearer <API token> (IDP_PUSH_API_TOKEN)","instance":"%s"}"""
                .formatted(request.getRequestURI().replace("\"", "%22")));
    }

    private boolean authorized(String header) {
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return false;
        }
        byte[] presented = sha256(header.substring(BEARER.length()).trim());
        boolean match = false;
        for (byte[] digest : tokenDigests) {
            match |= MessageDigest.isEqual(digest, presented); // no early exit: every token is compared
        }
        return match;
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
