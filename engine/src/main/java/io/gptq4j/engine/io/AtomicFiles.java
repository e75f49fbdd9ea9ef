package io.gptq4j.engine.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes files and directories so that the target name either does not exist or contains complete
 * content: everything goes to a temporary sibling first, which is then renamed in one step.
 * A rename within one directory is atomic on POSIX file systems.
 */
public final class AtomicFiles {
    private static final Logger LOG = LoggerFactory.getLogger(AtomicFiles.class);

    private AtomicFiles() {
    }

    /** Content producer that writes into the path it is given. */
    @FunctionalInterface
    public interface Writer {
        void writeTo(Path path) throws IOException;
    }

    /**
     * Writes a file through a temporary file in the same directory, then moves it over
     * {@code target} (replacing an existing file). The temporary file is deleted on failure.
     */
    public static void writeFile(Path target, Writer writer) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
        try {
            writer.writeTo(temp);
            moveAtomically(temp, abs);
        } catch (IOException | RuntimeException | Error e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    /**
     * Builds a directory under a temporary sibling name and renames it to {@code target} when
     * {@code writer} returns. The target must not exist or be an empty directory, so that an
     * existing checkpoint is never half replaced. The temporary directory is removed when the
     * writer fails and, through a shutdown hook, when the JVM is interrupted meanwhile.
     *
     * @throws FileAlreadyExistsException when {@code target} exists and is not an empty directory
     */
    public static void writeDirectory(Path target, Writer writer) throws IOException {
        Path abs = target.toAbsolutePath().normalize();
        checkTargetFree(abs);
        Path parent = abs.getParent();
        Files.createDirectories(parent);
        Path temp = Files.createTempDirectory(parent, "." + abs.getFileName() + ".partial-");
        Thread cleanup = new Thread(() -> deleteQuietly(temp), "remove " + temp);
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            writer.writeTo(temp);
            checkTargetFree(abs);
            Files.deleteIfExists(abs);
            moveAtomically(temp, abs);
        } catch (IOException | RuntimeException | Error e) {
            deleteQuietly(temp);
            throw e;
        } finally {
            removeHook(cleanup);
        }
    }

    /**
     * Checks that {@link #writeDirectory} could create {@code target}, so callers can reject an
     * occupied output directory before hours of work rather than after.
     *
     * @throws FileAlreadyExistsException when {@code target} exists and is not an empty directory
     */
    public static void checkTargetFree(Path target) throws IOException {
        if (!Files.exists(target)) {
            return;
        }
        boolean emptyDir = false;
        if (Files.isDirectory(target)) {
            try (Stream<Path> s = Files.list(target)) {
                emptyDir = s.findAny().isEmpty();
            }
        }
        if (!emptyDir) {
            throw new FileAlreadyExistsException(target.toString(), null,
                    "already exists and is not an empty directory; remove it or choose another output directory");
        }
    }

    private static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + from + " to " + to + " atomically (" + e.getMessage()
                    + "); write to a directory on a local file system", e);
        } catch (DirectoryNotEmptyException e) {
            throw new FileAlreadyExistsException(to.toString(), null, "appeared while writing; nothing was replaced");
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The JVM is exiting; the hook runs (or ran) and deletes an already moved path, which is a no-op.
        }
    }

    /** Deletes a file tree, logging what cannot be deleted instead of throwing. */
    static void deleteQuietly(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("Could not remove temporary path {}: {}", root, e.getMessage());
        }
    }
}
