package com.idp.push.delivery;

import java.io.IOException;
import java.io.Writer;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * Writes JSON text for template values. This is the single place that decides how event data is
 * turned into characters, so every value a template prints goes through the same escaping.
 * Strings are escaped per RFC 8259 ({@code "}, {@code \} and U+0000..U+001F) plus U+2028/U+2029,
 * which are legal in JSON but break JavaScript consumers that evaluate it.
 */
final class JsonText {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private JsonText() {
    }

    /** Writes the content of a JSON string literal for {@code value}, without the quotes. */
    static void writeEscaped(Writer out, String value) throws IOException {
        int length = value.length();
        int runStart = 0;
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            String shortEscape = shortEscape(c);
            boolean needsUnicodeEscape = shortEscape == null
                    && (c < 0x20 || c == '\u2028' || c == '\u2029');
            if (shortEscape == null && !needsUnicodeEscape) {
                continue;
            }
            // Unescaped characters are copied in runs to keep the common case cheap.
            if (i > runStart) {
                out.write(value, runStart, i - runStart);
            }
            if (shortEscape != null) {
                out.write(shortEscape);
            } else {
                out.write(new char[] {'\\', 'u', HEX[c >> 12], HEX[(c >> 8) & 0xF], HEX[(c >> 4) & 0xF], HEX[c & 0xF]});
            }
            runStart = i + 1;
        }
        if (runStart < length) {
            out.write(value, runStart, length - runStart);
        }
    }

    /**
     * A writer that escapes everything written to it as JSON string content before passing it on, so a
     * value's JSON text can be streamed into a string literal without being built as a String first.
     */
    static Writer escaping(Writer out) {
        return new Writer() {
            @Override
            public void write(char[] chars, int offset, int length) throws IOException {
                writeEscaped(out, new String(chars, offset, length));
            }

            @Override
            public void write(String text, int offset, int length) throws IOException {
                writeEscaped(out, offset == 0 && length == text.length() ? text : text.substring(offset, offset + length));
            }

            @Override
            public void write(int c) throws IOException {
                writeEscaped(out, String.valueOf((char) c));
            }

            @Override
            public void flush() throws IOException {
                out.flush();
            }

            @Override
            public void close() {
                // The underlying writer belongs to the render.
            }
        };
    }

    private static String shortEscape(char c) {
        return switch (c) {
            case '"' -> "\\\"";
            case '\\' -> "\\\\";
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            case '\b' -> "\\b";
            case '\f' -> "\\f";
            default -> null;
        };
    }

    /** Writes {@code node} as compact JSON, escaping strings (and keys) like {@link #writeEscaped}. */
    static void writeNode(Writer out, JsonNode node) throws IOException {
        if (node == null || node.isMissingNode() || node.isNull()) {
            out.write("null");
            return;
        }
        switch (node.getNodeType()) {
            case OBJECT -> {
                out.write('{');
                boolean first = true;
                for (Map.Entry<String, JsonNode> property : node.properties()) {
                    if (!first) {
                        out.write(',');
                    }
                    first = false;
                    writeQuoted(out, property.getKey());
                    out.write(':');
                    writeNode(out, property.getValue());
                }
                out.write('}');
            }
            case ARRAY -> {
                out.write('[');
                for (int i = 0; i < node.size(); i++) {
                    if (i > 0) {
                        out.write(',');
                    }
                    writeNode(out, node.get(i));
                }
                out.write(']');
            }
            case STRING -> writeQuoted(out, node.stringValue());
            case NUMBER -> out.write(node.numberValue().toString());
            case BOOLEAN -> out.write(node.booleanValue() ? "true" : "false");
            // Binary and POJO nodes never come out of parsed JSON; keep them harmless as strings.
            default -> writeQuoted(out, node.toString());
        }
    }

    private static void writeQuoted(Writer out, String value) throws IOException {
        out.write('"');
        writeEscaped(out, value);
        out.write('"');
    }
}
