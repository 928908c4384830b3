/**
 * Access to the operator API: the bearer-token filter and the start-up checks that refuse to run an
 * unprotected service outside the local profile.
 */
package com.idp.push.security;
