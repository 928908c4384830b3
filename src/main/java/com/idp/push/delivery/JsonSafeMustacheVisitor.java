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
 * refused at compile time, with a message meant for the person editing the webhook.
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
        super.iterable(tc, variable, mustache);
    }

    @Override
    public void notIterable(TemplateContext tc, String variable, Mustache mustache) {
        refuseDynamicName(tc, variable);
        super.notIterable(tc, variable, mustache);
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
