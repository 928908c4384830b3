package com.idp.push.webhook;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/** 404 problem details for an unknown webhook id. */
public class WebhookNotFoundException extends ErrorResponseException {

    public WebhookNotFoundException(String id) {
        super(HttpStatus.NOT_FOUND);
        setTitle("Webhook not found");
        setDetail("no webhook with id '" + id + "'");
    }
}
