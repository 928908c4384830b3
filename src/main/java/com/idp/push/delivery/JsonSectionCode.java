package com.idp.push.delivery;

import java.io.Writer;
import java.util.List;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.TemplateContext;
import com.github.mustachejava.codes.IterableCode;

/** {@code {{#name}}...{{/name}}}: counts every iteration against the render's budget before running it. */
final class JsonSectionCode extends IterableCode implements JsonTemplateCode {

    JsonSectionCode(TemplateContext tc, DefaultMustacheFactory factory, Mustache body, String variable) {
        super(tc, factory, body, variable);
    }

    @Override
    public Writer next(Writer writer, Object next, List<Object> scopes) {
        budget(writer).countIteration();
        return super.next(writer, next, scopes);
    }

    private BoundedBodyWriter budget(Writer writer) {
        // Values of body templates are never lambdas or futures, so the engine never swaps the writer.
        if (writer instanceof BoundedBodyWriter bounded) {
            return bounded;
        }
        throw new IllegalStateException("body templates render only into a BoundedBodyWriter");
    }

    /** The name of the section, e.g. {@code result_json.items}. */
    String variable() {
        return name;
    }

    int line() {
        return tc.line();
    }

    @Override
    public String trailingText() {
        return appended == null ? "" : appended;
    }
}
