package com.idp.push.local;

import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** The local run's demo: a receiver inside the service, three webhooks pointing at it, sample events. */
@Configuration(proxyBeanMethods = false)
@Import({DemoReceiverController.class, DemoEventController.class, DemoSetup.class})
class DemoConfiguration {
}
