package com.idp.push.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.idp.push.delivery.Signatures;

/**
 * The receiver examples in docs/examples/verify accept a signature made by the service's own
 * {@link Signatures} and refuse a changed body, a wrong secret and a stale timestamp. Each example runs
 * as a receiver's developer would run it; an example whose interpreter is not installed is skipped.
 */
class SignatureExamplesTest {

    private static final Path DIR = Artifacts.ROOT.resolve("docs/examples/verify");
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    /** Non-ASCII and JSON spacing that a re-serialisation would change: the bytes must be signed as sent. */
    private static final byte[] BODY = """
            {"event":"task.completed", "task_id":"T_1","result_json":{"name":"Größe €5","amount":12.50}}"""
            .getBytes(StandardCharsets.UTF_8);

    @ParameterizedTest
    @ValueSource(strings = {"java", "node", "python"})
    void acceptsTheServicesSignatureAndRefusesTampering(String language) throws Exception {
        List<String> command = command(language);
        long now = System.currentTimeMillis() / 1000;
        String signature = Signatures.idpSignature(SECRET, now, BODY);

        assertThat(run(command, SECRET, now, signature, BODY)).as("valid delivery").isZero();

        byte[] changed = new String(BODY, StandardCharsets.UTF_8).replace("12.50", "12.5").getBytes(StandardCharsets.UTF_8);
        assertThat(run(command, SECRET, now, signature, changed)).as("changed body").isEqualTo(1);
        assertThat(run(command, "whsec_another-secret", now, signature, BODY)).as("wrong secret").isEqualTo(1);
        long stale = now - 3600;
        assertThat(run(command, SECRET, stale, Signatures.idpSignature(SECRET, stale, BODY), BODY))
                .as("timestamp an hour old, correctly signed").isEqualTo(1);
        assertThat(run(command, SECRET, now, signature.toUpperCase(), BODY)).as("not the exact header").isEqualTo(1);
    }

    private static List<String> command(String language) {
        return switch (language) {
            case "java" -> List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    DIR.resolve("Verify.java").toString());
            case "node" -> {
                Assumptions.assumeTrue(onPath("node"), "node is not installed");
                yield List.of("node", DIR.resolve("verify.js").toString());
            }
            case "python" -> {
                Assumptions.assumeTrue(onPath("python3"), "python3 is not installed");
                yield List.of("python3", DIR.resolve("verify.py").toString());
            }
            default -> throw new IllegalArgumentException(language);
        };
    }

    private static int run(List<String> base, String secret, long timestamp, String signature, byte[] body)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(base);
        command.add(secret);
        command.add(Long.toString(timestamp));
        command.add(signature);
        Path output = Files.createTempFile("verify", ".out");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write(body);
        }
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        String printed = Files.readString(output).strip();
        assertThat(printed).as("output of " + command).isIn("valid", "invalid");
        assertThat(printed.equals("valid")).isEqualTo(process.exitValue() == 0);
        return process.exitValue();
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                try {
                    Process probe = new ProcessBuilder(program, "--version").redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                    return probe.waitFor(20, TimeUnit.SECONDS) && probe.exitValue() == 0;
                } catch (IOException | InterruptedException e) {
                    return false;
                }
            }
        }
        return false;
    }
}
