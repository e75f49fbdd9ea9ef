package io.gptq4j.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code gptq4j ppl} and {@code gptq4j generate} end to end on stories260K. */
class PplCliTest {

    private record Run(int exitCode, String out, String err) {
    }

    @Test
    void pplJsonWithGgufVocabulary() throws Exception {
        Run run = run("ppl", "--json", "--seqlen", "512",
                "--model", data("stories260K.gguf"), "--text", data("tinystories_valid_eval.txt"));

        assertEquals(0, run.exitCode(), run.err());
        JsonNode json = new ObjectMapper().readTree(run.out());
        // The GGUF vocabulary does not collapse the text's one double space: 194507 tokens, not 194506.
        assertEquals(4.371009, json.get("perplexity").asDouble(), 4.371009 * 1e-5);
        assertEquals(194507, json.get("tokens").asInt());
        assertEquals(379, json.get("windows").asInt());
        assertEquals(512, json.get("seqlen").asInt());
        assertEquals(data("tinystories_valid_eval.txt"), json.get("text").asText());
    }

    @Test
    void pplMissingModelIsOneLineError() throws Exception {
        String missing = Path.of(System.getProperty("java.io.tmpdir"), "no-such-model.gguf").toString();
        Run run = run("ppl", "--model", missing);

        assertEquals(1, run.exitCode());
        assertEquals("gptq4j ppl: error: " + missing + ": file not found", run.err().strip());
    }

    @Test
    void generateJsonFromBos() throws Exception {
        Run run = run("generate", "--json", "--max-tokens", "12", "--model", data("stories260K.gguf"));

        assertEquals(0, run.exitCode(), run.err());
        JsonNode json = new ObjectMapper().readTree(run.out());
        // The reference greedy continuation of stories260K from BOS, as llama2.c publishes it.
        String reference = "Once upon a time, there was a little girl named Lily. She loved to play outside";
        String text = json.get("text").asText();
        assertEquals(12, json.get("generated_tokens").size());
        assertTrue(text.length() > "Once upon a time".length(), text);
        assertTrue(reference.startsWith(text), text);
    }

    @Test
    void pplSeqlenOneRejected() throws Exception {
        Run run = run("ppl", "--seqlen", "1", "--model", data("stories260K.gguf"));
        assertEquals(1, run.exitCode());
        assertTrue(run.err().contains("invalid --seqlen 1; valid range: 2 or more tokens per window"), run.err());
    }

    @Test
    void helpListsSeqlen() throws Exception {
        Run run = run("ppl", "--help");
        assertEquals(0, run.exitCode());
        assertTrue(run.out().contains("--seqlen=N"), run.out());
    }

    private static String data(String name) {
        String shared = System.getProperty("gptq4j.shared", "../shared");
        return Path.of(shared, "data", name).toAbsolutePath().normalize().toString();
    }

    private static synchronized Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Run(code, outBytes.toString(StandardCharsets.UTF_8), errBytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}
