package com.idp.push.config;

import java.util.stream.Collectors;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Prints a refused start-up as Spring Boot's "APPLICATION FAILED TO START" report, one line per setting
 * to fix, without a stack trace: the operator needs the variable's name, not the call chain.
 */
public final class UnsafeSettingsFailureAnalyzer extends AbstractFailureAnalyzer<UnsafeSettingsException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, UnsafeSettingsException cause) {
        String description = cause.problems().stream().map(p -> "  - " + p)
                .collect(Collectors.joining("\n", "idp-push refuses to start with these settings:\n\n", "\n"));
        String action = "Set the variables named above (in .env for docker compose, in the chart's secret on Kubernetes, "
                + "or as Spring properties) and start again. A placeholder is refused in every profile.";
        return new FailureAnalysis(description, action, cause);
    }
}
