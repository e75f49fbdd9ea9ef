package io.gptq4j.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gptq4j.engine.io.ModelLoader;
import io.gptq4j.engine.io.hf.HfCheckpointWriter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gptq4j ppl --model DIR} on stories260K exported to a Hugging Face directory. */
class PplHfCliTest {

    private static Path shared(String relative) {
        String shared = System.getProperty("gptq4j.shared", "../shared");
        return Path.of(shared, relative).toAbsolutePath().normalize();
    }

    @Test
    void pplOnHfDirectoryMatchesReferenceWindows(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("stories260K-hf");
        HfCheckpointWriter.write(ModelLoader.load(shared("data/stories260K.gguf")), dir, HfCheckpointWriter.Precision.F32);

        // A prefix of the evaluation text long enough for three windows of 512 tokens keeps the test short;
        // the tokens of those windows do not depend on text far after them.
        byte[] eval = Files.readAllBytes(shared("data/tinystories_valid_eval.txt"));
        Path text = Files.write(tmp.resolve("eval-prefix.txt"), Arrays.copyOf(eval, 3700));

        PrintStream oldOut = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            code = Main.run("ppl", "--model", dir.toString(), "--text", text.toString());
        } finally {
            System.setOut(oldOut);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, printed);

        // The tokenizer.json written from the GGUF vocabulary does not collapse spaces, but the first
        // three windows of the evaluation text contain no double space, so the reference windows apply.
        JsonNode ce = new ObjectMapper().readTree(shared("fixtures/forward/ppl_tinystories_eval.json").toFile())
                .get("results").get("512").get("window_mean_ce");
        double expected = Math.exp((ce.get(0).asDouble() + ce.get(1).asDouble() + ce.get(2).asDouble()) / 3);
        Matcher m = Pattern.compile("perplexity (\\S+) \\(\\d+ tokens with BOS, 3 windows of 512").matcher(printed);
        assertTrue(m.find(), printed);
        assertEquals(expected, Double.parseDouble(m.group(1)), 1e-5 * expected);
    }
}
