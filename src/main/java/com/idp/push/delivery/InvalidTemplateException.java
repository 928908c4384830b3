package com.idp.push.delivery;

/**
 * A body template was refused when a webhook was saved. Checked, because the caller (the webhook
 * API) must turn it into a validation error for the user; the message says what is wrong.
 */
public class InvalidTemplateException extends Exception {

    private static final long serialVersionUID = 1L;

    public InvalidTemplateException(String message) {
        super(message);
    }

    public InvalidTemplateException(String message, Throwable cause) {
        super(message, cause);
    }
}
