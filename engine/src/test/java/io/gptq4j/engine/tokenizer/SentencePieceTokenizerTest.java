package io.gptq4j.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gptq4j.engine.SharedData;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Encodes and decodes the reference strings, whose ids came from the sentencepiece library
 * (with whitespace normalization, through tok512.model) and from the llama.cpp convention
 * (dummy prefix only, through the GGUF vocabulary and llama2.c's tok512.bin).
 */
class SentencePieceTokenizerTest {
    private static JsonNode cases;
    private static SentencePieceTokenizer model;
    private static SentencePieceTokenizer gguf;
    private static SentencePieceTokenizer llama2c;

    @BeforeAll
    static void load() throws Exception {
        cases = new ObjectMapper().readTree(SharedData.fixture("tokenizer/tokenizer.json").toFile()).get("cases");
        model = Tokenizers.load(SharedData.data("tok512.model"));
        gguf = Tokenizers.load(SharedData.data("stories260K.gguf"));
        llama2c = Tokenizers.load(SharedData.data("tok512.bin"));
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    @Test
    void fixtureHasAllCases() {
        assertEquals(32, cases.size());
    }

    @Test
    void modelFileMatchesSentencePiece() {
        for (JsonNode c : cases) {
            String text = c.get("text").asText();
            assertArrayEquals(ints(c.get("ids")), model.encode(text), "text " + c.get("text"));
        }
    }

    @Test
    void ggufVocabularySkipsWhitespaceNormalization() {
        for (JsonNode c : cases) {
            String text = c.get("text").asText();
            assertArrayEquals(ints(c.get("ids_without_whitespace_normalisation")), gguf.encode(text), "text " + c.get("text"));
        }
    }

    @Test
    void llama2cFileSkipsWhitespaceNormalization() {
        for (JsonNode c : cases) {
            String text = c.get("text").asText();
            assertArrayEquals(ints(c.get("ids_without_whitespace_normalisation")), llama2c.encode(text), "text " + c.get("text"));
        }
    }

    @Test
    void piecesMatchReference() {
        for (JsonNode c : cases) {
            int[] ids = ints(c.get("ids"));
            List<String> pieces = new ArrayList<>();
            for (int id : ids) {
                pieces.add(model.piece(id));
            }
            List<String> expected = new ArrayList<>();
            c.get("pieces").forEach(p -> expected.add(p.asText()));
            assertEquals(expected, pieces, "text " + c.get("text"));
        }
    }

    @Test
    void decodeGivesReferenceText() {
        for (JsonNode c : cases) {
            assertEquals(c.get("decoded").asText(), model.decode(ints(c.get("ids"))), "text " + c.get("text"));
        }
    }

    @Test
    void decodeWithoutNormalizationRoundTrips() {
        // Without whitespace removal, only the dummy prefix changes the text, and decode removes it.
        for (JsonNode c : cases) {
            String text = c.get("text").asText();
            int[] ids = ints(c.get("ids_without_whitespace_normalisation"));
            assertEquals(text, gguf.decode(ids), "gguf, text " + c.get("text"));
            assertEquals(text, llama2c.decode(ids), "tok512.bin, text " + c.get("text"));
        }
    }

    @Test
    void decodeSkipsBosAndEos() {
        assertEquals("Once upon a time", model.decode(new int[] {1, 403, 407, 261, 378, 2}));
    }

    @Test
    void decodeReplacesInvalidUtf8() {
        // 0xE4 (id 231) starts a three-byte sequence that 0x41 (id 68) does not continue.
        assertEquals("\uFFFDA", model.decode(new int[] {231, 68}));
    }

    @Test
    void decodePieceDropsSpaceAfterBos() {
        assertEquals("Once", model.decodePiece(1, 403));
        assertEquals(" upon", model.decodePiece(403, 407));
        assertEquals("\n", model.decodePiece(426, 13));
        assertArrayEquals(new byte[] {(byte) 0xE4}, model.decodePieceBytes(410, 231));
    }

    @Test
    void specialIds() {
        for (SentencePieceTokenizer t : List.of(model, gguf, llama2c)) {
            assertEquals(1, t.bosId());
            assertEquals(2, t.eosId());
            assertEquals(512, t.vocabSize());
        }
    }

    @Test
    void flagsFollowEachConvention() {
        assertTrue(model.vocabulary().removeExtraWhitespaces());
        assertFalse(gguf.vocabulary().removeExtraWhitespaces());
        assertFalse(llama2c.vocabulary().removeExtraWhitespaces());
        assertTrue(model.vocabulary().addDummyPrefix());
        assertTrue(gguf.vocabulary().addDummyPrefix());
        assertTrue(llama2c.vocabulary().addDummyPrefix());
    }

    @Test
    void vocabulariesAgreeAcrossFiles() {
        Vocabulary reference = model.vocabulary();
        assertEquals(reference.pieces(), gguf.vocabulary().pieces());
        assertArrayEquals(reference.scores(), gguf.vocabulary().scores());
        assertEquals(reference.types(), gguf.vocabulary().types());
        assertArrayEquals(reference.scores(), llama2c.vocabulary().scores());
        assertEquals(reference.types(), llama2c.vocabulary().types());
        // tokenizer.bin writes BOS and EOS as "\n<s>\n" and "\n</s>\n"; every other piece is identical.
        for (int id = 0; id < reference.size(); id++) {
            if (id != 1 && id != 2) {
                assertEquals(reference.pieces().get(id), llama2c.vocabulary().pieces().get(id), "piece " + id);
            }
        }
    }

    @Test
    void codePointsOutsideVocabularyUseBytes() {
        String text = "\uD83D\uDE00"; // U+1F600, UTF-8 F0 9F 98 80
        int[] expected = {410, 0xF0 + 3, 0x9F + 3, 0x98 + 3, 0x80 + 3};
        assertArrayEquals(expected, model.encode(text));
        assertEquals(text, model.decode(expected));
    }
}
