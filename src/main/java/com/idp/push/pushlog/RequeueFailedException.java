package com.idp.push.pushlog;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/** 503: the dead letters could not be published for re-push; they stay pending, so the call can be repeated. */
public class RequeueFailedException extends ErrorResponseException {

    public RequeueFailedException(String detail) {
        super(HttpStatus.SERVICE_UNAVAILABLE);
        setTitle("Re-push failed");
        setDetail(detail + "; the dead letters are still pending, try again");
    }
}
