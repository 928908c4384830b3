package com.idp.push.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class ApiTokenFilterTest {

    private static final String CURRENT = "current-token-0123456789";
    private static final String NEXT = "next-token-0123456789abc";

    private final ApiTokenFilter filter = new ApiTokenFilter(new ApiProperties(List.of(CURRENT, NEXT),
            List.of("/api/**", "/actuator/**"), List.of("/actuator/health", "/actuator/health/**", "/actuator/prometheus")));

    @Test
    void refusesAProtectedPathWithoutAToken() throws Exception {
        MockHttpServletResponse response = call("/api/v1/dlq", null);
        assertThat(response.getStatus()).isEqualTo(401);
        assertThat(response.getContentType()).isEqualTo("application/problem+json");
        assertThat(response.getHeader("WWW-Authenticate")).startsWith("Bearer");
        assertThat(response.getContentAsString()).contains("\"status\":401").doesNotContain(CURRENT);
    }

    @Test
    void refusesAWrongTokenOrScheme() throws Exception {
        assertThat(call("/api/v1/dlq", "Bearer wrong-token-0123456789").getStatus()).isEqualTo(401);
        assertThat(call("/api/v1/dlq", "Basic " + CURRENT).getStatus()).isEqualTo(401);
        assertThat(call("/api/v1/dlq", "Bearer " + CURRENT + "x").getStatus()).isEqualTo(401);
        assertThat(call("/actuator/env", null).getStatus()).as("other actuator endpoints are protected").isEqualTo(401);
    }

    @Test
    void acceptsEveryConfiguredTokenSoTokensCanRotate() throws Exception {
        assertThat(call("/api/v1/dlq", "Bearer " + CURRENT).getStatus()).isEqualTo(200);
        assertThat(call("/api/v1/dlq", "bearer " + NEXT).getStatus()).isEqualTo(200);
    }

    @Test
    void leavesOpenPathsAndUnprotectedPathsAlone() throws Exception {
        assertThat(call("/actuator/health", null).getStatus()).isEqualTo(200);
        assertThat(call("/actuator/health/liveness", null).getStatus()).isEqualTo(200);
        assertThat(call("/actuator/prometheus", null).getStatus()).isEqualTo(200);
        assertThat(call("/console/index.html", null).getStatus()).isEqualTo(200);
    }

    @Test
    void refusesShortTokensAtStartUp() {
        assertThatThrownBy(() -> new ApiProperties(List.of("short"), List.of("/api/**"), List.of()))
                .hasMessageContaining("IDP_PUSH_API_TOKEN").hasMessageNotContaining("short\"");
    }

    private MockHttpServletResponse call(String path, String authorization) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", path);
        if (authorization != null) {
            request.addHeader("Authorization", authorization);
        }
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(request, response, new MockFilterChain());
        return response;
    }

    @Test
    void propertiesNeverPrintTheTokens() {
        ApiProperties properties = new ApiProperties(List.of("a-very-secret-token-123"), List.of("/api/**"), List.of());

        assertThat(properties.toString()).doesNotContain("a-very-secret-token-123").contains("1 configured");
    }
}
