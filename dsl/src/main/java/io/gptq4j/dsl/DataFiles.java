package io.gptq4j.dsl;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Finds model and text files that notebooks name without a folder. A name is tried as given
 * (relative to the working directory), then in {@code $GPTQ4J_DATA}, then in
 * {@code ../shared/data} beside the repository: beside the working directory or any of its parents,
 * or beside {@code -Dgptq4j.home}.
 */
public final class DataFiles {
    private DataFiles() {
    }

    /**
     * Returns the file {@code name} refers to.
     *
     * @throws IllegalArgumentException listing every folder tried when the file is in none of them
     */
    public static Path resolve(String name) {
        Path direct = Path.of(name);
        if (Files.isRegularFile(direct) || direct.isAbsolute()) {
            if (!Files.exists(direct)) {
                throw new IllegalArgumentException("file not found: " + direct);
            }
            return direct;
        }
        List<Path> tried = new ArrayList<>();
        tried.add(direct.toAbsolutePath().normalize());
        for (Path folder : dataFolders()) {
            Path candidate = folder.resolve(name).normalize();
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
            tried.add(candidate);
        }
        throw new IllegalArgumentException("file '" + name + "' not found; tried " + tried
                + ". Put the file in one of these places or set GPTQ4J_DATA to its folder");
    }

    /** Returns the folders searched after the working directory, most specific first. */
    public static List<Path> dataFolders() {
        List<Path> folders = new ArrayList<>();
        String env = System.getenv("GPTQ4J_DATA");
        if (env != null && !env.isBlank()) {
            folders.add(Path.of(env));
        }
        String home = System.getProperty("gptq4j.home");
        if (home != null) {
            folders.add(Path.of(home).resolve("../shared/data").normalize());
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path shared = dir.resolve("../shared/data").normalize();
            if (Files.isDirectory(shared) && !folders.contains(shared)) {
                folders.add(shared);
            }
            dir = dir.getParent();
        }
        return folders;
    }

    /** Returns the lowercase hex SHA-256 of a file's bytes. */
    public static String sha256(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            byte[] buffer = new byte[1 << 16];
            while (in.read(buffer) >= 0) {
                // reading feeds the digest
            }
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
