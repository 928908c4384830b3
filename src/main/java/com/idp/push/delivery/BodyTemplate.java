package com.idp.push.delivery;

import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;

/**
 * A webhook's Mustache template for the JSON request body, compiled once when the webhook is
 * saved and rendered for every delivery.
 * <p>
 * Strings are printed JSON-escaped without quotes (the template writes {@code "{{task_id}}"}),
 * {@code {{result_json}}} and {@code {{meta_info}}} as JSON, and dotted names reach inside them.
 * Because every printed value is escaped or is itself JSON, event data cannot change the
 * structure the template defines. Every rendered body is still parsed before it is returned,
 * since a template can depend on data (e.g. a bare {@code {{result_json.amount}}} that is absent).
 * <p>
 * Instances are immutable and safe to use from many threads.
 */
public final class BodyTemplate {

    private static final String TEMPLATE_NAME = "webhook-body";
    private static final int MAX_SAMPLE_IN_MESSAGE = 500;

    private final String source;
    private final Mustache mustache;

    private BodyTemplate(String source, Mustache mustache) {
        this.source = source;
        this.mustache = mustache;
    }

    /**
     * Compiles and validates: throws InvalidTemplateException (message says what is wrong) when
     * the source is not valid Mustache, uses partials ({{> x}}) or other unsupported features, or
     * does not render valid JSON for sample data (sample strings full of quotes, backslashes,
     * newlines, unicode; sample objects).
     */
    public static BodyTemplate compile(String source) throws InvalidTemplateException {
        Objects.requireNonNull(source, "source");
        Mustache mustache;
        try {
            // A fresh factory per template: nothing compiled or cached leaks between webhooks.
            mustache = new JsonSafeMustacheFactory().compile(new StringReader(source), TEMPLATE_NAME);
        } catch (MustacheException e) {
            throw new InvalidTemplateException("Invalid Mustache template: " + e.getMessage(), e);
        }
        BodyTemplate template = new BodyTemplate(source, mustache);
        template.checkRendersJsonForSampleData();
        return template;
    }

    /**
     * Renders to UTF-8 bytes; throws TemplateRenderException (unchecked) when the output is not a
     * single valid JSON value. Thread-safe.
     */
    public byte[] render(TemplateVariables vars) {
        Objects.requireNonNull(vars, "vars");
        byte[] body;
        try {
            body = execute(TemplateScope.of(vars));
        } catch (MustacheException e) {
            throw new TemplateRenderException("Body template failed to render: " + e.getMessage(), e);
        }
        String problem = JsonValidator.problemWith(body);
        if (problem != null) {
            throw new TemplateRenderException("Body template rendered invalid JSON for this event: " + problem);
        }
        return body;
    }

    public String source() {
        return source;
    }

    private byte[] execute(Map<String, Object> scope) {
        StringWriter writer = new StringWriter(source.length() + 256);
        mustache.execute(writer, scope);
        return writer.toString().getBytes(StandardCharsets.UTF_8);
    }

    private void checkRendersJsonForSampleData() throws InvalidTemplateException {
        byte[] sample;
        try {
            sample = execute(TemplateScope.sample());
        } catch (MustacheException e) {
            throw new InvalidTemplateException("Template cannot be rendered: " + e.getMessage(), e);
        }
        String problem = JsonValidator.problemWith(sample);
        if (problem != null) {
            throw new InvalidTemplateException("Template does not render valid JSON: " + problem
                    + ". Output for sample data: " + abbreviate(new String(sample, StandardCharsets.UTF_8)));
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= MAX_SAMPLE_IN_MESSAGE ? text : text.substring(0, MAX_SAMPLE_IN_MESSAGE) + "...";
    }

    @Override
    public String toString() {
        return "BodyTemplate[" + abbreviate(source) + "]";
    }
}
