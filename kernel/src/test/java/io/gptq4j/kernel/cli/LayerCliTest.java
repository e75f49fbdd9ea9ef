package io.gptq4j.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gptq4j.engine.io.SafeTensors;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gptq4j layer} through the command-line entry point, on a single-layer reference case. */
class LayerCliTest {
    private static final String CASE = "C05_b4_g32_sym";

    private static Path fixture(String file) {
        String shared = System.getProperty("gptq4j.shared", "../shared");
        return Path.of(shared, "fixtures", "layers", file).toAbsolutePath().normalize();
    }

    /** Runs the CLI and returns {exit code, stdout, stderr}. */
    private static Object[] run(String... args) {
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
        return new Object[] {code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void layerCommandReproducesReferenceCodes(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("out.safetensors");
        Object[] result = run("layer", "--in", fixture(CASE + ".safetensors").toString(), "--out", out.toString(),
                "--bits", "4", "--group-size", "32", "--sym");
        assertEquals(0, result[0], () -> "stderr: " + result[2]);

        Matcher loss = Pattern.compile("loss_sum (\\S+)").matcher((String) result[1]);
        assertTrue(loss.find(), (String) result[1]);
        double expectedLoss = 14.03294;
        assertEquals(expectedLoss, Double.parseDouble(loss.group(1)), 2e-3 * expectedLoss);
        assertTrue(((String) result[1]).contains("damp 0.01"), (String) result[1]);

        SafeTensors expected = SafeTensors.open(fixture(CASE + ".safetensors"));
        SafeTensors actual = SafeTensors.open(out);
        int[] qint = actual.ints("qint");
        int[] reference = expected.ints("qint");
        int[] exactUntil = expected.ints("row_exact_until");
        int cols = 192;
        for (int row = 0; row < exactUntil.length; row++) {
            // No act-order here, so processing position = column.
            for (int k = 0; k < exactUntil[row]; k++) {
                assertEquals(reference[row * cols + k], qint[row * cols + k], "qint at row " + row + ", column " + k);
            }
        }
        assertEquals(6, actual.info("scale").shape()[1]);
        assertEquals(5, actual.ints("g_idx")[191]);
    }

    @Test
    void invalidBitsExitWithMessage(@TempDir Path tmp) {
        Object[] result = run("layer", "--in", fixture(CASE + ".safetensors").toString(),
                "--out", tmp.resolve("o.safetensors").toString(), "--bits", "5");
        assertEquals(1, result[0]);
        assertTrue(((String) result[2]).contains("invalid --bits 5; valid values: 2, 3, 4, 8"), (String) result[2]);
    }
}
