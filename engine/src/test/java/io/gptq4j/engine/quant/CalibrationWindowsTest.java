package io.gptq4j.engine.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gptq4j.engine.SharedData;
import io.gptq4j.engine.eval.Perplexity;
import io.gptq4j.engine.tokenizer.Tokenizer;
import io.gptq4j.engine.tokenizer.Tokenizers;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CalibrationWindowsTest {
    private static final String CALIB_TEXT_SHA256 = "91261429e30d532d6fb702418b52e6e9741286849120d62eeff37565c05a0d8c";
    private static Tokenizer tokenizer;
    private static String text;

    @BeforeAll
    static void load() throws IOException {
        tokenizer = Tokenizers.load(SharedData.data("tok512.model"));
        text = Perplexity.readText(SharedData.data("tinystories_valid_calib.txt"));
    }

    @Test
    void consecutiveWindowsMatchReference() throws IOException {
        JsonNode json = new ObjectMapper().readTree(SharedData.fixture("model/calib_windows.json").toFile());

        CalibrationWindows windows = CalibrationWindows.fromText(tokenizer, text, 32, 256,
                CalibrationWindows.Sampling.CONSECUTIVE, 0);

        assertEquals(json.get("tokens_with_bos").asInt(), windows.sourceTokens());
        assertEquals(32, windows.nsamples());
        assertEquals(256, windows.seqlen());
        assertEquals(8192, windows.ntokens());
        assertArrayEquals(ModelFixture.calibration().windows(), windows.windows());
        assertEquals(json.get("sha256_windows_i32le").asText(), windows.windowsSha256());
        assertEquals(CALIB_TEXT_SHA256, windows.textSha256());
    }

    @Test
    void givenWindowsKeepTheirHash() throws IOException {
        JsonNode json = new ObjectMapper().readTree(SharedData.fixture("model/calib_windows.json").toFile());
        CalibrationWindows given = CalibrationWindows.of(ModelFixture.calibration().windows());

        assertEquals(json.get("sha256_windows_i32le").asText(), given.windowsSha256());
        assertEquals(CalibrationWindows.Sampling.GIVEN, given.sampling());
        assertEquals(null, given.textSha256());
    }

    @Test
    void randomWindowsFollowTheDocumentedDraws() {
        int[] tokens = Perplexity.tokenize(tokenizer, text);
        CalibrationWindows windows = CalibrationWindows.fromText(tokenizer, text, 8, 128,
                CalibrationWindows.Sampling.RANDOM, 42);

        java.util.SplittableRandom random = new java.util.SplittableRandom(42);
        for (int s = 0; s < 8; s++) {
            int start = random.nextInt(0, tokens.length - 128 + 1);
            assertArrayEquals(Arrays.copyOfRange(tokens, start, start + 128), windows.window(s), "window " + s);
        }
        assertEquals(42, windows.seed());
    }

    @Test
    void randomWindowsDependOnSeed() {
        CalibrationWindows a = CalibrationWindows.fromText(tokenizer, text, 4, 64, CalibrationWindows.Sampling.RANDOM, 1);
        CalibrationWindows b = CalibrationWindows.fromText(tokenizer, text, 4, 64, CalibrationWindows.Sampling.RANDOM, 2);
        CalibrationWindows again = CalibrationWindows.fromText(tokenizer, text, 4, 64,
                CalibrationWindows.Sampling.RANDOM, 1);

        assertNotEquals(a.windowsSha256(), b.windowsSha256());
        assertEquals(a.windowsSha256(), again.windowsSha256());
    }

    @Test
    void textTooShortIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CalibrationWindows.fromText(tokenizer, "Once upon a time", 2, 4,
                        CalibrationWindows.Sampling.CONSECUTIVE, 0));
        assertTrue(e.getMessage().contains("5 tokens"), e.getMessage());
        assertTrue(e.getMessage().contains("2 windows x 4 = 8"), e.getMessage());
    }

    @Test
    void windowsOfUnequalLengthAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CalibrationWindows.of(new int[][] {{1, 2, 3}, {1, 2}}));
        assertTrue(e.getMessage().contains("window 1 has 2 tokens, expected 3"), e.getMessage());
    }
}
