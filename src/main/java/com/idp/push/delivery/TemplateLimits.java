package com.idp.push.delivery;

/**
 * The bounds every render of a body template runs within, so that no template and no event can make a
 * render take unbounded memory or time. Going over either is a non-retryable template error.
 *
 * @param maxBodyBytes         UTF-8 bytes a rendered body may have ({@code idp.push.templates.max-body-bytes});
 *                             output is streamed into a buffer that refuses to grow past this
 * @param maxSectionIterations section iterations ({@code {{#name}}} once per array element, once for an
 *                             object or true) one render may run, counted over all sections
 *                             ({@code idp.push.templates.max-section-iterations}). Needed besides the byte
 *                             cap because iterations that print nothing (nested sections over empty
 *                             elements) cost time but no bytes.
 */
public record TemplateLimits(int maxBodyBytes, int maxSectionIterations) {

    /**
     * 1 MiB is far above any webhook body seen in practice and small enough that many deliveries in flight
     * fit in the heap. 10,000 iterations cover lists of thousands of line items, and at a few microseconds
     * each keep a render in the order of milliseconds.
     */
    public static final TemplateLimits DEFAULT = new TemplateLimits(1 << 20, 10_000);

    static final String MAX_BODY_BYTES = "idp.push.templates.max-body-bytes";
    static final String MAX_SECTION_ITERATIONS = "idp.push.templates.max-section-iterations";

    public TemplateLimits {
        if (maxBodyBytes < 1 || maxSectionIterations < 1) {
            throw new IllegalArgumentException("template limits must be >= 1, were " + maxBodyBytes + " bytes and "
                    + maxSectionIterations + " iterations");
        }
    }
}
