package com.idp.push.webhook;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Service;
import org.springframework.web.ErrorResponseException;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Manages webhooks for the API: validates, encrypts every secret with {@link SecretCipher} (bound to
 * the webhook id and field), stores, and refreshes the registry at once so this instance delivers with the new
 * configuration immediately (other instances notice within their refresh interval). Secret values go
 * in, never out: views mask them.
 */
@Service
public class WebhookService {

    private final WebhookRepository repository;
    private final SecretCipher cipher;
    private final WebhookRegistry registry;
    private final WebhookValidator validator;
    private final JsonMapper json;

    WebhookService(WebhookRepository repository, SecretCipher cipher, WebhookRegistry registry,
            SaveTimeUrlCheck urlCheck, JsonMapper json) {
        this.repository = repository;
        this.cipher = cipher;
        this.registry = registry;
        this.validator = new WebhookValidator(urlCheck);
        this.json = json;
    }

    public WebhookView create(WebhookRequest request) {
        WebhookDraft draft = validator.validate(request, null, null);
        if (!repository.insert(stored(draft, null))) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT,
                    "a webhook with id '" + draft.id() + "' exists already; update it with PUT /api/v1/webhooks/" + draft.id());
            problem.setTitle("Webhook exists");
            throw new ErrorResponseException(HttpStatus.CONFLICT, problem, null);
        }
        registry.refresh();
        boolean generated = request.secretKey() == null || WebhookValidator.MASK.equals(request.secretKey());
        WebhookView created = get(draft.id());
        return generated ? created.withGeneratedSecretKey(draft.secretKey()) : created;
    }

    public WebhookView update(String id, WebhookRequest request) {
        WebhookRow existing = repository.findById(id).orElseThrow(() -> new WebhookNotFoundException(id));
        WebhookDraft draft = validator.validate(request, existing, id);
        if (!repository.update(stored(draft, existing))) {
            throw new WebhookNotFoundException(id);
        }
        registry.refresh();
        return get(id);
    }

    public void delete(String id) {
        if (!repository.delete(id)) {
            throw new WebhookNotFoundException(id);
        }
        registry.refresh();
    }

    public WebhookView get(String id) {
        return view(repository.findById(id).orElseThrow(() -> new WebhookNotFoundException(id)));
    }

    public List<WebhookView> list() {
        return repository.findAll().stream().map(this::view).toList();
    }

    /** The row to store: new secrets encrypted, kept secrets copied as stored (same id and field, so still valid). */
    private WebhookRow stored(WebhookDraft draft, WebhookRow existing) {
        Map<String, String> auth = new LinkedHashMap<>();
        JsonNode existingAuth = existing == null ? null : json.readTree(existing.authConfigJson());
        String secretField = WebhookValidator.SECRET_FIELD.get(draft.authType());
        draft.authConfig().forEach((field, value) -> {
            if (value == null) {
                auth.put(field, existingAuth.path(field).asString());
            } else {
                auth.put(field, field.equals(secretField)
                        ? cipher.encrypt(SecretLocation.authConfig(draft.id(), field), value) : value);
            }
        });
        String secret = draft.secretKey() == null ? existing.secretKey()
                : cipher.encrypt(SecretLocation.signingKey(draft.id()), draft.secretKey());
        return new WebhookRow(draft.id(), draft.name(), draft.url(), draft.enabled(), draft.authType(),
                json.writeValueAsString(auth), secret, draft.bodyTemplate(), json.writeValueAsString(draft.headers()),
                draft.timeoutMs(), new TreeSet<>(draft.ruleIds()), null, null);
    }

    /** The stored row, and this instance's load error for it, if any (as of its last registry load). */
    private WebhookView view(WebhookRow row) {
        Map<String, String> auth = new LinkedHashMap<>();
        String secretField = WebhookValidator.SECRET_FIELD.get(row.authType());
        json.readTree(row.authConfigJson()).properties().forEach(e ->
                auth.put(e.getKey(), e.getKey().equals(secretField) ? WebhookValidator.MASK : e.getValue().asString()));
        Map<String, String> headers = new LinkedHashMap<>();
        json.readTree(row.headersJson()).properties().forEach(e -> headers.put(e.getKey(), e.getValue().asString()));
        return new WebhookView(row.id(), row.name(), row.url(), row.enabled(), new ArrayList<>(new TreeSet<>(row.ruleIds())),
                row.authType(), auth, row.secretKey() != null && !row.secretKey().isEmpty(), row.bodyTemplate(),
                headers, row.timeoutMs(), row.createdAt(), row.updatedAt(), null,
                registry.loadError(row.id()).map(LoadError::detail).orElse(null));
    }
}
