package com.idp.push.ssrf;

/** Whether a delivery may connect to an address. */
public sealed interface AddressDecision {

    record Allowed() implements AddressDecision {
    }

    /** @param reason the whole operator-facing message, starting with "blocked:" and saying how to allow it */
    record Blocked(String reason) implements AddressDecision {
    }
}
