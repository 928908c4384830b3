package com.idp.push.delivery;

import com.github.mustachejava.Code;

/**
 * Decides, at compile time, whether each {@code {{name}}} of a template stands inside a JSON string literal
 * or outside one, by following the JSON string syntax through the template's literal text in the order it
 * is printed: a {@code "} opens or closes a string, a {@code \} inside a string escapes the next character
 * (so {@code \"} in literal text does not close it). The text is taken from the compiled tree, not the
 * source, so delimiter changes, comments and the whitespace the engine drops around standalone section tags
 * are already accounted for. Printed values never move this state: each is printed as a complete JSON value
 * outside strings and as escaped content inside them (see {@link JsonValueCode}).
 * <p>
 * A section or inverted section runs its body zero, one or many times, so the template's JSON is the same
 * whatever the data only if the body leaves the string state as it found it; a body that opens a string it
 * does not close (or the reverse) is refused, as is a tag right after a backslash inside a string, where
 * the escape would apply to the value's first character.
 */
final class JsonPlacement {

    private enum State { OUT, IN, ESCAPE }

    private JsonPlacement() {
    }

    /** Assigns a {@link Placement} to every value code; throws when a section or tag is placed ambiguously. */
    static void assign(Code[] codes) throws InvalidTemplateException {
        State end = walk(codes, State.OUT);
        if (end != State.OUT) {
            // The JSON check after the sample render reports this too, but this message is clearer.
            throw new InvalidTemplateException("Template does not render valid JSON: it ends inside a string literal"
                    + " (a closing \" is missing)");
        }
    }

    private static State walk(Code[] codes, State state) throws InvalidTemplateException {
        if (codes == null) {
            return state;
        }
        for (Code code : codes) {
            if (!(code instanceof JsonTemplateCode part)) {
                throw new IllegalStateException("unexpected code in a body template: " + code.getClass().getName());
            }
            if (part instanceof JsonValueCode value) {
                refuseAfterBackslash(state, "{{" + value.getName() + "}}", value.line());
                value.place(state == State.IN ? Placement.IN_STRING : Placement.OUT_OF_STRING);
            } else if (part instanceof JsonSectionCode section) {
                walkSection(section.getCodes(), state, "{{#" + section.variable() + "}}", section.line());
            } else if (part instanceof JsonInvertedSectionCode inverted) {
                walkSection(inverted.getCodes(), state, "{{^" + inverted.variable() + "}}", inverted.line());
            }
            state = scan(part.trailingText(), state);
        }
        return state;
    }

    private static void walkSection(Code[] body, State state, String tag, int line) throws InvalidTemplateException {
        refuseAfterBackslash(state, tag, line);
        State end = walk(body, state);
        if (end != state) {
            throw new InvalidTemplateException("The section " + tag + " (line " + line + ") starts "
                    + describe(state) + " and ends " + describe(end) + ": its body may run any number of times, so"
                    + " the JSON would depend on the data. Open and close the section either both inside or both"
                    + " outside the quotes of a string.");
        }
    }

    private static void refuseAfterBackslash(State state, String tag, int line) throws InvalidTemplateException {
        if (state == State.ESCAPE) {
            throw new InvalidTemplateException(tag + " (line " + line + ") follows a backslash inside a string: the"
                    + " escape would apply to the value. Write \\\\ for a literal backslash.");
        }
    }

    private static String describe(State state) {
        return state == State.OUT ? "outside a JSON string" : "inside a JSON string";
    }

    private static State scan(String text, State state) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            state = switch (state) {
                case OUT -> c == '"' ? State.IN : State.OUT;
                case IN -> c == '"' ? State.OUT : c == '\\' ? State.ESCAPE : State.IN;
                case ESCAPE -> State.IN;
            };
        }
        return state;
    }
}
