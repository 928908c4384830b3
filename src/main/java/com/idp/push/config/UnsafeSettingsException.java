package com.idp.push.config;

import java.util.List;

/** Start-up refused: secrets left at a placeholder, or missing (see {@link SecretSettingsCheck}). */
public final class UnsafeSettingsException extends IllegalStateException {

    private final List<String> problems;

    public UnsafeSettingsException(List<String> problems) {
        super("idp-push refuses to start: " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    /** One sentence per setting to fix. */
    public List<String> problems() {
        return problems;
    }
}
