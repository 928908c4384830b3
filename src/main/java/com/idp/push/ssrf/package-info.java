/**
 * The SSRF guard: which addresses a webhook delivery may connect to. Host spellings are parsed the way
 * a resolver would read them ({@link com.idp.push.ssrf.IpLiterals}), every DNS answer is checked by
 * {@link com.idp.push.ssrf.AddressPolicy}, and the connection is pinned to the checked address by
 * {@link com.idp.push.ssrf.GuardedAddressResolverGroup}. See docs/ssrf.md.
 */
package com.idp.push.ssrf;
