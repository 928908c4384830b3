package com.idp.push.delivery;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.DefaultMustacheVisitor;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import com.github.mustachejava.TemplateContext;

/**
 * Turns parsed tags into code, allowing only what a body template needs: text, values,
 * sections, inverted sections, comments and delimiter changes. Everything that would load other
 * templates (partials, inheritance) or resolve names chosen by event data ({@code {{*name}}}) is
 * refused at compile time, with a message meant for the person editing the webhook. Every code it
 * makes is a {@link JsonTemplateCode}, so the compiled tree can be checked as JSON afterwards.
 */
final class JsonSafeMustacheVisitor extends DefaultMustacheVisitor {

    JsonSafeMustacheVisitor(DefaultMustacheFactory factory) {
        super(factory);
    }

    @Override
    public void value(TemplateContext tc, String variable, boolean encoded) {
        refuseDynamicName(tc, variable);
        list.add(new JsonValueCode(tc, df, variable));
    }

    @Override
    public void iterable(TemplateContext tc, String variable, Mustache mustache) {
        refuseDynamicName(tc, variable);
        list.add(new JsonSectionCode(tc, df, mustache, variable));
    }

    @Override
    public void notIterable(TemplateContext tc, String variable, Mustache mustache) {
        refuseDynamicName(tc, variable);
        list.add(new JsonInvertedSectionCode(tc, df, mustache, variable));
    }

    /** As the default (text goes to the code before it), but the first text of a body is a JsonTextCode. */
    @Override
    public void write(TemplateContext tc, String text) {
        if (text.isEmpty()) {
            return;
        }
        if (list.isEmpty()) {
            list.add(new JsonTextCode(tc, df, text));
        } else {
            list.get(list.size() - 1).append(text);
        }
    }

    /** A comment prints nothing; as empty text it still carries the text written after it. */
    @Override
    public void comment(TemplateContext tc, String comment) {
        list.add(new JsonTextCode(tc, df, ""));
    }

    /** The default adds a marker used only to parse text back into data, which body templates never do. */
    @Override
    public void eof(TemplateContext tc) {
    }

    @Override
    public void partial(TemplateContext tc, String variable, String indent) {
        throw unsupported(tc, "partials ({{> " + variable + "}})");
    }

    @Override
    public void dynamicPartial(TemplateContext tc, String variable, String indent) {
        throw unsupported(tc, "partials ({{>* " + variable + "}})");
    }

    @Override
    public void extend(TemplateContext tc, String variable, Mustache mustache) {
        throw unsupported(tc, "template inheritance ({{< " + variable + "}})");
    }

    @Override
    public void name(TemplateContext tc, String variable, Mustache mustache) {
        throw unsupported(tc, "blocks ({{$" + variable + "}})");
    }

    @Override
    public void checkName(TemplateContext tc, String variable, Mustache mustache) {
        throw unsupported(tc, "blocks ({{?" + variable + "}})");
    }

    @Override
    public void pragma(TemplateContext tc, String pragma, String args) {
        throw unsupported(tc, "pragmas ({{%" + pragma + "}})");
    }

    private static void refuseDynamicName(TemplateContext tc, String variable) {
        if (variable.startsWith("*")) {
            throw unsupported(tc, "dynamic names ({{" + variable + "}})");
        }
    }

    private static MustacheException unsupported(TemplateContext tc, String feature) {
        return new MustacheException(feature + " are not supported in body templates (line " + tc.line() + ")");
    }
}
