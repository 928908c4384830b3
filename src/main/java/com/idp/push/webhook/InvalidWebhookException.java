package com.idp.push.webhook;

import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** A webhook that cannot be saved: 400 problem details listing each field and what is wrong with it. */
public class InvalidWebhookException extends ErrorResponseException {

    private final List<FieldProblem> problems;

    /** @param message says what to change; never contains a secret value */
    public record FieldProblem(String field, String message) {
    }

    public InvalidWebhookException(List<FieldProblem> problems) {
        super(HttpStatus.BAD_REQUEST, problem(problems), null);
        this.problems = List.copyOf(problems);
    }

    public List<FieldProblem> problems() {
        return problems;
    }

    private static ProblemDetail problem(List<FieldProblem> problems) {
        ProblemDetail detail = ProblemDetail.forStatus(HttpStatus.BAD_REQUEST);
        detail.setTitle("Invalid webhook");
        detail.setDetail(problems.stream().map(p -> p.field() + ": " + p.message()).reduce((a, b) -> a + "; " + b).orElse(""));
        detail.setProperty("errors", problems.stream().map(p -> Map.of("field", p.field(), "message", p.message())).toList());
        return detail;
    }

    @Override
    public String getMessage() {
        return getBody().getDetail();
    }
}
