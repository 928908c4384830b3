package com.idp.push.security;

import java.util.Arrays;
import java.util.Set;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * Puts the API behind its token. Outside the {@code local} profile, start-up fails when no token is
 * configured: an operator API that is open by accident is worse than one that does not start.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);

    /** The OpenAPI document (served at /v3/api-docs, UI at /swagger-ui.html) declares the bearer token. */
    @Bean
    OpenAPI openApi() {
        return new OpenAPI()
                .info(new Info().title("idp-push API").version("v1")
                        .description("Webhook management, push logs, dead letters and re-push. "
                                + "Every /api/v1 call needs Authorization: Bearer <IDP_PUSH_API_TOKEN>."))
                .components(new Components().addSecuritySchemes("apiToken",
                        new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")))
                .addSecurityItem(new SecurityRequirement().addList("apiToken"));
    }

    @Bean
    FilterRegistrationBean<ApiTokenFilter> apiTokenFilter(ApiProperties properties, Environment environment) {
        if (properties.tokens().isEmpty()) {
            boolean local = Set.of(environment.getActiveProfiles()).contains("local");
            if (!local) {
                throw new IllegalStateException("IDP_PUSH_API_TOKEN is not set: set it to one or more comma-separated "
                        + "tokens of at least 16 characters (e.g. `openssl rand -hex 32`), or run with the local profile");
            }
            log.warn("No API token configured (local profile): every API call will be refused with 401. Active profiles: {}",
                    Arrays.toString(environment.getActiveProfiles()));
        }
        FilterRegistrationBean<ApiTokenFilter> registration = new FilterRegistrationBean<>(new ApiTokenFilter(properties));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        registration.addUrlPatterns("/*");
        return registration;
    }
}
