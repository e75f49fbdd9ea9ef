package io.gptq4j.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gptq4j quantize} on stories260K with the reference protocol: 32 consecutive calibration
 * windows of 256 tokens, GPTQ 4-bit, group 32, sym, damp 0.01, perplexity at seqlen 512. The
 * evaluation is limited to the first windows to keep the test short; the expected perplexity is
 * the reference's mean cross-entropy over the same windows.
 */
class QuantizeCliTest {
    private static final int EVAL_WINDOWS = 12;

    private static Path shared(String folder, String file) {
        String root = System.getProperty("gptq4j.shared", "../shared");
        return Path.of(root, folder, file).toAbsolutePath().normalize();
    }

    private static JsonNode reference(String name) throws IOException {
        return new ObjectMapper().readTree(shared("fixtures/model", name + ".json").toFile());
    }

    /** Runs the CLI and returns {exit code, stdout, stderr}. */
    private static String[] run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = Main.run(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new String[] {Integer.toString(code), out.toString(StandardCharsets.UTF_8),
            err.toString(StandardCharsets.UTF_8)};
    }

    private static String[] quantize(String... extra) {
        String[] base = {"quantize", "--model", shared("data", "stories260K.gguf").toString(),
            "--tokenizer", shared("data", "tok512.model").toString(),
            "--calib", shared("data", "tinystories_valid_calib.txt").toString(),
            "--nsamples", "32", "--seqlen", "256",
            "--bits", "4", "--group-size", "32", "--sym", "--damp", "0.01",
            "--eval", shared("data", "tinystories_valid_eval.txt").toString(),
            "--eval-seqlen", "512", "--eval-limit", Integer.toString(EVAL_WINDOWS), "--json"};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return run(args);
    }

    @Test
    void allLayersMatchReference(@TempDir Path tmp) throws IOException {
        Path checkpoint = tmp.resolve("gptq");
        String[] result = quantize("--out", checkpoint.toString(), "--format", "gptq_v2");
        assertEquals("0", result[0], () -> "stderr: " + result[2]);
        JsonNode json = new ObjectMapper().readTree(result[1]);
        JsonNode reference = reference("D1");

        checkModules(reference, json.get("modules"));
        checkPerplexity(reference, json);
        JsonNode config = json.get("config");
        assertEquals(4, config.get("bits").asInt());
        assertEquals(32, config.get("groupSize").asInt());
        assertTrue(config.get("sym").asBoolean());
        assertEquals(false, config.get("descAct").asBoolean());
        assertEquals(0.01, config.get("dampPercent").asDouble());
        assertEquals("e23072aa4707ee932cd21850b4c5f867caf6328fd2544319bf93ab78f75fc8d6",
                json.get("calibration").get("windows_sha256").asText(), "calibration windows");

        JsonNode written = new ObjectMapper().readTree(checkpoint.resolve("config.json").toFile());
        assertEquals(4, written.get("quantization_config").get("bits").asInt());
        assertTrue(Files.size(checkpoint.resolve("model.safetensors")) > 0);
    }

    @Test
    void firstTwoLayersMatchReference() throws IOException {
        String[] result = quantize("--layers", "0-1");
        assertEquals("0", result[0], () -> "stderr: " + result[2]);
        JsonNode json = new ObjectMapper().readTree(result[1]);
        JsonNode reference = reference("D4");

        checkModules(reference, json.get("modules"));
        double expected = subsetPerplexity(reference);
        double after = json.get("perplexity_after").asDouble();
        assertEquals(expected, after, 0.005 * expected, "perplexity after");

        assertEquals(1, result[1].strip().lines().count(), "stdout must hold only the JSON object: " + result[1]);
        checkOneProgressLinePerModule(json.get("modules"), result[2]);
    }

    /** stderr names each module on exactly one line, its progress line {@code [3/14] NAME 0.012 s}. */
    private static void checkOneProgressLinePerModule(JsonNode modules, String stderr) {
        for (JsonNode module : modules) {
            String name = "model.layers." + module.get("layer").asInt() + "." + module.get("module").asText();
            List<String> lines = stderr.lines()
                    .filter(line -> Arrays.stream(line.split("\\s+")).anyMatch(word -> word.replaceAll(":$", "").equals(name)))
                    .toList();
            assertEquals(1, lines.size(), name + " on stderr: " + lines);
            assertTrue(lines.get(0).matches("\\[\\d+/" + modules.size() + "\\] " + Pattern.quote(name) + " \\d+\\.\\d{3} s"),
                    lines.get(0));
        }
    }

    @Test
    void invalidLayerRangeIsRejected() {
        String[] result = run("quantize", "--model", shared("data", "stories260K.gguf").toString(), "--rtn",
                "--layers", "3-9");
        assertEquals("1", result[0]);
        assertTrue(result[2].contains("invalid --layers '3-9'"), result[2]);
        assertTrue(result[2].contains("the model has 5 layers"), result[2]);
    }

    @Test
    void invalidValuesNameFlagAndRange() {
        String[][] cases = {
            {"--seqlen", "1", "invalid --seqlen 1; valid range: 2 or more tokens per window"},
            {"--nsamples", "0", "invalid --nsamples 0; valid range: 1 or more calibration windows"},
            {"--nsamples", "-3", "invalid --nsamples -3; valid range: 1 or more calibration windows"},
            {"--eval-seqlen", "1", "invalid --eval-seqlen 1; valid range: 2 or more tokens per evaluation window"},
            {"--eval-limit", "0", "invalid --eval-limit 0; valid range: 1 or more evaluation windows"},
            {"--bits", "5", "invalid --bits 5; valid values: 2, 3, 4, 8"},
            {"--group-size", "0", "invalid --group-size 0; valid values: -1 (one group per row) or 1 or more input columns"},
            {"--damp", "1.5", "invalid --damp 1.5; valid range: greater than 0 and less than 1"},
        };
        for (String[] c : cases) {
            String[] result = run("quantize", "--model", shared("data", "stories260K.gguf").toString(), c[0], c[1]);
            assertEquals("1", result[0], c[0] + " " + c[1]);
            assertTrue(result[2].contains("gptq4j quantize: error: " + c[2]), result[2]);
            assertEquals(1, result[2].strip().lines().count(), "one line on stderr: " + result[2]);
        }
    }

    /**
     * The llama2.c header of stories260K declares seq_len 512 (its GGUF copy declares 2048,
     * the converter's value), so windows of 1024 get a warning naming the flag.
     */
    @Test
    void seqlenBeyondContextWarns() {
        String[] result = run("quantize", "--model", shared("data", "stories260K.bin").toString(),
                "--tokenizer", shared("data", "tok512.model").toString(),
                "--calib", shared("data", "tinystories_valid_calib.txt").toString(),
                "--nsamples", "1", "--seqlen", "1024", "--layers", "0-0",
                "--eval", shared("data", "tinystories_valid_eval.txt").toString(), "--eval-limit", "1");
        assertEquals("0", result[0], result[2]);
        assertTrue(result[2].contains("warning: --seqlen 1024 is longer than the model's context length 512; "
                + "use --seqlen 512 or less"), result[2]);
        assertTrue(result[2].contains("warning: evaluation windows of 1024 tokens are longer than the model's context "
                + "length 512; use --eval-seqlen 512 or less"), result[2]);

        String[] within = run("quantize", "--model", shared("data", "stories260K.bin").toString(),
                "--tokenizer", shared("data", "tok512.model").toString(), "--rtn", "--layers", "0-0", "--seqlen", "512");
        assertEquals("0", within[0], within[2]);
        assertFalse(within[2].contains("warning:"), within[2]);
    }

    /** avg loss of every module within 10 %, the sum of loss_sum within 2 %. */
    private static void checkModules(JsonNode reference, JsonNode modules) {
        JsonNode expected = reference.get("modules");
        assertEquals(expected.size(), modules.size(), "module count");
        double expectedSum = 0;
        double actualSum = 0;
        for (int i = 0; i < modules.size(); i++) {
            JsonNode e = expected.get(i);
            JsonNode a = modules.get(i);
            String name = "layer " + e.get("layer").asInt() + " " + e.get("module").asText();
            assertEquals(e.get("layer").asInt(), a.get("layer").asInt(), name + ": layer");
            assertTrue(a.get("module").asText().endsWith("." + e.get("module").asText()), name + ": module");
            double avgLoss = e.get("avg_loss").asDouble();
            assertEquals(avgLoss, a.get("avg_loss").asDouble(), 0.10 * avgLoss, name + ": avg loss");
            assertEquals(32, a.get("nsamples").asInt(), name + ": nsamples");
            assertEquals(0.01, a.get("damp").asDouble(), 1e-12, name + ": damp");
            expectedSum += e.get("loss_sum").asDouble();
            actualSum += a.get("loss_sum").asDouble();
        }
        assertEquals(expectedSum, actualSum, 0.02 * expectedSum, "sum of loss_sum");
    }

    private static void checkPerplexity(JsonNode reference, JsonNode json) {
        double expected = subsetPerplexity(reference);
        assertEquals(expected, json.get("perplexity_after").asDouble(), 0.02 * expected, "perplexity after");
        assertTrue(json.get("perplexity_before").asDouble() < json.get("perplexity_after").asDouble(),
                "quantization raises perplexity");
    }

    private static double subsetPerplexity(JsonNode reference) {
        JsonNode ce = reference.get("expected").get("window_mean_ce_after");
        double sum = 0;
        for (int w = 0; w < EVAL_WINDOWS; w++) {
            sum += ce.get(w).asDouble();
        }
        return Math.exp(sum / EVAL_WINDOWS);
    }
}
