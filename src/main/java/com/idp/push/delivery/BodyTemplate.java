package com.idp.push.delivery;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;

/**
 * A webhook's Mustache template for the JSON request body, compiled once when the webhook is
 * saved and rendered for every delivery.
 * <p>
 * How a value is printed depends on where its tag stands in the template's JSON, decided when
 * the template is compiled ({@link JsonPlacement}): inside the quotes of a string literal
 * ({@code "{{task_id}}"}) as escaped string content, anywhere else as one complete JSON value
 * (strings quoted, {@code {{result_json}}} and {@code {{meta_info}}} as JSON, missing as
 * {@code null}); see {@link JsonValueCode}. So event data can change neither the structure nor the
 * types the template defines. Dotted names reach inside the objects. Every rendered body is still
 * parsed before it is returned, since a template can depend on data (e.g. {@code 1{{result_json.x}}}).
 * <p>
 * Rendering is bounded ({@link TemplateLimits}): the body is streamed into a buffer that refuses to
 * pass the byte cap, and section iterations are counted; templates that multiply event data are
 * refused when saved ({@link AmplificationCheck}).
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
     * the source is not valid Mustache, uses partials ({{> x}}) or other unsupported features, has
     * a section whose body opens or closes a JSON string, would print event data once per array
     * element (amplification), or does not render valid JSON for sample data (sample strings full
     * of quotes, backslashes, newlines, unicode; sample objects).
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
        // Both walk the compiled tree; placements must be set before the first (sample) render.
        JsonPlacement.assign(mustache.getCodes());
        AmplificationCheck.check(mustache.getCodes());
        BodyTemplate template = new BodyTemplate(source, mustache);
        template.checkRendersJsonForSampleData();
        return template;
    }

    /** As {@link #render(TemplateVariables, TemplateLimits)} with the default limits. */
    public byte[] render(TemplateVariables vars) {
        return render(vars, TemplateLimits.DEFAULT);
    }

    /**
     * Renders to UTF-8 bytes; throws TemplateRenderException (unchecked) when the output is not a
     * single valid JSON value or a limit is passed (the message says which). Thread-safe.
     */
    public byte[] render(TemplateVariables vars, TemplateLimits limits) {
        Objects.requireNonNull(limits, "limits");
        return render(vars, new BoundedBodyWriter(limits, source.length() + 256));
    }

    /** Renders into {@code out}; package-private so tests can see what the writer held. */
    byte[] render(TemplateVariables vars, BoundedBodyWriter out) {
        Objects.requireNonNull(vars, "vars");
        byte[] body;
        try {
            body = execute(TemplateScope.of(vars), out);
        } catch (RenderLimitException e) {
            throw new TemplateRenderException("Body template went over a limit: " + e.getMessage(), e);
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

    private byte[] execute(Map<String, Object> scope, BoundedBodyWriter out) {
        mustache.execute(out, scope);
        return out.toByteArray();
    }

    private void checkRendersJsonForSampleData() throws InvalidTemplateException {
        byte[] sample;
        try {
            sample = execute(TemplateScope.sample(), new BoundedBodyWriter(TemplateLimits.DEFAULT, source.length() + 256));
        } catch (RenderLimitException e) {
            throw new InvalidTemplateException("Template goes over a limit even for sample data: " + e.getMessage(), e);
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
