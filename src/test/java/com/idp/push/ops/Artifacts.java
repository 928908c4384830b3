package com.idp.push.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import tools.jackson.databind.json.JsonMapper;

/** Reads the deployment artifacts of the repository (Dockerfile, compose, Helm chart, docs) for the tests. */
final class Artifacts {

    /** Maven runs tests in the project directory. */
    static final Path ROOT = Path.of("").toAbsolutePath();
    static final Path CHART = ROOT.resolve("helm/idp-push");

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Artifacts() {
    }

    static String read(String relative) {
        try {
            return Files.readString(ROOT.resolve(relative), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, Object> yaml(String relative) {
        return new Yaml(new SafeConstructor(new LoaderOptions())).load(read(relative));
    }

    /** Every document of a multi-document YAML file. */
    static List<Object> yamlAll(String relative) {
        List<Object> documents = new ArrayList<>();
        new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(read(relative)).forEach(documents::add);
        return documents;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> json(String relative) {
        return JSON.readValue(read(relative), Map.class);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object node, String... path) {
        Object current = node;
        for (String key : path) {
            if (!(current instanceof Map<?, ?> m) || !m.containsKey(key)) {
                throw new AssertionError("no '" + key + "' in " + String.join(".", path));
            }
            current = m.get(key);
        }
        return (Map<String, Object>) current;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object node, String key) {
        return (List<Object>) ((Map<String, Object>) node).get(key);
    }

    /** Group 1 of every match, in order of first appearance. */
    static Set<String> matches(Pattern pattern, String text) {
        Set<String> found = new LinkedHashSet<>();
        Matcher matcher = pattern.matcher(text);
        while (matcher.find()) {
            found.add(matcher.group(1));
        }
        return found;
    }

    /** Metric names (idp_push_*, kafka_*) used in PromQL expressions. */
    static Set<String> metricNames(String promql) {
        return matches(Pattern.compile("\\b((?:idp_push|kafka)_[a-z0-9_]+)"), promql);
    }

    /** Every PromQL expression of the alert rules and of the Grafana dashboard. */
    static List<String> monitoringExpressions() {
        List<String> expressions = new ArrayList<>();
        for (Object group : list(yaml("docs/monitoring/alerts.yml"), "groups")) {
            for (Object rule : list(group, "rules")) {
                expressions.add(String.valueOf(((Map<?, ?>) rule).get("expr")));
            }
        }
        for (Object panel : list(json("docs/monitoring/grafana-dashboard.json"), "panels")) {
            List<Object> targets = list(panel, "targets");
            if (targets != null) {
                for (Object target : targets) {
                    expressions.add(String.valueOf(((Map<?, ?>) target).get("expr")));
                }
            }
        }
        return expressions;
    }
}
