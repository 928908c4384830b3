package com.idp.push.local;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.web.SecurityFilterChain;

/** The local run's demo: a receiver inside the service, three webhooks pointing at it, sample events. */
@Configuration(proxyBeanMethods = false)
@Import({DemoReceiverController.class, DemoEventController.class, DemoSetup.class})
class DemoConfiguration {

    /**
     * The demo receiver stands in for a customer's endpoint, which checks the signature, not idp-push's
     * API token: its POSTs are let through (only in the local run; the firewall still applies).
     */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    SecurityFilterChain demoReceiverSecurity(HttpSecurity http) throws Exception {
        return http.securityMatcher("/demo/receiver/**")
                .authorizeHttpRequests(requests -> requests.requestMatchers(HttpMethod.POST, "/demo/receiver/**").permitAll()
                        .anyRequest().denyAll())
                .csrf(AbstractHttpConfigurer::disable)
                .build();
    }
}
