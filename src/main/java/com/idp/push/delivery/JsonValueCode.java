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
 * Prints one {@code {{name}}} so that no value can change the structure or the types of the JSON around
 * it. How depends on where the tag stands in the template's JSON ({@link JsonPlacement}, decided at
 * compile time), never on the value:
 * <ul>
 * <li>outside a string literal, every value is one complete JSON value: a string is quoted and escaped
 * (so {@code "true"}, {@code "1,2,3"} or {@code "{}"} stay strings), an object or array is its JSON,
 * a number or boolean its JSON text, null or missing {@code null};</li>
 * <li>inside a string literal, every value is escaped string content: a string as itself, an object or
 * array as its JSON text, a number or boolean as its text, null or missing as nothing.</li>
 * </ul>
 * {@code {{{name}}}} and {@code {{& name}}} behave the same: there is deliberately no raw mode.
 */
final class JsonValueCode extends ValueCode implements JsonTemplateCode {

    // Set once by JsonPlacement while the template is compiled, before it is published (BodyTemplate's final
    // field). Until then quoting is the safe choice: a quoted value can make a body invalid, never reshape it.
    private Placement placement = Placement.OUT_OF_STRING;

    JsonValueCode(TemplateContext tc, DefaultMustacheFactory factory, String variable) {
        super(tc, factory, variable, true);
    }

    void place(Placement placement) {
        this.placement = placement;
    }

    Placement placement() {
        return placement;
    }

    int line() {
        return tc.line();
    }

    @Override
    public Writer execute(Writer writer, List<Object> scopes) {
        Object value = get(scopes);
        try {
            if (placement == Placement.IN_STRING) {
                writeInString(writer, value);
            } else {
                writeOutOfString(writer, value);
            }
        } catch (IOException e) {
            throw new MustacheException("Failed to write {{" + name + "}}", e, tc);
        }
        // What DefaultCode.execute does after the value: run nested codes and the text that follows.
        return appendText(run(writer, scopes));
    }

    private void writeOutOfString(Writer writer, Object value) throws IOException {
        if (value == null) {
            writer.write("null");
        } else if (value instanceof JsonView view) {
            view.writeJson(writer);
        } else if (value instanceof String text) {
            writer.write('"');
            JsonText.writeEscaped(writer, text);
            writer.write('"');
        } else if (value instanceof Number || value instanceof Boolean) {
            writer.write(value.toString());
        } else {
            throw notAValue(value);
        }
    }

    private void writeInString(Writer writer, Object value) throws IOException {
        if (value == null) {
            return;
        }
        if (value instanceof JsonView view) {
            // Streamed through the escaper: the JSON text of a large object is never held as a String.
            view.writeJson(JsonText.escaping(writer));
        } else if (value instanceof String text) {
            JsonText.writeEscaped(writer, text);
        } else if (value instanceof Number || value instanceof Boolean) {
            writer.write(value.toString());
        } else {
            throw notAValue(value);
        }
    }

    private MustacheException notAValue(Object value) {
        if (value instanceof Map || value instanceof List) {
            // Only the root scope is a plain map; it is reachable with {{.}} outside any section.
            return new MustacheException("{{" + name + "}} does not name a value", tc);
        }
        return new MustacheException("{{" + name + "}} has an unsupported value type", tc);
    }

    @Override
    public String trailingText() {
        return appended == null ? "" : appended;
    }
}
