package com.idp.push.delivery;

import java.util.ArrayDeque;
import java.util.Deque;

import com.github.mustachejava.Code;

/**
 * Refuses, when a template is saved, templates whose body grows faster than the event: those that print
 * the same event data once per element of an array. Done by looking at the compiled tree rather than by
 * rendering sample data, because at save time nothing is known about the shape of {@code result_json} and
 * {@code meta_info}: a sample render would have to guess array sizes and a size factor, and would either
 * pass templates that explode on real data or refuse ones that are fine. The rules here are exact about
 * what they look at and say precisely what to change.
 * <p>
 * A section "may iterate" when its value can be an array: any dotted name into {@code result_json} or
 * {@code meta_info}, and any name at all inside another section that may iterate (it may name a field of
 * the element). Sections over the root strings or the two root objects themselves run at most once.
 * Inside a section that may iterate, these are refused:
 * <ul>
 * <li>printing {@code {{result_json}}} or {@code {{meta_info}}}, or a dotted name that is or contains an
 * array being iterated (e.g. {@code {{result_json.items}}} inside {@code {{#result_json.items}}}): the
 * output grows with the square of the data;</li>
 * <li>a section over a name into {@code result_json} or {@code meta_info}: a loop over event data inside a
 * loop over event data grows with the product of both arrays.</li>
 * </ul>
 * Still allowed, because they are linear in the event: fields of the element ({@code {{name}}},
 * {@code {{.}}}), sections over the element's own arrays ({@code {{#tags}}}), the short root strings
 * ({@code {{task_id}}}) and dotted names into the root objects that are not iterated
 * ({@code {{result_json.currency}}}). What static rules cannot see (an element field that is itself huge,
 * a name that is missing in an inner element and so resolves in an outer one) is bounded at delivery time by
 * {@link TemplateLimits}: the byte cap and the section-iteration budget.
 */
final class AmplificationCheck {

    private AmplificationCheck() {
    }

    static void check(Code[] codes) throws InvalidTemplateException {
        walk(codes, new ArrayDeque<>());
    }

    /** @param loops the enclosing sections that may iterate, innermost first */
    private static void walk(Code[] codes, Deque<JsonSectionCode> loops) throws InvalidTemplateException {
        if (codes == null) {
            return;
        }
        for (Code code : codes) {
            if (code instanceof JsonValueCode value && !loops.isEmpty()) {
                checkValue(value, loops);
            } else if (code instanceof JsonSectionCode section) {
                boolean iterates = !loops.isEmpty() || isRootPath(section.variable()) && isDotted(section.variable());
                if (!loops.isEmpty() && isRootPath(section.variable())) {
                    JsonSectionCode outer = loops.peek();
                    throw new InvalidTemplateException("The section {{#" + section.variable() + "}} (line "
                            + section.line() + ") inside the section {{#" + outer.variable() + "}} (line " + outer.line()
                            + ") runs over event data once per element of an array: the body would grow with the product"
                            + " of both (amplification). Loop over the element's own fields instead (e.g. {{#"
                            + lastSegment(section.variable()) + "}}), or move the section outside.");
                }
                if (iterates) {
                    loops.push(section);
                    walk(section.getCodes(), loops);
                    loops.pop();
                } else {
                    walk(section.getCodes(), loops);
                }
            } else if (code instanceof JsonInvertedSectionCode inverted) {
                walk(inverted.getCodes(), loops);
            }
        }
    }

    private static void checkValue(JsonValueCode value, Deque<JsonSectionCode> loops) throws InvalidTemplateException {
        String name = value.getName();
        if (!isRootPath(name)) {
            return;
        }
        for (JsonSectionCode loop : loops) {
            String iterated = loop.variable();
            boolean whole = !isDotted(name);
            boolean holdsIterated = iterated.equals(name) || iterated.startsWith(name + ".");
            if (whole || holdsIterated) {
                throw new InvalidTemplateException("{{" + name + "}} (line " + value.line() + ") inside the section {{#"
                        + loop.variable() + "}} (line " + loop.line() + ") would print "
                        + (whole ? "a whole event object" : "the array being iterated")
                        + " once per element of an array: the body would grow with the square of the data"
                        + " (amplification). Print it outside the section, or print the element's own fields"
                        + " ({{.}} or {{name}}).");
            }
        }
    }

    /** Names that start at one of the root objects, whatever the current element. */
    private static boolean isRootPath(String name) {
        return name.equals(TemplateScope.RESULT_JSON) || name.equals(TemplateScope.META_INFO)
                || name.startsWith(TemplateScope.RESULT_JSON + ".") || name.startsWith(TemplateScope.META_INFO + ".");
    }

    private static boolean isDotted(String name) {
        return name.indexOf('.') > 0;
    }

    private static String lastSegment(String name) {
        return name.substring(name.lastIndexOf('.') + 1);
    }
}
