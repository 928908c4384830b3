package com.idp.push.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * docs/operations.md shows the Kafka recipes exactly as {@link OperationsRecipesIT} runs them (that test
 * proves they work against a broker); only the task id differs. Editing one without the other fails here.
 */
class OperationsGuideTest {

    private static final String DOC_TASK = "T_20251214_0001";

    @Test
    void theGuideShowsTheTestedReplayRecipesVerbatim() {
        List<String> recipes = testedScripts();
        assertThat(recipes).hasSize(2);
        assertThat(recipes.get(0)).startsWith("kcat -C");
        assertThat(recipes.get(1)).startsWith("kafka-console-consumer.sh");
        String guide = Artifacts.read("docs/operations.md");
        for (String recipe : recipes) {
            assertThat(guide).contains(recipe.replace("TASK", DOC_TASK).strip());
        }
    }

    @Test
    void theGuideShowsTheTestedLagCommand() {
        String test = Artifacts.read("src/test/java/com/idp/push/ops/OperationsRecipesIT.java");
        Matcher lag = Pattern.compile("shell\\(\"(kafka-consumer-groups\\.sh[^\"\\\\]*(?:\\\\.[^\"\\\\]*)*)\"\\)").matcher(test);
        assertThat(lag.find()).isTrue();
        String command = lag.group(1).translateEscapes();
        assertThat(command).isEqualTo("kafka-consumer-groups.sh --bootstrap-server \"$BROKERS\" --describe --group idp-push");
        assertThat(Artifacts.read("docs/operations.md")).contains(command);
    }

    /** The text blocks passed to shell(...) in OperationsRecipesIT, as bash receives them. */
    private static List<String> testedScripts() {
        String test = Artifacts.read("src/test/java/com/idp/push/ops/OperationsRecipesIT.java");
        Matcher block = Pattern.compile("shell\\(\"\"\"\\n(.*?)\"\"\"", Pattern.DOTALL).matcher(test);
        List<String> scripts = new ArrayList<>();
        while (block.find()) {
            scripts.add(block.group(1).stripIndent().translateEscapes());
        }
        return scripts;
    }
}
