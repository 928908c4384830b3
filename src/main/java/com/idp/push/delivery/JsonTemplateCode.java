package com.idp.push.delivery;

import com.github.mustachejava.Code;

/**
 * A code of a compiled body template that can say which literal text it prints after itself. The engine
 * keeps the text between tags in the code before it; {@link JsonPlacement} and {@link AmplificationCheck}
 * need that text to follow the JSON around each tag. {@link JsonSafeMustacheVisitor} makes every code of
 * a body template one of these.
 */
interface JsonTemplateCode extends Code {

    /** The literal template text printed right after this code (and its section body), or "". */
    String trailingText();
}
