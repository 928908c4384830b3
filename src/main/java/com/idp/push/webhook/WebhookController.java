package com.idp.push.webhook;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Webhook management (SPEC §6): {@code /api/v1/webhooks}. Errors are problem details. */
@RestController
@RequestMapping("/api/v1/webhooks")
class WebhookController {

    private final WebhookService webhooks;

    WebhookController(WebhookService webhooks) {
        this.webhooks = webhooks;
    }

    @PostMapping
    ResponseEntity<WebhookView> create(@RequestBody WebhookRequest request) {
        WebhookView created = webhooks.create(request);
        return ResponseEntity.created(URI.create("/api/v1/webhooks/" + created.id())).body(created);
    }

    @GetMapping
    Map<String, List<WebhookView>> list() {
        return Map.of("webhooks", webhooks.list());
    }

    @GetMapping("/{id}")
    WebhookView get(@PathVariable String id) {
        return webhooks.get(id);
    }

    @PutMapping("/{id}")
    WebhookView update(@PathVariable String id, @RequestBody WebhookRequest request) {
        return webhooks.update(id, request);
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(@PathVariable String id) {
        webhooks.delete(id);
        return ResponseEntity.noContent().build();
    }
}
