package io.gptq4j.dsl;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Locates the real data and reference fixtures that live beside the repository in
 * {@code ../shared}. The build passes the folder as the system property {@code gptq4j.shared}.
 */
public final class SharedData {
    private SharedData() {
    }

    public static Path root() {
        String prop = System.getProperty("gptq4j.shared");
        Path p = prop != null ? Path.of(prop) : Path.of("..", "shared");
        if (!Files.isDirectory(p.resolve("data"))) {
            throw new IllegalStateException("shared data folder not found at " + p.toAbsolutePath()
                    + "; run the tests from the repository with ../shared beside it, or pass -Dgptq4j.shared=DIR");
        }
        return p.toAbsolutePath().normalize();
    }

    public static Path data(String name) {
        return root().resolve("data").resolve(name);
    }

    public static Path fixture(String relative) {
        return root().resolve("fixtures").resolve(relative);
    }

    /** Skips the calling test when an optional fixture is absent. */
    public static Path optionalFixture(String relative) {
        Path p = root().resolve("fixtures").resolve(relative);
        Assumptions.assumeTrue(Files.exists(p), "fixture not present: " + p);
        return p;
    }
}
