package com.idp.push.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.env.Environment;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import com.idp.push.support.ControllerInvocations;
import com.idp.push.support.IntegrationTest;

/**
 * Tries, as an attacker would, every API route of the running service under many spellings of its path
 * and with every method, over a raw socket so that no client normalises the path first, and without the
 * token. None may reach a controller: each must be refused by the firewall (400) or for want of the
 * token (401). The routes are read from Spring MVC itself, so a new controller is covered without
 * touching this test.
 */
class PathSpellingIT extends IntegrationTest {

    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "DELETE");
    private static final String BODY = "{\"id\":\"WH_PROBE\",\"name\":\"probe\",\"url\":\"https://example.com/hook\",\"rule_ids\":[\"*\"]}";

    @Autowired
    private Environment environment;
    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    private RequestMappingHandlerMapping mappings;
    private int port;

    @BeforeEach
    void port() {
        port = Integer.parseInt(environment.getProperty("local.server.port"));
    }

    @Test
    void noSpellingOfAnyApiRouteReachesAControllerWithoutTheToken() throws IOException {
        List<String> routes = apiRoutes();
        assertThat(routes).as("the API routes Spring MVC serves").hasSizeGreaterThanOrEqualTo(9);
        List<String> failures = new ArrayList<>();
        int tried = 0;
        for (String route : routes) {
            List<String> spellings = spellings(route);
            assertThat(spellings).hasSizeGreaterThanOrEqualTo(30);
            for (String target : spellings) {
                for (String method : METHODS) {
                    String probe = UUID.randomUUID().toString();
                    int status = send(method, target, probe, null);
                    tried++;
                    if (ControllerInvocations.reached(probe) || (status != 400 && status != 401)) {
                        failures.add(method + " " + printable(target) + " -> " + status
                                + (ControllerInvocations.reached(probe) ? " (reached a controller)" : ""));
                    }
                }
            }
        }
        assertThat(failures).as("of %d requests, those not refused with 400 or 401", tried).isEmpty();
    }

    @Test
    void theProbeSeesARequestThatDoesReachAController() throws IOException {
        String probe = UUID.randomUUID().toString();

        assertThat(send("GET", "/api/v1/webhooks", probe, API_TOKEN)).isEqualTo(200);
        assertThat(ControllerInvocations.reached(probe)).as("the recorder works, so the test above can fail").isTrue();
    }

    @Test
    void theFirewallRefusesAnUnnormalisedPathEvenWithTheToken() throws IOException {
        String probe = UUID.randomUUID().toString();

        assertThat(send("GET", "/api;/v1/webhooks", probe, API_TOKEN)).isEqualTo(400);
        assertThat(send("GET", "/api/v1/../v1/webhooks", probe, API_TOKEN)).isEqualTo(400);
        assertThat(ControllerInvocations.reached(probe)).isFalse();
    }

    @Test
    void theAllowListServesOnlyWhatItNames() throws IOException {
        assertThat(send("GET", "/actuator/health", null, null)).isEqualTo(200);
        assertThat(send("GET", "/actuator/health/liveness", null, null)).isEqualTo(200);
        assertThat(send("GET", "/actuator/prometheus", null, null)).isEqualTo(200);
        assertThat(send("GET", "/console/index.html", null, null)).isEqualTo(200);
        assertThat(send("GET", "/v3/api-docs", null, null)).isEqualTo(200);
        assertThat(send("POST", "/actuator/health", null, null)).as("GET and HEAD only").isEqualTo(401);
        for (String closed : List.of("/", "/actuator", "/actuator/info", "/actuator/env", "/actuator/heapdump",
                "/error", "/no-such-page", "/api", "/api/v2/webhooks")) {
            assertThat(send("GET", closed, null, null)).as(closed).isEqualTo(401);
        }
    }

    /** Every path pattern Spring MVC routes under /api, its variables filled in with a sample value. */
    private List<String> apiRoutes() {
        Set<String> routes = new LinkedHashSet<>();
        mappings.getHandlerMethods().keySet().forEach(info -> info.getPatternValues().stream()
                .filter(pattern -> pattern.startsWith("/api/"))
                .map(pattern -> pattern.replaceAll("\\{[^}]+}", "X_1"))
                .forEach(routes::add));
        return List.copyOf(routes);
    }

    /** Ways to write {@code path} that a careless filter might match differently from the router. */
    private List<String> spellings(String path) {
        String rest = path.substring("/api".length()); // e.g. /v1/webhooks
        String afterV1 = rest.substring("/v1".length()); // e.g. /webhooks
        List<UnaryOperator<String>> forms = List.of(
                p -> p,
                p -> "/api;" + rest,
                p -> "/api;x=1" + rest,
                p -> "/api/v1;jsessionid=abc" + afterV1,
                p -> p + ";",
                p -> p + ";x=/actuator/health",
                p -> "/%61pi" + rest,
                p -> "/%61%70%69" + rest,
                p -> "/api/%76%31" + afterV1,
                p -> "/api%2Fv1" + afterV1,
                p -> "/api%2fv1" + afterV1,
                p -> "/" + p,
                p -> "/api/" + rest,
                p -> p + "//",
                p -> "/." + p,
                p -> "/api/." + rest,
                p -> "/x/.." + p,
                p -> "/api/v1/../v1" + afterV1,
                p -> "/%2e" + p,
                p -> "/x/%2e%2e" + p,
                p -> "/x/%2E%2E" + p,
                p -> "/api\\v1" + afterV1,
                p -> "/api%5Cv1" + afterV1,
                p -> "/%2561pi" + rest,
                p -> p + "%00",
                p -> p + "\0",
                p -> p + "%0d%0a",
                p -> p + "%09",
                p -> "/actuator/health/../.." + p,
                p -> "/actuator/health/..;/..;" + p,
                p -> "/actuator/health%2f..%2f.." + p,
                p -> "/actuator/prometheus/../.." + p,
                p -> "/console/.." + p,
                p -> "/console/%2e%2e" + p,
                p -> "/console/%c0%ae%c0%ae" + p,
                p -> "/console/..%5c" + p.substring(1),
                p -> "/v3/api-docs/../.." + p,
                p -> "/swagger-ui/..;" + p,
                p -> "/API" + rest,
                p -> p + "/",
                p -> p + ".json",
                p -> p + "?/actuator/health",
                p -> "http://127.0.0.1:" + port + p,
                p -> "http://127.0.0.1:" + port + "/console/.." + p);
        return forms.stream().map(form -> form.apply(path)).distinct().toList();
    }

    /**
     * One HTTP/1.1 request written byte for byte, so the request target arrives exactly as spelled;
     * returns the status code of the answer (Tomcat's own 400 included).
     */
    private int send(String method, String target, String probe, String token) throws IOException {
        boolean withBody = method.equals("POST") || method.equals("PUT");
        StringBuilder request = new StringBuilder()
                .append(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:").append(port).append("\r\n")
                .append("Connection: close\r\n");
        if (probe != null) {
            request.append(ControllerInvocations.HEADER).append(": ").append(probe).append("\r\n");
        }
        if (token != null) {
            request.append("Authorization: Bearer ").append(token).append("\r\n");
        }
        byte[] body = withBody ? BODY.getBytes(StandardCharsets.UTF_8) : new byte[0];
        if (withBody) {
            request.append("Content-Type: application/json\r\n").append("Content-Length: ").append(body.length).append("\r\n");
        }
        request.append("\r\n");
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            return statusOf(socket.getInputStream());
        }
    }

    private static int statusOf(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
            line.write(b);
        }
        String statusLine = line.toString(StandardCharsets.ISO_8859_1);
        String[] parts = statusLine.split(" ");
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            return -1; // no answer at all: the connection was closed
        }
        return Integer.parseInt(parts[1]);
    }

    private static String printable(String target) {
        return target.replace("\0", "\\0");
    }
}
