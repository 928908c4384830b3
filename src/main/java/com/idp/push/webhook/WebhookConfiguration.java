package com.idp.push.webhook;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the webhook feature's collaborators that are not components themselves. */
@Configuration(proxyBeanMethods = false)
class WebhookConfiguration {

    @Bean
    @ConditionalOnMissingBean
    SecretCipher secretCipher() {
        return new PlaintextSecretCipher();
    }

    /** Save-time URL check; replaced by the SSRF guard's. */
    @Bean
    @ConditionalOnMissingBean
    SaveTimeUrlCheck urlCheck() {
        return url -> null;
    }
}
