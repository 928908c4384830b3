package com.idp.push.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The secrets whoever runs idp-push must choose: none may keep the placeholder {@code .env.example} ships
 * with (a value starting {@code change-me}), in any profile, since a placeholder is public and never right;
 * and outside the {@code local} profile the database password must be set, as idp-push has no default for
 * it there. (A missing API token or encryption key is refused by the features that use them.) Pure: reads
 * the settings through {@link Settings}, so it is tested without Spring; {@link SecretSettingsGuard} runs it
 * at start-up.
 */
public final class SecretSettingsCheck {

    /** How every placeholder of .env.example starts (e.g. {@code change-me-openssl-rand-hex-32}). */
    public static final String PLACEHOLDER_PREFIX = "change-me";

    /** A placeholder Spring could not resolve is left in the value as it is, e.g. {@code ${DATABASE_PASSWORD}}. */
    private static final Pattern UNRESOLVED = Pattern.compile("\\$\\{[^}]*}");

    /**
     * A secret setting.
     *
     * @param variable the environment variable the operator sets (SPEC §7, .env.example)
     * @param property the Spring property it maps to
     * @param list whether it holds a comma-separated list (each entry is checked)
     * @param remedy what to set instead, with how to generate it
     */
    public record Secret(String variable, String property, boolean list, String remedy) {
    }

    public static final Secret API_TOKEN = new Secret("IDP_PUSH_API_TOKEN", "idp.push.api.tokens", true,
            "a token of your own (at least 16 characters), e.g. `openssl rand -hex 32`");
    public static final Secret ENCRYPTION_KEY = new Secret("IDP_PUSH_ENCRYPTION_KEY", "idp.push.encryption.key", false,
            "the base64 of 32 random bytes, e.g. `openssl rand -base64 32`, and keep it safe: webhook secrets are stored "
                    + "encrypted with it");
    public static final Secret OLD_ENCRYPTION_KEYS = new Secret("IDP_PUSH_ENCRYPTION_OLD_KEYS",
            "idp.push.encryption.old-keys", true, "the earlier keys really in use (comma-separated), or leave it empty");
    public static final Secret DATABASE_PASSWORD = new Secret("DATABASE_PASSWORD", "spring.datasource.password", false,
            "the password of the database user (DATABASE_USER); for a new database, generate one, e.g. `openssl rand -hex 16`");

    public static final List<Secret> SECRETS = List.of(API_TOKEN, ENCRYPTION_KEY, OLD_ENCRYPTION_KEYS, DATABASE_PASSWORD);

    /** Where the check reads settings from. */
    @FunctionalInterface
    public interface Settings {
        /** The values of a setting (several for a list setting), none when it is not set. */
        List<String> values(Secret secret);
    }

    private SecretSettingsCheck() {
    }

    /** One sentence per problem, naming the variable to set and how; empty when all is well. */
    public static List<String> problems(Settings settings, boolean localProfile) {
        List<String> problems = new ArrayList<>();
        for (Secret secret : SECRETS) {
            List<String> values = settings.values(secret).stream().filter(v -> !isUnset(v)).toList();
            if (values.stream().anyMatch(SecretSettingsCheck::isPlaceholder)) {
                problems.add("%s (%s) still holds the placeholder of .env.example (a value starting \"%s\"): set it to %s"
                        .formatted(secret.variable(), secret.property(), PLACEHOLDER_PREFIX, secret.remedy()));
            } else if (secret == DATABASE_PASSWORD && values.isEmpty() && !localProfile) {
                problems.add("%s (%s) is not set: there is no default database password outside the local profile; set it to %s"
                        .formatted(secret.variable(), secret.property(), secret.remedy()));
            }
        }
        return problems;
    }

    static boolean isPlaceholder(String value) {
        return value.strip().toLowerCase(Locale.ROOT).startsWith(PLACEHOLDER_PREFIX);
    }

    /** Null, blank, or a placeholder Spring left unresolved because the variable is not set. */
    static boolean isUnset(String value) {
        return value == null || value.isBlank() || UNRESOLVED.matcher(value.strip()).matches();
    }
}
