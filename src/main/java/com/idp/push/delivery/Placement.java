package com.idp.push.delivery;

/** Where in the template's JSON a {@code {{name}}} tag stands, decided once when the template is compiled. */
enum Placement {
    /** Between the quotes of a JSON string literal: the value is printed as string content, escaped. */
    IN_STRING,
    /** Where a JSON value (or key) goes: the value is printed as one complete JSON value. */
    OUT_OF_STRING
}
