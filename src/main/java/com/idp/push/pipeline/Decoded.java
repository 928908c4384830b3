package com.idp.push.pipeline;

/** A record value decoded into {@code T}, or why it could not be. */
sealed interface Decoded<T> {

    record Ok<T>(T value) implements Decoded<T> {
    }

    record Bad<T>(String reason, String detail) implements Decoded<T> {
    }
}
