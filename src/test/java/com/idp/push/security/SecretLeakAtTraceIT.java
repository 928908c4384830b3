package com.idp.push.security;

import org.junit.jupiter.api.AfterAll;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * {@link SecretLeakIT} with Spring MVC and every idp-push logger at TRACE: an operator debugging a
 * webhook switches these on, and at TRACE Spring logs request details and the objects it reads and
 * writes. No secret may appear even then.
 *
 * <p>Its own context (different logging) with its own topics and consumer groups, so that it neither sees
 * the shared context's records nor takes partitions from it; closed afterwards, and the levels put back,
 * because log levels are JVM-wide and the next test classes should not log at TRACE.
 */
@TestPropertySource(properties = {
        "logging.level.org.springframework.web=TRACE",
        "logging.level.com.idp.push=TRACE",
        "logging.level.idp.push=TRACE",
        "idp.push.topics.input=trace.task.completed",
        "idp.push.topics.invalid=trace.push.invalid",
        "idp.push.topics.replay=trace.push.replay",
        "idp.push.topics.dlq=trace.push.dlq",
        "idp.push.topics.attempts=trace.push.attempts",
        "idp.push.topics.retry-prefix=trace.push.retry-",
        "idp.push.engine.group-id=idp-push-trace",
        "idp.push.sinks.log-group-id=idp-push-trace-log-sink",
        "idp.push.sinks.dlq-group-id=idp-push-trace-dlq-sink"})
@DirtiesContext
class SecretLeakAtTraceIT extends SecretLeakIT {

    @AfterAll
    static void restoreLevels() {
        LoggingSystem logging = LoggingSystem.get(SecretLeakAtTraceIT.class.getClassLoader());
        for (String logger : new String[] {"org.springframework.web", "com.idp.push", "idp.push"}) {
            logging.setLogLevel(logger, null);
        }
    }
}
