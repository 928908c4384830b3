package com.idp.push.delivery;

/**
 * A render went over one of its {@link TemplateLimits}. Unchecked so it passes through the Mustache engine
 * (which wraps only IOExceptions) straight to {@link BodyTemplate}, which turns it into a
 * {@link TemplateRenderException}; the message says which limit and how to fix it.
 */
final class RenderLimitException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    RenderLimitException(String message) {
        // No stack trace: this is an expected outcome for a hostile template or event, not a bug.
        super(message, null, false, false);
    }
}
