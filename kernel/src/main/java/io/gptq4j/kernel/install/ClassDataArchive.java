package io.gptq4j.kernel.install;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The kernel's class-data sharing archive (a JDK 17 dynamic AppCDS archive): the classes a kernel
 * loaded while it replied to {@code kernel_info} and ran a first cell, stored in the JVM's parsed
 * and verified form. A kernel started with the archive maps these classes instead of loading them
 * from the jar, which shortens the kernel's start and JShell's (numbers in docs/benchmarks.md).
 *
 * <p>An archive only fits the JDK, the jar (path, size and modification time) and the JVM options
 * it was created with: the heap size, for one, decides whether object pointers are compressed. So
 * the archive lives next to the jar, named after a hash of the {@code java} launcher and the
 * options, and has to be created again after the jar is rebuilt. The JVM's default
 * {@code -Xshare:auto} skips a missing or mismatched archive, and {@link #jvmOptions} also turns
 * off the warning it would print about it, so the kernel then simply starts without it.
 */
public final class ClassDataArchive {

    /** The training run's cell: a value and a line of output, as a first notebook cell has. */
    static final String TRAINING_CELL = "System.out.println(\"gptq4j\");\n1 + 1";
    /** Upper bound on one training run, in seconds: it starts JShell, which takes several seconds on 2 cores. */
    private static final long TRAINING_TIMEOUT_SECONDS = 300;
    private static final long CHECK_TIMEOUT_SECONDS = 60;
    /** Makes the JVM check the archive's CRCs before it maps the archive. */
    private static final String VERIFY = "-XX:+VerifySharedSpaces";

    private ClassDataArchive() {
    }

    /**
     * Returns where the archive for kernels run as {@code java jvmOptions -jar jar} lives: next to
     * the jar, for example {@code gptq4j-all-1a2b3c4d.jsa}, where the suffix hashes the launcher
     * and the options.
     */
    public static Path pathFor(Path java, Path jar, List<String> jvmOptions) {
        String jarName = jar.getFileName().toString();
        String base = jarName.endsWith(".jar") ? jarName.substring(0, jarName.length() - 4) : jarName;
        return jar.resolveSibling(base + "-" + hash(java, jvmOptions) + ".jsa");
    }

    private static String hash(Path java, List<String> jvmOptions) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(java.toString().getBytes(StandardCharsets.UTF_8));
            for (String option : jvmOptions) {
                digest.update((byte) '\n');
                digest.update(option.getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(digest.digest()).substring(0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JDK", e);
        }
    }

    /**
     * Returns the JVM options that make a kernel use {@code archive} when it fits and silently skip it
     * otherwise. {@code VerifySharedSpaces} checks the archive's CRCs when the JVM maps it: without
     * it, an archive damaged after its header crashes every kernel start, because the header checks
     * still pass. The check adds no start time measurable in five starts (18 MB archive).
     */
    public static List<String> jvmOptions(Path archive) {
        return List.of("-XX:SharedArchiveFile=" + archive, VERIFY, "-Xlog:cds=off,cds+dynamic=off");
    }

    /**
     * Returns whether {@code java} can map {@code archive} for this jar and these options. It runs
     * {@code java -Xshare:on ... -version}, which fails at JVM start when the archive is missing,
     * unreadable, damaged or made for another JDK, jar or heap layout.
     */
    public static boolean isUsable(Path java, Path jar, List<String> jvmOptions, Path archive) throws IOException {
        if (!Files.isRegularFile(archive)) {
            return false;
        }
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(jvmOptions);
        command.add("-Xshare:on");
        command.add("-XX:SharedArchiveFile=" + archive);
        command.add(VERIFY);
        command.add("-cp");
        command.add(jar.toString());
        command.add("-version");
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return finish(process, CHECK_TIMEOUT_SECONDS) == 0;
    }

    /**
     * Creates {@code archive} with a training run: starts the kernel as a kernelspec would, with
     * {@code -XX:ArchiveClassesAtExit}, sends it {@code kernel_info}, one cell and a shutdown, and
     * moves the archive the JVM writes at exit into place. The old archive stays until the new
     * one is complete, so a kernel starting meanwhile maps one or the other.
     *
     * @throws IOException if the kernel cannot be started, does not reply in time, or writes no archive;
     *     the message names the training log
     */
    public static void create(Path java, Path jar, List<String> jvmOptions, Path archive) throws IOException {
        Path work = Files.createTempDirectory("gptq4j-cds-training-");
        Path connectionFile = work.resolve("connection.json");
        Path log = work.resolve("kernel.log");
        Path partial = archive.resolveSibling(archive.getFileName() + ".part-" + ProcessHandle.current().pid());
        Files.deleteIfExists(partial);

        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(KernelSpec.REQUIRED_JVM_OPTIONS);
        command.addAll(jvmOptions);
        command.add("-XX:ArchiveClassesAtExit=" + partial);
        command.addAll(List.of("-jar", jar.toString(), "kernel", "start", connectionFile.toString()));

        boolean succeeded = false;
        try (TrainingClient client = new TrainingClient()) {
            client.writeConnectionFile(connectionFile);
            Process kernel = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            try {
                client.connect(TimeUnit.SECONDS.toMillis(TRAINING_TIMEOUT_SECONDS));
                client.runSession(TRAINING_CELL);
                int exitCode = finish(kernel, TRAINING_TIMEOUT_SECONDS);
                if (exitCode != 0 || !Files.isRegularFile(partial)) {
                    throw new IOException("the training kernel exited with code " + exitCode + " and wrote no archive");
                }
            } catch (IOException e) {
                throw new IOException("Creating class-data archive " + archive + " failed: " + e.getMessage()
                        + " (kernel log: " + log + ")", e);
            } finally {
                kernel.destroyForcibly();
            }
            Files.move(partial, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            succeeded = true;
        } finally {
            Files.deleteIfExists(partial);
            if (succeeded) {
                // On failure the folder stays, because the error message points at its log.
                Files.deleteIfExists(connectionFile);
                Files.deleteIfExists(log);
                Files.deleteIfExists(work);
            }
        }
    }

    /** Waits for {@code process} and returns its exit code; kills it and fails after {@code timeoutSeconds}. */
    private static int finish(Process process, long timeoutSeconds) throws IOException {
        try {
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("timed out after " + timeoutSeconds + " s: " + process.info().commandLine().orElse("java"));
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for " + process.info().commandLine().orElse("java"), e);
        }
    }
}
