package com.idp.push.config;

import java.util.List;

import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Runs {@link SecretSettingsCheck} at start-up and refuses to start on a problem, before any bean exists:
 * so a placeholder never reaches Postgres or the API, and a missing database password is reported as such
 * rather than as a failed login. Listens for {@link ApplicationPreparedEvent} (registered in
 * {@code META-INF/spring.factories}) because by then every property source is in place, also those that
 * initializers add (the local run's embedded database, the tests' {@code @DynamicPropertySource}), and
 * the active profiles are known. Settings are bound as Spring binds them (relaxed names, comma lists).
 */
public final class SecretSettingsGuard implements ApplicationListener<ApplicationPreparedEvent> {

    @Override
    public void onApplicationEvent(ApplicationPreparedEvent event) {
        check(event.getApplicationContext().getEnvironment());
    }

    static void check(ConfigurableEnvironment environment) {
        Binder binder = Binder.get(environment);
        List<String> problems = SecretSettingsCheck.problems(secret -> secret.list()
                ? binder.bind(secret.property(), Bindable.listOf(String.class)).orElse(List.of())
                : binder.bind(secret.property(), String.class).map(List::of).orElse(List.of()),
                environment.matchesProfiles("local"));
        if (!problems.isEmpty()) {
            throw new UnsafeSettingsException(problems);
        }
    }
}
