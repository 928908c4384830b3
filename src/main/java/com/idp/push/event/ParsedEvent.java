package com.idp.push.event;

/** What parsing a record gave: a usable event, or the reason it is invalid. */
public sealed interface ParsedEvent {

    record Valid(TaskEvent event) implements ParsedEvent {
    }

    /**
     * @param reason a short machine-readable code, e.g. {@code missing-field}
     * @param detail a human-readable explanation naming the field
     */
    record Invalid(String reason, String detail) implements ParsedEvent {
    }
}
