package com.idp.push.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

class BearerTokenConverterTest {

    private final BearerTokenConverter converter = new BearerTokenConverter();

    @Test
    void readsTheBearerSchemeCaseInsensitively() {
        assertThat(converter.convert(request("Bearer abc-0123456789abcdef")).getCredentials()).isEqualTo("abc-0123456789abcdef");
        assertThat(converter.convert(request("bearer  abc-0123456789abcdef ")).getCredentials()).isEqualTo("abc-0123456789abcdef");
    }

    @Test
    void otherSchemesAndNoHeaderCarryNoAuthentication() {
        assertThat(converter.convert(request(null))).isNull();
        assertThat(converter.convert(request("Basic YWxhZGRpbjpvcGVuc2VzYW1l"))).isNull();
        assertThat(converter.convert(request("Bearerabc"))).isNull();
    }

    private static MockHttpServletRequest request(String authorization) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/v1/dlq");
        if (authorization != null) {
            request.addHeader("Authorization", authorization);
        }
        return request;
    }
}
