package com.idp.push.local;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * Receivers for the demo webhooks, inside the local run: {@code ok} always accepts, {@code flaky}
 * refuses the first two attempts of each delivery with 503 and accepts the third, {@code down} always
 * answers 500. Each receipt is logged with its attempt number.
 */
@RestController
class DemoReceiverController {

    private static final Logger log = LoggerFactory.getLogger("idp.push.demo.receiver");
    private final Map<String, AtomicInteger> flakyAttempts = new ConcurrentHashMap<>();

    @PostMapping("/demo/receiver/{name}")
    ResponseEntity<Map<String, Object>> receive(@PathVariable String name,
            @RequestHeader("X-IDP-Delivery-Id") String deliveryId, @RequestHeader("X-IDP-Attempt") String attempt,
            @RequestHeader("X-IDP-Task-Id") String taskId, @RequestBody(required = false) String body) {
        int status = switch (name) {
            case "ok" -> 200;
            case "flaky" -> flakyAttempts.computeIfAbsent(deliveryId, id -> new AtomicInteger()).incrementAndGet() <= 2 ? 503 : 200;
            case "down" -> 500;
            default -> 404;
        };
        log.info("demo receiver '{}' got task={} delivery={} attempt={} -> {}", name, taskId, deliveryId, attempt, status);
        return ResponseEntity.status(status).body(Map.of("receiver", name, "status", status));
    }
}
