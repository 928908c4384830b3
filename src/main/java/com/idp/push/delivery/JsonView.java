package com.idp.push.delivery;

import java.io.IOException;
import java.io.Writer;

import tools.jackson.databind.JsonNode;

/**
 * A JSON object or array as the Mustache engine sees it. Views are plain {@link java.util.Map}s
 * and {@link java.util.List}s so that dotted names and sections work with
 * {@link com.github.mustachejava.reflect.MapObjectHandler}, which never reflects on Java objects;
 * printing a view writes its JSON text.
 */
interface JsonView {

    /** Writes this value as compact JSON. */
    void writeJson(Writer out) throws IOException;

    /**
     * Converts a Jackson node into what a template scope holds: object → map view, array → list
     * view, string → String, number → Number, boolean → Boolean, null or missing → null.
     */
    static Object of(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return null;
        }
        return switch (node.getNodeType()) {
            case OBJECT -> new JsonObjectView(node);
            case ARRAY -> new JsonArrayView(node);
            case STRING -> node.stringValue();
            case NUMBER -> node.numberValue();
            case BOOLEAN -> node.booleanValue();
            default -> node.toString();
        };
    }
}
