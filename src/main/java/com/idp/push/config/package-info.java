/** Typed, validated configuration of idp-push. */
package com.idp.push.config;
