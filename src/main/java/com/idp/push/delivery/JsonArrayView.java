package com.idp.push.delivery;

import java.io.IOException;
import java.io.Writer;
import java.util.AbstractList;
import java.util.RandomAccess;

import tools.jackson.databind.JsonNode;

/**
 * Read-only list view over a JSON array: a section iterates over its elements, printing it
 * writes the whole array as JSON.
 */
final class JsonArrayView extends AbstractList<Object> implements JsonView, RandomAccess {

    private final JsonNode node;

    JsonArrayView(JsonNode node) {
        this.node = node;
    }

    @Override
    public Object get(int index) {
        if (index < 0 || index >= node.size()) {
            throw new IndexOutOfBoundsException(index);
        }
        return JsonView.of(node.get(index));
    }

    @Override
    public int size() {
        return node.size();
    }

    @Override
    public void writeJson(Writer out) throws IOException {
        JsonText.writeNode(out, node);
    }
}
