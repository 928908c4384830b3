/**
 * Webhooks: the stored model, the registry cache the delivery path reads, and the cipher every secret
 * passes through. The delivery path never queries Postgres for a webhook; it asks
 * {@link com.idp.push.webhook.WebhookRegistry}.
 */
package com.idp.push.webhook;
