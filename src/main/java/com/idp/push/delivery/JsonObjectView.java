package com.idp.push.delivery;

import java.io.IOException;
import java.io.Writer;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

import tools.jackson.databind.JsonNode;

/**
 * Read-only map view over a JSON object, so {@code {{meta_info.customer}}} and
 * {@code {{#meta_info}}...{{/meta_info}}} work without copying the event data. Children are
 * wrapped lazily on access.
 */
final class JsonObjectView extends AbstractMap<String, Object> implements JsonView {

    private final JsonNode node;

    JsonObjectView(JsonNode node) {
        this.node = node;
    }

    @Override
    public boolean containsKey(Object key) {
        return key instanceof String name && node.has(name);
    }

    @Override
    public Object get(Object key) {
        return key instanceof String name ? JsonView.of(node.get(name)) : null;
    }

    @Override
    public int size() {
        return node.size();
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, Object>> iterator() {
                Iterator<Map.Entry<String, JsonNode>> properties = node.properties().iterator();
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return properties.hasNext();
                    }

                    @Override
                    public Entry<String, Object> next() {
                        Map.Entry<String, JsonNode> property = properties.next();
                        return new SimpleImmutableEntry<>(property.getKey(), JsonView.of(property.getValue()));
                    }
                };
            }

            @Override
            public int size() {
                return node.size();
            }
        };
    }

    @Override
    public void writeJson(Writer out) throws IOException {
        JsonText.writeNode(out, node);
    }
}
