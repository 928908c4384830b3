package com.idp.push.webhook;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import com.idp.push.delivery.BodyTemplate;
import com.idp.push.delivery.InvalidTemplateException;
import com.idp.push.delivery.PushHeaders;
import com.idp.push.delivery.Signatures;
import com.idp.push.webhook.InvalidWebhookException.FieldProblem;

/**
 * Checks a webhook before it is saved and says, per field, what to change. Pure: no I/O. Secret values
 * never appear in its messages.
 */
final class WebhookValidator {

    static final String MASK = "***";
    static final int MIN_TIMEOUT_MS = 100;
    static final int MAX_TIMEOUT_MS = 600_000;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Set<String> AUTH_TYPES = Set.of("none", "basic", "bearer", "api_key");
    /** Fields of auth_config that hold secrets, per auth type. */
    static final Map<String, String> SECRET_FIELD = Map.of("basic", "password", "bearer", "token", "api_key", "key_value");

    private final SaveTimeUrlCheck urlCheck;

    WebhookValidator(SaveTimeUrlCheck urlCheck) {
        this.urlCheck = urlCheck;
    }

    /**
     * @param existing the stored webhook when updating, null when creating
     * @param pathId the id in the URL when updating
     * @throws InvalidWebhookException listing every problem found
     */
    WebhookDraft validate(WebhookRequest request, WebhookRow existing, String pathId) {
        List<FieldProblem> problems = new ArrayList<>();
        String id = id(request, existing, pathId, problems);
        String url = url(request.url(), problems);
        List<String> rules = rules(request.ruleIds(), problems);
        String authType = request.authType() == null ? "none" : request.authType().toLowerCase(Locale.ROOT);
        Map<String, String> auth = new LinkedHashMap<>();
        if (!AUTH_TYPES.contains(authType)) {
            problems.add(new FieldProblem("auth_type", "must be one of none, basic, bearer, api_key"));
        } else {
            auth = authConfig(authType, request.authConfig(), existing, url, problems);
        }
        String secret = secretKey(request.secretKey(), existing, problems);
        template(request.bodyTemplate(), problems);
        Map<String, String> headers = headers(request.headers(), problems);
        Integer timeout = request.timeoutMs();
        if (timeout != null && (timeout < MIN_TIMEOUT_MS || timeout > MAX_TIMEOUT_MS)) {
            problems.add(new FieldProblem("timeout_ms", "must be between " + MIN_TIMEOUT_MS + " and " + MAX_TIMEOUT_MS));
        }
        if (!problems.isEmpty()) {
            throw new InvalidWebhookException(problems);
        }
        String name = request.name() == null ? id : request.name();
        boolean enabled = request.enabled() == null || request.enabled();
        return new WebhookDraft(id, name, url, enabled, rules, authType, auth, secret,
                blankToNull(request.bodyTemplate()), headers, timeout);
    }

    private static String id(WebhookRequest request, WebhookRow existing, String pathId, List<FieldProblem> problems) {
        if (existing != null) {
            if (request.id() != null && !request.id().equals(pathId)) {
                problems.add(new FieldProblem("id", "cannot be changed; it must match the path or be omitted"));
            }
            return pathId;
        }
        if (request.id() == null || request.id().isBlank()) {
            return "WH_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        }
        if (!ID.matcher(request.id()).matches()) {
            problems.add(new FieldProblem("id", "must be 1 to 64 letters, digits, '_', '.', ':' or '-'"));
        }
        return request.id();
    }

    private String url(String value, List<FieldProblem> problems) {
        if (value == null || value.isBlank()) {
            problems.add(new FieldProblem("url", "is required"));
            return null;
        }
        URI uri;
        try {
            uri = new URI(value.trim());
        } catch (URISyntaxException e) {
            problems.add(new FieldProblem("url", "is not a valid URI: " + e.getReason()));
            return null;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || !(scheme.equals("http") || scheme.equals("https"))) {
            problems.add(new FieldProblem("url", "must be an absolute http:// or https:// URL"));
            return null;
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            problems.add(new FieldProblem("url", "must name a host"));
            return null;
        }
        if (uri.getUserInfo() != null) {
            problems.add(new FieldProblem("url", "must not carry credentials; use auth_type and auth_config"));
            return null;
        }
        String blocked = urlCheck.problemWith(uri);
        if (blocked != null) {
            problems.add(new FieldProblem("url", blocked));
            return null;
        }
        return uri.toString();
    }

    private static List<String> rules(List<String> ruleIds, List<FieldProblem> problems) {
        if (ruleIds == null || ruleIds.isEmpty()) {
            problems.add(new FieldProblem("rule_ids", "must list at least one rule id, or \"*\" for every rule"));
            return List.of();
        }
        if (ruleIds.stream().anyMatch(r -> r == null || r.isBlank())) {
            problems.add(new FieldProblem("rule_ids", "must not contain blank rule ids"));
        }
        return ruleIds.stream().filter(r -> r != null && !r.isBlank()).map(String::trim).distinct().toList();
    }

    /**
     * The auth config to store. A secret sent as "***" or left out keeps the stored one, unless the URL
     * changed: credentials are never sent to a new address without the operator supplying them again.
     */
    private static Map<String, String> authConfig(String type, Map<String, String> given, WebhookRow existing,
            String url, List<FieldProblem> problems) {
        Map<String, String> config = given == null ? Map.of() : given;
        Map<String, String> result = new LinkedHashMap<>();
        List<String> required = switch (type) {
            case "basic" -> List.of("username", "password");
            case "bearer" -> List.of("token");
            case "api_key" -> List.of("key_name", "key_value");
            default -> List.of();
        };
        for (String key : config.keySet()) {
            if (!required.contains(key)) {
                problems.add(new FieldProblem("auth_config." + key, "is not used by auth_type " + type));
            }
        }
        String secretField = SECRET_FIELD.get(type);
        boolean sameAuth = existing != null && existing.authType().equals(type);
        boolean urlChanged = existing != null && url != null && !url.equals(existing.url());
        for (String field : required) {
            String value = config.get(field);
            boolean keep = field.equals(secretField) && (value == null || MASK.equals(value)) && sameAuth;
            if (keep && urlChanged) {
                problems.add(new FieldProblem("auth_config." + field,
                        "must be supplied again when the url changes (stored credentials are not sent to a new address)"));
            } else if (keep) {
                result.put(field, null); // keep the stored ciphertext
            } else if (value == null || value.isEmpty() || MASK.equals(value)) {
                problems.add(new FieldProblem("auth_config." + field, "is required for auth_type " + type));
            } else {
                result.put(field, value);
            }
        }
        if ("api_key".equals(type) && config.get("key_name") != null) {
            String name = config.get("key_name");
            if (!HEADER_NAME.matcher(name).matches() || PushHeaders.isReserved(name)) {
                problems.add(new FieldProblem("auth_config.key_name",
                        "must be a valid HTTP header name that is not one of the protocol's own headers"));
            }
        }
        return result;
    }

    private static String secretKey(String given, WebhookRow existing, List<FieldProblem> problems) {
        if (given == null || MASK.equals(given)) {
            return existing != null ? null : Signatures.generateSecret();
        }
        if (given.length() < 16) {
            problems.add(new FieldProblem("secret_key", "must be at least 16 characters (or omit it to have one generated)"));
        }
        return given;
    }

    private static void template(String template, List<FieldProblem> problems) {
        if (template == null || template.isBlank()) {
            return;
        }
        try {
            BodyTemplate.compile(template);
        } catch (InvalidTemplateException e) {
            problems.add(new FieldProblem("body_template", e.getMessage()));
        }
    }

    private static Map<String, String> headers(Map<String, String> headers, List<FieldProblem> problems) {
        if (headers == null) {
            return Map.of();
        }
        for (Map.Entry<String, String> header : headers.entrySet()) {
            String name = header.getKey();
            String value = header.getValue() == null ? "" : header.getValue();
            if (!HEADER_NAME.matcher(name).matches()) {
                problems.add(new FieldProblem("headers." + name, "is not a valid HTTP header name"));
            } else if (PushHeaders.isReserved(name)) {
                problems.add(new FieldProblem("headers." + name, "is set by idp-push itself and cannot be overridden"));
            } else if (value.chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f)) {
                problems.add(new FieldProblem("headers." + name, "must not contain control characters"));
            }
        }
        return new LinkedHashMap<>(headers);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
