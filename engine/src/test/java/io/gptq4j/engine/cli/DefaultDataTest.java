package io.gptq4j.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DefaultDataTest {

    @Test
    void dataEnvironmentFolderComesFirst(@TempDir Path dir) throws IOException {
        Path env = Files.createDirectories(dir.resolve("env"));
        Path model = Files.writeString(env.resolve("m.gguf"), "x");
        Path home = Files.createDirectories(dir.resolve("repo"));
        Files.createDirectories(dir.resolve("shared/data"));
        Files.writeString(dir.resolve("shared/data/m.gguf"), "y");

        assertEquals(model, DefaultData.find("m.gguf", "--model", env.toString(), home.toString()));
        assertEquals(dir.resolve("shared/data/m.gguf"), DefaultData.find("m.gguf", "--model", null, home.toString()));
    }

    @Test
    void missingFileNamesFoldersAndOption(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DefaultData.find("m.gguf", "--model", null, dir.resolve("repo").toString()));

        assertTrue(e.getMessage().startsWith("m.gguf: not found in $GPTQ4J_DATA (not set), "), e.getMessage());
        assertTrue(e.getMessage().contains(dir.resolve("shared/data").toString()), e.getMessage());
        assertTrue(e.getMessage().endsWith("or pass --model FILE"), e.getMessage());
    }
}
