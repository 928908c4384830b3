package com.idp.push.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.Authentication;

class ApiTokensTest {

    private static final String CURRENT = "current-token-0123456789";
    private static final String NEXT = "next-token-0123456789abc";

    private final ApiTokens tokens = new ApiTokens(List.of(CURRENT, NEXT));
    private final ApiTokenAuthenticationProvider provider = new ApiTokenAuthenticationProvider(tokens);

    @Test
    void everyConfiguredTokenMatchesSoTokensCanRotate() {
        assertThat(tokens.match(CURRENT)).hasValue(1);
        assertThat(tokens.match(NEXT)).hasValue(2);
    }

    @Test
    void nearMissesDoNotMatch() {
        assertThat(tokens.match(CURRENT + "x")).isEmpty();
        assertThat(tokens.match(CURRENT.substring(1))).isEmpty();
        assertThat(tokens.match(CURRENT.toUpperCase())).isEmpty();
        assertThat(tokens.match("")).isEmpty();
        assertThat(new ApiTokens(List.of()).match("")).isEmpty();
    }

    @Test
    void theProviderVerifiesAndErasesTheToken() {
        Authentication verified = provider.authenticate(ApiTokenAuthentication.unverified(NEXT));

        assertThat(verified.isAuthenticated()).isTrue();
        assertThat(verified.getName()).isEqualTo("api-token-2");
        assertThat(verified.getCredentials()).isNull();
        assertThat(verified.toString()).doesNotContain(NEXT);
    }

    @Test
    void aWrongTokenIsRefusedWithoutEchoingIt() {
        assertThatThrownBy(() -> provider.authenticate(ApiTokenAuthentication.unverified("guess-0123456789abcdef")))
                .isInstanceOf(BadCredentialsException.class).hasMessageNotContaining("guess-0123456789abcdef");
    }

    @Test
    void anUnverifiedTokenNeverPrintsItself() {
        assertThat(ApiTokenAuthentication.unverified(CURRENT).toString()).doesNotContain(CURRENT);
        assertThat(tokens.toString()).doesNotContain(CURRENT).contains("2 configured");
    }

    @Test
    void shortTokensAreRefusedAtStartUp() {
        assertThatThrownBy(() -> new ApiProperties(List.of("short"), new ApiProperties.Open(true, true, true)))
                .hasMessageContaining("IDP_PUSH_API_TOKEN").hasMessageNotContaining("short\"");
    }

    @Test
    void propertiesNeverPrintTheTokens() {
        ApiProperties properties = new ApiProperties(List.of("a-very-secret-token-123"), new ApiProperties.Open(true, true, true));

        assertThat(properties.toString()).doesNotContain("a-very-secret-token-123").contains("1 configured");
    }

    @Test
    void theAllowListShrinksWithEachSwitch() {
        assertThat(SecurityConfiguration.openPaths(new ApiProperties.Open(false, false, false)))
                .containsExactlyElementsOf(SecurityConfiguration.HEALTH);
        assertThat(SecurityConfiguration.openPaths(new ApiProperties.Open(true, false, true)))
                .containsAll(SecurityConfiguration.CONSOLE).containsAll(SecurityConfiguration.API_DOCS)
                .doesNotContainAnyElementsOf(SecurityConfiguration.PROMETHEUS);
    }
}
