package io.gptq4j.engine.io.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gptq4j.engine.SharedData;
import io.gptq4j.engine.tokenizer.SentencePieceModelReader;
import io.gptq4j.engine.tokenizer.Vocabulary;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tokenizer.json built from tok512's SentencePiece pieces, run through DJL, against the
 * reference ids. The HF llama normalizer does not collapse spaces, so the expected ids are
 * the reference's "without whitespace normalisation" ids.
 */
class DjlTokenizerTest {

    @TempDir
    Path dir;

    private DjlTokenizer tok512() throws IOException {
        Vocabulary v = SentencePieceModelReader.read(SharedData.data("tok512.model"));
        assertEquals(512, v.size());
        Path json = dir.resolve("tokenizer.json");
        Files.writeString(json, LlamaTokenizerJson.build(v));
        return DjlTokenizer.open(json, 1, 2, 512);
    }

    @Test
    void encodesReferenceCases() throws IOException {
        JsonNode ref = new ObjectMapper().readTree(SharedData.fixture("tokenizer/tokenizer.json").toFile());
        try (DjlTokenizer t = tok512()) {
            int n = 0;
            for (JsonNode c : ref.get("cases")) {
                String text = c.get("text").asText();
                int[] expected = new ObjectMapper().convertValue(c.get("ids_without_whitespace_normalisation"), int[].class);
                assertArrayEquals(expected, t.encode(text), "text " + c.get("utf8_hex").asText());
                n++;
            }
            assertEquals(32, n);
        }
    }

    @Test
    void encodesWholeEvalText() throws Exception {
        JsonNode ref = new ObjectMapper().readTree(SharedData.fixture("tokenizer/tokenizer.json").toFile())
                .get("files").get("tinystories_valid_eval.txt");
        String text = new String(Files.readAllBytes(SharedData.data("tinystories_valid_eval.txt")), StandardCharsets.UTF_8);
        try (DjlTokenizer t = tok512()) {
            int[] ids = t.encode(text);
            assertEquals(ref.get("tokens_without_whitespace_normalisation").asInt(), ids.length);
            ByteBuffer le = ByteBuffer.allocate(4 * ids.length).order(ByteOrder.LITTLE_ENDIAN);
            le.asIntBuffer().put(ids);
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(le.array()));
            assertEquals(ref.get("sha256_ids_without_whitespace_normalisation").asText(), sha);
        }
    }

    @Test
    void decodesAndExposesSpecialIds() throws IOException {
        try (DjlTokenizer t = tok512()) {
            assertArrayEquals(new int[] {403, 407, 261, 378}, t.encode("Once upon a time"));
            assertEquals("Once upon a time", t.decode(new int[] {1, 403, 407, 261, 378}));
            assertEquals(" upon", t.decodePiece(403, 407));
            assertEquals(1, t.bosId());
            assertEquals(2, t.eosId());
        }
    }
}
