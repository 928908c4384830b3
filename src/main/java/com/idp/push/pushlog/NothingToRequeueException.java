package com.idp.push.pushlog;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/** 404: the task has no pending dead letter (for that webhook): nothing to re-push. */
public class NothingToRequeueException extends ErrorResponseException {

    public NothingToRequeueException(String taskId, String webhookId) {
        super(HttpStatus.NOT_FOUND);
        setTitle("Nothing to re-push");
        setDetail("task '" + taskId + "' has no pending dead letter"
                + (webhookId == null ? "" : " for webhook '" + webhookId + "'"));
    }
}
