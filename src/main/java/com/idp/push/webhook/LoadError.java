package com.idp.push.webhook;

import java.util.List;

/**
 * Why a stored webhook could not be loaded. The kinds differ in what heals them, so the pipeline treats them
 * differently; every {@link #detail()} names the webhook and the problem and never holds a secret or a
 * ciphertext.
 */
public sealed interface LoadError {

    /** Every {@link #kind()}. */
    List<String> KINDS = List.of("secret", "template", "other");

    String detail();

    /** The metric tag: secret, template or other. */
    String kind();

    /**
     * A secret does not decrypt with the configured keys: typically a key rotation in progress (the row was
     * written under a key this instance does not have yet), which heals when the key is configured.
     */
    record SecretUnreadable(String detail) implements LoadError {
        @Override
        public String kind() {
            return "secret";
        }
    }

    /**
     * The stored body template is refused by this version's template rules (e.g. rules made stricter after it
     * was saved): only a new template, saved by an operator, heals it.
     */
    record TemplateInvalid(String detail) implements LoadError {
        @Override
        public String kind() {
            return "template";
        }
    }

    /** Anything else that makes the row unusable (a URL that does not parse, unreadable JSON): a data fix heals it. */
    record Unusable(String detail) implements LoadError {
        @Override
        public String kind() {
            return "other";
        }
    }
}
