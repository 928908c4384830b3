package com.idp.push.pushlog;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** 404: the task has no pending dead letter (for that webhook): nothing to re-push. */
public class NothingToRequeueException extends ErrorResponseException {

    public NothingToRequeueException(String taskId, String webhookId) {
        super(HttpStatus.NOT_FOUND, problem(taskId, webhookId), null);
    }

    private static ProblemDetail problem(String taskId, String webhookId) {
        String scope = webhookId == null ? "" : " for webhook '" + webhookId + "'";
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND,
                "task '" + taskId + "' has no pending dead letter" + scope);
        problem.setTitle("Nothing to re-push");
        return problem;
    }
}
