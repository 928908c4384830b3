package com.idp.push.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.idp.push.config.SecretSettingsCheck.Secret;

class SecretSettingsCheckTest {

    private static final String TOKEN = "0123456789abcdef0123456789abcdef";
    private static final String KEY = "aWRwLXB1c2gtaW50ZWdyYXRpb24tdGVzdC1rZXktMzI=";

    private final Map<Secret, List<String>> settings = new HashMap<>(Map.of(
            SecretSettingsCheck.API_TOKEN, List.of(TOKEN),
            SecretSettingsCheck.ENCRYPTION_KEY, List.of(KEY),
            SecretSettingsCheck.DATABASE_PASSWORD, List.of("s3cret-db")));

    private List<String> problems(boolean local) {
        return SecretSettingsCheck.problems(secret -> settings.getOrDefault(secret, List.of()), local);
    }

    @Test
    void chosenSecretsPass() {
        assertThat(problems(false)).isEmpty();
        settings.put(SecretSettingsCheck.OLD_ENCRYPTION_KEYS, List.of(KEY));
        assertThat(problems(false)).isEmpty();
    }

    @Test
    void eachPlaceholderOfEnvExampleIsRefusedNamingTheVariableAndHowToGenerateIt() {
        settings.put(SecretSettingsCheck.API_TOKEN, List.of("change-me-openssl-rand-hex-32"));
        settings.put(SecretSettingsCheck.ENCRYPTION_KEY, List.of("change-me-openssl-rand-base64-32"));
        settings.put(SecretSettingsCheck.DATABASE_PASSWORD, List.of("change-me-openssl-rand-hex-16"));
        List<String> problems = problems(false);
        assertThat(problems).hasSize(3);
        assertThat(problems.get(0)).startsWith("IDP_PUSH_API_TOKEN (idp.push.api.tokens) still holds the placeholder")
                .contains("openssl rand -hex 32").doesNotContain("change-me-openssl");
        assertThat(problems.get(1)).startsWith("IDP_PUSH_ENCRYPTION_KEY (idp.push.encryption.key)")
                .contains("openssl rand -base64 32");
        assertThat(problems.get(2)).startsWith("DATABASE_PASSWORD (spring.datasource.password)")
                .contains("openssl rand -hex 16");
    }

    @Test
    void aPlaceholderIsRefusedInTheLocalProfileToo() {
        settings.put(SecretSettingsCheck.DATABASE_PASSWORD, List.of("change-me-openssl-rand-hex-16"));
        assertThat(problems(true)).singleElement().asString().startsWith("DATABASE_PASSWORD");
    }

    @Test
    void aPlaceholderAmongSeveralTokensOrOldKeysIsRefused() {
        settings.put(SecretSettingsCheck.API_TOKEN, List.of(TOKEN, " CHANGE-ME-too"));
        settings.put(SecretSettingsCheck.OLD_ENCRYPTION_KEYS, List.of(KEY, "change-me"));
        assertThat(problems(false)).hasSize(2).anySatisfy(p -> assertThat(p).startsWith("IDP_PUSH_API_TOKEN"))
                .anySatisfy(p -> assertThat(p).startsWith("IDP_PUSH_ENCRYPTION_OLD_KEYS"));
    }

    @Test
    void aMissingDatabasePasswordIsRefusedOutsideTheLocalProfileOnly() {
        for (List<String> missing : List.of(List.<String>of(), List.of(""), List.of("  "), List.of("${DATABASE_PASSWORD}"))) {
            settings.put(SecretSettingsCheck.DATABASE_PASSWORD, missing);
            assertThat(problems(false)).as("%s", missing).singleElement().asString()
                    .startsWith("DATABASE_PASSWORD (spring.datasource.password) is not set")
                    .contains("outside the local profile");
            assertThat(problems(true)).as("local, %s", missing).isEmpty();
        }
    }

    @Test
    void missingTokensAndKeysAreLeftToTheFeaturesThatUseThem() {
        settings.remove(SecretSettingsCheck.API_TOKEN);
        settings.remove(SecretSettingsCheck.ENCRYPTION_KEY);
        assertThat(problems(false)).isEmpty();
    }
}
