/**
 * One HTTP delivery: building the signed request (body template, headers, auth), sending it without
 * blocking, and classifying what came back. Knows nothing of Kafka.
 */
package com.idp.push.delivery;
