package com.idp.push.pushlog;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** 400 naming the query parameter that is out of range. */
public class InvalidParameterException extends ErrorResponseException {

    public InvalidParameterException(String parameter, String problem) {
        super(HttpStatus.BAD_REQUEST, detail(parameter, problem), null);
    }

    private static ProblemDetail detail(String parameter, String problem) {
        ProblemDetail detail = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, parameter + " " + problem);
        detail.setTitle("Invalid parameter");
        detail.setProperty("parameter", parameter);
        return detail;
    }
}
