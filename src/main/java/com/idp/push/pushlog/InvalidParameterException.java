package com.idp.push.pushlog;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/** 400 naming the query parameter that is out of range. */
public class InvalidParameterException extends ErrorResponseException {

    public InvalidParameterException(String parameter, String problem) {
        super(HttpStatus.BAD_REQUEST);
        setTitle("Invalid parameter");
        setDetail(parameter + " " + problem);
        getBody().setProperty("parameter", parameter);
    }
}
