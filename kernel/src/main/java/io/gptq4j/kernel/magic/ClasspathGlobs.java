package io.gptq4j.kernel.magic;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Expands {@code %classpath} arguments: plain paths, {@code ~/} for the home folder, and globs
 * ({@code lib/*.jar}, {@code libs/**.jar}) matched from the longest folder prefix without
 * wildcards. Relative paths are relative to the kernel's working folder (the notebook's folder).
 */
final class ClasspathGlobs {

    private ClasspathGlobs() {
    }

    static List<Path> expand(String argument) {
        String text = argument.startsWith("~/") ? System.getProperty("user.home") + argument.substring(1) : argument;
        int wildcard = indexOfWildcard(text);
        if (wildcard < 0) {
            Path path = Path.of(text).toAbsolutePath().normalize();
            if (!Files.exists(path)) {
                throw new IllegalArgumentException("Class path entry not found: " + path);
            }
            return List.of(path);
        }
        int slash = text.lastIndexOf('/', wildcard);
        Path base = Path.of(slash < 0 ? "." : text.substring(0, Math.max(slash, 1))).toAbsolutePath().normalize();
        String pattern = slash < 0 ? text : text.substring(slash + 1);
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        List<Path> matches = new ArrayList<>();
        int depth = pattern.contains("**") ? Integer.MAX_VALUE : pattern.split("/").length;
        try (Stream<Path> files = Files.walk(base, depth)) {
            files.filter(path -> !path.equals(base) && matcher.matches(base.relativize(path)))
                    .sorted()
                    .forEach(matches::add);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + base + " for " + argument, e);
        }
        if (matches.isEmpty()) {
            throw new IllegalArgumentException("No files match " + argument + " (searched " + base + ")");
        }
        return matches;
    }

    private static int indexOfWildcard(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == '{') {
                return i;
            }
        }
        return -1;
    }
}
