package io.gptq4j.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gptq4j.engine.SharedData;
import io.gptq4j.engine.io.ModelFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damaged tokenizer files fail with a message naming the file and the problem. */
class TokenizerFilesCorruptionTest {
    @TempDir
    Path tmp;

    @Test
    void truncatedModelProto() throws Exception {
        byte[] bad = Arrays.copyOf(Files.readAllBytes(SharedData.data("tok512.model")), 3000);
        assertFails("tok.model", bad, "invalid SentencePiece model protobuf at byte");
    }

    @Test
    void unigramModelIsRejected() throws Exception {
        byte[] bytes = Files.readAllBytes(SharedData.data("tok512.model"));
        // The trainer spec stores "model_type: BPE" as tag 0x18 followed by 2; make it UNIGRAM (1).
        int at = indexOf(bytes, new byte[] {'t', 'o', 'k', '5', '1', '2', 0x18, 2}) + 7;
        bytes[at] = 1;
        assertFails("tok.model", bytes, "SentencePiece model type 1 is not supported; only BPE (type 2)");
    }

    @Test
    void truncatedTokenizerBin() throws Exception {
        byte[] bad = Arrays.copyOf(Files.readAllBytes(SharedData.data("tok512.bin")), 3001);
        assertFails("tokenizer.bin", bad, "invalid llama2.c tokenizer.bin:");
    }

    @Test
    void oversizedTokenLength() throws Exception {
        byte[] bytes = Files.readAllBytes(SharedData.data("tok512.bin"));
        // Token 0: score at byte 4, length at byte 8.
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 1_000_000);
        assertFails("tokenizer.bin", bytes, "token 0 has length 1000000 at offset 8 (max_token_length 7");
    }

    @Test
    void huggingFaceJsonIsRejected() throws Exception {
        assertFails("tokenizer.json", "{\"model\": {}}".getBytes(), "Hugging Face tokenizer.json files are not supported");
    }

    private void assertFails(String name, byte[] content, String expectedPart) throws Exception {
        Path file = Files.write(tmp.resolve(name), content);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Tokenizers.load(file));
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(expectedPart), e.getMessage());
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("pattern not found");
    }
}
