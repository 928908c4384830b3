package com.idp.push.webhook;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** 404 problem details for an unknown webhook id. */
public class WebhookNotFoundException extends ErrorResponseException {

    public WebhookNotFoundException(String id) {
        super(HttpStatus.NOT_FOUND, problem(id), null);
    }

    private static ProblemDetail problem(String id) {
        ProblemDetail detail = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "no webhook with id '" + id + "'");
        detail.setTitle("Webhook not found");
        return detail;
    }
}
