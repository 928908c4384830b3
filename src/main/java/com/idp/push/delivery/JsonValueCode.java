package com.idp.push.delivery;

import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Map;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.MustacheException;
import com.github.mustachejava.TemplateContext;
import com.github.mustachejava.codes.ValueCode;

/**
 * Prints one {@code {{name}}} so that no value can change the structure of the JSON around it:
 * strings are JSON-escaped (without quotes; the template supplies them), objects and arrays are
 * written as JSON, numbers and booleans as their JSON text, null and missing values as nothing.
 * {@code {{{name}}}} and {@code {{& name}}} behave the same: there is deliberately no raw mode.
 */
final class JsonValueCode extends ValueCode {

    JsonValueCode(TemplateContext tc, DefaultMustacheFactory factory, String variable) {
        super(tc, factory, variable, true);
    }

    @Override
    public Writer execute(Writer writer, List<Object> scopes) {
        Object value = get(scopes);
        try {
            write(writer, value);
        } catch (IOException e) {
            throw new MustacheException("Failed to write {{" + name + "}}", e, tc);
        }
        // What DefaultCode.execute does after the value: run nested codes and the text that follows.
        return appendText(run(writer, scopes));
    }

    private void write(Writer writer, Object value) throws IOException {
        if (value == null) {
            return;
        }
        if (value instanceof JsonView view) {
            view.writeJson(writer);
        } else if (value instanceof String text) {
            JsonText.writeEscaped(writer, text);
        } else if (value instanceof Number || value instanceof Boolean) {
            writer.write(value.toString());
        } else if (value instanceof Map || value instanceof List) {
            // Only the root scope is a plain map; it is reachable with {{.}} outside any section.
            throw new MustacheException("{{" + name + "}} does not name a value", tc);
        } else {
            throw new MustacheException("{{" + name + "}} has an unsupported value type", tc);
        }
    }
}
