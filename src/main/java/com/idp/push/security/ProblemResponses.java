package com.idp.push.security;

import java.io.IOException;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.firewall.RequestRejectedHandler;

import jakarta.servlet.http.HttpServletResponse;

/**
 * The two refusals of the security layer, as RFC 7807 problem details like every other API error. Neither
 * echoes anything of the request: a refused path may hold control characters, a refused token is a
 * secret.
 */
final class ProblemResponses {

    private ProblemResponses() {
    }

    /** 401 for a request without a valid token, with the challenge that names the scheme. */
    static AuthenticationEntryPoint unauthorized() {
        return (request, response, exception) -> {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"idp-push\"");
            write(response, HttpStatus.UNAUTHORIZED,
                    "send Authorization: Bearer <API token> (IDP_PUSH_API_TOKEN)");
        };
    }

    /**
     * 400 for a request the firewall refused: a path that is not in normalised form ({@code ;} parameters,
     * encoded {@code . / \ %}, {@code //}, {@code .} or {@code ..} segments, NUL, line breaks), an unknown
     * method, or a header with control characters. Such a path could be routed differently from how it
     * was authorised, so it is never routed at all.
     */
    static RequestRejectedHandler rejected() {
        return (request, response, exception) -> write(response, HttpStatus.BAD_REQUEST,
                "the request was refused: use the plain, normalised path (no ';' parameters, no encoded "
                        + "'.', '/', '\\\\' or '%', no '//', '.' or '..' segments, no control characters)");
    }

    private static void write(HttpServletResponse response, HttpStatus status, String detail) throws IOException {
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.getWriter().write("{\"type\":\"about:blank\",\"title\":\"" + status.getReasonPhrase()
                + "\",\"status\":" + status.value() + ",\"detail\":\"" + detail + "\"}");
    }
}
