package com.idp.push.pushlog;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** 503: the dead letters could not be published for re-push; they stay pending, so the call can be repeated. */
public class RequeueFailedException extends ErrorResponseException {

    public RequeueFailedException(String detail) {
        super(HttpStatus.SERVICE_UNAVAILABLE, problem(detail), null);
    }

    private static ProblemDetail problem(String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                detail + "; the dead letters are still pending, try again");
        problem.setTitle("Re-push failed");
        return problem;
    }
}
