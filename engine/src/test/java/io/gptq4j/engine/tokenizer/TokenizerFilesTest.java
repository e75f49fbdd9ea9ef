package io.gptq4j.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gptq4j.engine.SharedData;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Encodes whole data texts and compares token counts, SHA-256 of the ids (int32 little-endian)
 * and the first and last ids with the sentencepiece library's output (tok512.model) and with
 * the llama.cpp convention (GGUF vocabulary, no whitespace removal).
 */
class TokenizerFilesTest {
    private static JsonNode files;
    private static SentencePieceTokenizer model;
    private static SentencePieceTokenizer gguf;

    @BeforeAll
    static void load() throws Exception {
        files = new ObjectMapper().readTree(SharedData.fixture("tokenizer/tokenizer.json").toFile()).get("files");
        model = Tokenizers.load(SharedData.data("tok512.model"));
        gguf = Tokenizers.load(SharedData.data("stories260K.gguf"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"tinystories_valid_eval.txt", "tinystories_valid_calib.txt", "wiki.test.raw",
        "tinystories_v2_valid_100.txt"})
    void textEncodesLikeReference(String name) throws Exception {
        JsonNode expected = files.get(name);
        String text = read(name);

        int[] ids = model.encode(text);
        assertEquals(expected.get("tokens").asInt(), ids.length, "token count");
        assertArrayEquals(SentencePieceTokenizerTest.ints(expected.get("first_24")), Arrays.copyOf(ids, 24), "first 24 ids");
        assertArrayEquals(SentencePieceTokenizerTest.ints(expected.get("last_8")),
                Arrays.copyOfRange(ids, ids.length - 8, ids.length), "last 8 ids");
        assertEquals(expected.get("sha256_ids_i32le").asText(), sha256(ids), "SHA-256 of the ids");

        int[] plain = gguf.encode(text);
        assertEquals(expected.get("tokens_without_whitespace_normalisation").asInt(), plain.length, "token count, GGUF");
        assertEquals(expected.get("sha256_ids_without_whitespace_normalisation").asText(), sha256(plain), "SHA-256, GGUF");
    }

    private static String read(String name) throws Exception {
        byte[] bytes = Files.readAllBytes(SharedData.data(name));
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static String sha256(int[] ids) throws Exception {
        ByteBuffer buffer = ByteBuffer.allocate(ids.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asIntBuffer().put(ids);
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(buffer.array()));
    }
}
