package com.idp.push.delivery;

import java.io.Reader;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import com.github.mustachejava.MustacheVisitor;
import com.github.mustachejava.reflect.MapObjectHandler;

/**
 * Mustache factory for webhook body templates. {@link MapObjectHandler} restricts name lookup to
 * map keys, so a template can never call methods such as {@code getClass()}; the visitor makes
 * every printed value JSON-safe and refuses features that would read files. One factory is made
 * per compiled template, so nothing cached by the factory is shared between webhooks.
 */
final class JsonSafeMustacheFactory extends DefaultMustacheFactory {

    JsonSafeMustacheFactory() {
        setObjectHandler(new MapObjectHandler());
    }

    @Override
    public MustacheVisitor createMustacheVisitor() {
        return new JsonSafeMustacheVisitor(this);
    }

    // The visitor already refuses partials; these make sure no template is ever read by name.

    @Override
    public Reader getReader(String resourceName) {
        throw new MustacheException("Loading templates by name is not supported: " + resourceName);
    }

    @Override
    public Mustache compilePartial(String name) {
        throw new MustacheException("Partials are not supported: " + name);
    }

    @Override
    public Mustache compile(String name) {
        throw new MustacheException("Loading templates by name is not supported: " + name);
    }
}
