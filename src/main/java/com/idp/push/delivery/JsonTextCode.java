package com.idp.push.delivery;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.TemplateContext;
import com.github.mustachejava.codes.WriteCode;

/** Literal text at the start of a template or section body; also stands for a comment (empty text). */
final class JsonTextCode extends WriteCode implements JsonTemplateCode {

    JsonTextCode(TemplateContext tc, DefaultMustacheFactory factory, String text) {
        super(tc, factory, text);
    }

    @Override
    public String trailingText() {
        return appended == null ? "" : appended;
    }
}
