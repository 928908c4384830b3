package com.idp.push.delivery;

import java.io.IOException;
import java.io.Writer;
import java.util.AbstractMap;
import java.util.Set;

/**
 * Stand-in for {@code result_json}/{@code meta_info} when a template is checked at save time.
 * The real shape of those objects is unknown then, so the check must not refuse a template
 * that is fine for real events: every dotted name inside a sample object resolves to
 * {@link #ANY}, which prints as a number, a value that is valid JSON both bare
 * ({@code {{result_json.amount}}}) and inside quotes ({@code "{{result_json.name}}"}), and is
 * itself a sample object, so deeper names and sections resolve too. The top-level objects
 * print as a real JSON object with hostile strings, so a template that quotes them is refused.
 * <p>
 * The root names (task_id, ...) are not claimed, so inside a section they still resolve to the
 * hostile sample strings of the root scope.
 */
final class SampleValue extends AbstractMap<String, Object> implements JsonView {

    static final SampleValue ANY = new SampleValue("1");
    static final SampleValue OBJECT = new SampleValue(
            "{\"sample\":\"\\\"}, \\\\ \\n \\u2028 日本語 😀\",\"n\":1,\"list\":[1,\"a\"],\"obj\":{}}");

    private final String json;

    private SampleValue(String json) {
        this.json = json;
    }

    @Override
    public boolean containsKey(Object key) {
        return key instanceof String name && !TemplateScope.NAMES.contains(name);
    }

    @Override
    public Object get(Object key) {
        return containsKey(key) ? ANY : null;
    }

    /** Empty: a sample object answers any name but has no enumerable content. */
    @Override
    public Set<Entry<String, Object>> entrySet() {
        return Set.of();
    }

    @Override
    public void writeJson(Writer out) throws IOException {
        out.write(json);
    }
}
