package io.gptq4j.engine.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the default model and text when the command line names none: first in the folder
 * {@code $GPTQ4J_DATA}, then in {@code ../shared/data} beside the repository root (the launcher
 * passes the root as {@code -Dgptq4j.home}; without it the working directory is the root).
 */
final class DefaultData {
    static final String ENV = "GPTQ4J_DATA";
    static final String MODEL = "stories260K.gguf";
    static final String TEXT = "tinystories_valid_eval.txt";

    private DefaultData() {
    }

    /**
     * Returns the first existing {@code name} in the data folders.
     *
     * @throws IllegalArgumentException naming the file, the folders searched and the option that
     *                                  replaces the lookup
     */
    static Path find(String name, String option) {
        return find(name, option, System.getenv(ENV), System.getProperty("gptq4j.home"));
    }

    static Path find(String name, String option, String dataEnv, String home) {
        List<Path> folders = new ArrayList<>();
        if (dataEnv != null && !dataEnv.isBlank()) {
            folders.add(Path.of(dataEnv));
        }
        Path root = home != null ? Path.of(home) : Path.of("");
        folders.add(root.toAbsolutePath().resolve("../shared/data").normalize());
        for (Path folder : folders) {
            Path candidate = folder.resolve(name);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        String searched = (dataEnv == null || dataEnv.isBlank() ? "$" + ENV + " (not set), " : "")
                + String.join(", ", folders.stream().map(Path::toString).toList());
        throw new IllegalArgumentException(name + ": not found in " + searched + "; put " + name
                + " into one of these folders, set " + ENV + " to the folder that holds it, or pass "
                + option + " FILE");
    }

    /** Returns the file itself, or throws naming it when it does not exist. */
    static Path requireFile(Path file) {
        if (!Files.exists(file)) {
            throw new IllegalArgumentException(file + ": file not found");
        }
        return file;
    }
}
