package com.idp.push.ssrf;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

import com.idp.push.config.PushProperties;
import com.idp.push.webhook.SaveTimeUrlCheck;

/** Wires the SSRF guard from {@code idp.push.security.*}. */
@Configuration(proxyBeanMethods = false)
class SsrfConfiguration {

    @Bean
    AddressPolicy addressPolicy(PushProperties properties) {
        PushProperties.Security security = properties.security();
        return new AddressPolicy(security.allowPrivateNetworks(), security.allowedRanges());
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(HostResolver.class)
    SystemHostResolver hostResolver(PushProperties properties) {
        return new SystemHostResolver(properties.security().dnsLookupThreads());
    }

    @Bean
    AddressGuard addressGuard(AddressPolicy policy, HostResolver resolver) {
        return new AddressGuard(policy, resolver);
    }

    /**
     * Primary over the webhook feature's no-op default: which of two {@code @ConditionalOnMissingBean}
     * user configurations is processed first is not something to rely on.
     */
    @Bean
    @Primary
    SaveTimeUrlCheck literalAddressUrlCheck(AddressPolicy policy) {
        return new LiteralAddressUrlCheck(policy);
    }
}
