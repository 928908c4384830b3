package com.idp.push.delivery;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.TemplateContext;
import com.github.mustachejava.codes.NotIterableCode;

/** {@code {{^name}}...{{/name}}}: runs its body at most once, so it needs no iteration budget. */
final class JsonInvertedSectionCode extends NotIterableCode implements JsonTemplateCode {

    JsonInvertedSectionCode(TemplateContext tc, DefaultMustacheFactory factory, Mustache body, String variable) {
        super(tc, factory, body, variable);
    }

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
