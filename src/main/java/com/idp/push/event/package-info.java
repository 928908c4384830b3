/**
 * The {@code task-completed} event: its model and the parser that turns a record's bytes into either a
 * valid event or a reason why it is invalid. Knows nothing of Kafka or HTTP.
 */
package com.idp.push.event;
