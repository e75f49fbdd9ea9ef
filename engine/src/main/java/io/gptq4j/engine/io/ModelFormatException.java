package io.gptq4j.engine.io;

import java.nio.file.Path;

/**
 * A model, tokenizer or tensor file that cannot be read as its format requires. The message names
 * the file and the offending tensor or field and tells the user what to do.
 */
public class ModelFormatException extends RuntimeException {
    private final Path file;

    public ModelFormatException(Path file, String message) {
        super(file + ": " + message);
        this.file = file;
    }

    public ModelFormatException(Path file, String message, Throwable cause) {
        super(file + ": " + message, cause);
        this.file = file;
    }

    /** Returns the file that failed to load. */
    public Path file() {
        return file;
    }
}
