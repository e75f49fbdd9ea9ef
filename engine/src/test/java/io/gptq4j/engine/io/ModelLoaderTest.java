package io.gptq4j.engine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gptq4j.engine.SharedData;
import io.gptq4j.engine.model.LlamaModel;
import io.gptq4j.engine.tokenizer.SentencePieceTokenizer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelLoaderTest {
    /** encode("Once upon a time") under every convention, from the sentencepiece library. */
    private static final int[] ONCE_UPON_A_TIME = {403, 407, 261, 378};

    @TempDir
    Path tmp;

    @Test
    void ggufCarriesItsTokenizer() throws Exception {
        LlamaModel model = ModelLoader.load(SharedData.data("stories260K.gguf"));

        assertArrayEquals(ONCE_UPON_A_TIME, model.tokenizer().encode("Once upon a time"));
    }

    @Test
    void llama2cFindsSiblingTokenizer() throws Exception {
        for (String name : new String[] {"stories260K.bin", "stories260K_v1.bin"}) {
            LlamaModel model = ModelLoader.load(SharedData.data(name));

            assertArrayEquals(ONCE_UPON_A_TIME, model.tokenizer().encode("Once upon a time"), name);
            // tok512.bin comes first, and it keeps repeated spaces like llama2.c.
            assertEquals(false, ((SentencePieceTokenizer) model.tokenizer()).vocabulary().removeExtraWhitespaces(), name);
        }
    }

    @Test
    void llama2cWithoutTokenizerLoadsWithNull() throws Exception {
        Path copy = Files.copy(SharedData.data("stories260K.bin"), tmp.resolve("model.bin"));

        assertNull(ModelLoader.load(copy).tokenizer());
    }

    @Test
    void explicitTokenizerReplacesBundledOne() throws Exception {
        LlamaModel model = ModelLoader.load(SharedData.data("stories260K.gguf"), SharedData.data("tok512.model"));

        assertTrue(((SentencePieceTokenizer) model.tokenizer()).vocabulary().removeExtraWhitespaces());
    }

    @Test
    void missingPathIsReported() {
        assertThrows(NoSuchFileException.class, () -> ModelLoader.load(tmp.resolve("absent.gguf")));
    }

    @Test
    void pytorchPickleIsRejected() throws Exception {
        Path zip = Files.write(tmp.resolve("pytorch_model.bin"), new byte[] {'P', 'K', 3, 4, 0, 0, 0, 0});
        Path pickle = Files.write(tmp.resolve("consolidated.00.pth"), new byte[] {(byte) 0x80, 2, 'c', 0});

        for (Path file : new Path[] {zip, pickle}) {
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelLoader.load(file));
            assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("PyTorch pickle"), e.getMessage());
            assertTrue(e.getMessage().contains("safetensors"), e.getMessage());
        }
    }

    @Test
    void huggingFaceDirectoryIsRoutedToItsLoader() throws Exception {
        Files.writeString(tmp.resolve("config.json"), "{}");

        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelLoader.load(tmp));
        assertTrue(e.getMessage().contains("Hugging Face"), e.getMessage());
    }

    @Test
    void directoryWithoutConfigIsRejected() {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelLoader.load(tmp));
        assertTrue(e.getMessage().contains("config.json"), e.getMessage());
    }

    @Test
    void unknownContentIsRejected() throws Exception {
        Path text = Files.writeString(tmp.resolve("notes.txt"), "just some text, not a model at all");

        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelLoader.load(text));
        assertTrue(e.getMessage().contains("unrecognized model format"), e.getMessage());
    }
}
