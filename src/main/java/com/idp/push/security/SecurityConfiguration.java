package com.idp.push.security;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AuthenticationEntryPointFailureHandler;
import org.springframework.security.web.authentication.AuthenticationFilter;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.firewall.StrictHttpFirewall;

import jakarta.servlet.DispatcherType;

/**
 * Puts every HTTP path behind the API token, deny by default (Spring Security). Open without a token,
 * for GET and HEAD only: the health probes, and what {@link ApiProperties.Open} leaves open (console
 * files, Prometheus, API docs). Everything else, including paths no controller serves, answers 401
 * without a token.
 * <p>
 * Authorisation decides on the same normalised path that Spring MVC routes, and the
 * {@link StrictHttpFirewall} refuses with 400 every request whose path is not already in that form,
 * so no spelling of a path can be authorised as one thing and routed as another.
 * <p>
 * Outside the {@code local} profile, start-up fails when no token is configured: an operator API that
 * is open by accident is worse than one that does not start.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);

    static final List<String> HEALTH = List.of("/actuator/health", "/actuator/health/**");
    static final List<String> CONSOLE = List.of("/console", "/console/**");
    static final List<String> PROMETHEUS = List.of("/actuator/prometheus");
    static final List<String> API_DOCS = List.of("/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**");

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
    ApiTokens apiTokens(ApiProperties properties, Environment environment) {
        ApiTokens tokens = new ApiTokens(properties.tokens());
        if (tokens.isEmpty()) {
            boolean local = Set.of(environment.getActiveProfiles()).contains("local");
            if (!local) {
                throw new IllegalStateException("IDP_PUSH_API_TOKEN is not set: set it to one or more comma-separated "
                        + "tokens of at least 16 characters (e.g. `openssl rand -hex 32`), or run with the local profile");
            }
            log.warn("No API token configured (local profile): every API call will be refused with 401. Active profiles: {}",
                    Arrays.toString(environment.getActiveProfiles()));
        }
        return tokens;
    }

    /** Also keeps Spring Boot from creating its default user with a generated password. */
    @Bean
    AuthenticationManager apiTokenAuthenticationManager(ApiTokens tokens) {
        return new ProviderManager(new ApiTokenAuthenticationProvider(tokens));
    }

    @Bean
    SecurityFilterChain apiSecurity(HttpSecurity http, ApiProperties properties, AuthenticationManager manager)
            throws Exception {
        AuthenticationFilter bearer = new AuthenticationFilter(manager, new BearerTokenConverter());
        bearer.setFailureHandler(new AuthenticationEntryPointFailureHandler(ProblemResponses.unauthorized()));
        bearer.setSuccessHandler((request, response, authentication) -> {
            // no redirect, no session: the request simply goes on to its controller
        });
        List<String> open = openPaths(properties.open());
        http.authorizeHttpRequests(requests -> requests
                        // an error dispatch renders the error of a request that was already authorised
                        .dispatcherTypeMatchers(DispatcherType.ERROR).permitAll()
                        .requestMatchers(HttpMethod.GET, open.toArray(String[]::new)).permitAll()
                        .requestMatchers(HttpMethod.HEAD, open.toArray(String[]::new)).permitAll()
                        .anyRequest().authenticated())
                .addFilterBefore(bearer, BasicAuthenticationFilter.class)
                .exceptionHandling(errors -> errors.authenticationEntryPoint(ProblemResponses.unauthorized()))
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(AbstractHttpConfigurer::disable)
                // a bearer token is never sent by a browser on its own: no cookie, no CSRF
                .csrf(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable);
        return http.build();
    }

    /** Spring Security's default, made explicit: it is what keeps the rules above sound. */
    @Bean
    HttpFirewall httpFirewall() {
        return new StrictHttpFirewall();
    }

    @Bean
    RequestRejectedHandler requestRejectedHandler() {
        return ProblemResponses.rejected();
    }

    static List<String> openPaths(ApiProperties.Open open) {
        List<String> paths = new ArrayList<>(HEALTH);
        if (open.console()) {
            paths.addAll(CONSOLE);
        }
        if (open.prometheus()) {
            paths.addAll(PROMETHEUS);
        }
        if (open.apiDocs()) {
            paths.addAll(API_DOCS);
        }
        return List.copyOf(paths);
    }
}
