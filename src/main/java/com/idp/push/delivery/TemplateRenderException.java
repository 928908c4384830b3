package com.idp.push.delivery;

/**
 * A compiled body template could not produce a valid JSON body for one particular event (for
 * example a value it needs is missing). Retrying cannot help, so the delivery pipeline treats
 * it as a non-retryable failure. The message never contains the rendered body, which may hold
 * customer data.
 */
public class TemplateRenderException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public TemplateRenderException(String message) {
        super(message);
    }

    public TemplateRenderException(String message, Throwable cause) {
        super(message, cause);
    }
}
