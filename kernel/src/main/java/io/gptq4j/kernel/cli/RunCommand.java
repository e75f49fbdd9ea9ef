package io.gptq4j.kernel.cli;

import io.gptq4j.kernel.install.JupyterPaths;
import io.gptq4j.kernel.install.KernelSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code gptq4j run NOTEBOOK}: executes a notebook headlessly with nbclient ({@code run_notebook.py}
 * on {@code /usr/bin/python3}) on this kernel, installed into a private temporary prefix, so no
 * kernelspec of the user is needed or changed. Execution stops at the first failing cell; the
 * notebook is still written, up to and including that cell, and the command exits with 1.
 */
@Command(name = "run", description = "Execute a notebook headlessly with the gptq4j kernel; exit code 1 if a cell fails.")
public final class RunCommand implements Callable<Integer> {

    private static final String DRIVER = "run_notebook.py";
    /** Keeps the kernel's warnings and errors on stderr but not its INFO lines (start, class path). */
    private static final String KERNEL_LOG_LEVEL = "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn";

    @Parameters(paramLabel = "NOTEBOOK", description = "Notebook (.ipynb) to execute.")
    Path notebook;

    @Option(names = "--out", paramLabel = "OUT.ipynb",
            description = "Write the executed notebook here, also when a cell fails (default: not kept).")
    Path out;

    @Option(names = "--html", paramLabel = "OUT.html", description = "Also write the executed notebook as HTML.")
    Path html;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "600",
            description = "Per-cell timeout in seconds (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (!Files.isRegularFile(notebook)) {
            throw new IllegalArgumentException("Notebook not found: " + notebook.toAbsolutePath());
        }
        if (timeoutSeconds <= 0) {
            throw new IllegalArgumentException("--timeout must be positive, got " + timeoutSeconds);
        }
        Path prefix = Files.createTempDirectory("gptq4j-run-");
        try {
            Path java = KernelSpec.currentJava();
            Path jar = KernelSpec.currentJar();
            List<String> jvmOptions = new ArrayList<>(KernelSpec.DEFAULT_JVM_OPTIONS);
            jvmOptions.add(KERNEL_LOG_LEVEL);
            KernelSpec.write(JupyterPaths.prefixKernelsDir(prefix), KernelSpec.DEFAULT_NAME, java, jar, jvmOptions,
                    KernelSpec.DISPLAY_NAME);
            KernelCommand.ensureClassDataArchive(java, jar, jvmOptions,
                    spec.commandLine().getOut(), spec.commandLine().getErr());
            Path executed = out != null ? out.toAbsolutePath() : prefix.resolve("executed.ipynb");
            Path failureFile = prefix.resolve("failure.json");
            int status = execute(prefix, List.of(notebook.toAbsolutePath().toString(), executed.toString(),
                    html != null ? html.toAbsolutePath().toString() : "", KernelSpec.DEFAULT_NAME,
                    Integer.toString(timeoutSeconds), failureFile.toString()));
            PrintWriter err = spec.commandLine().getErr();
            if (Files.isRegularFile(failureFile)) {
                err.println("gptq4j run: " + notebook + ": " + CellRunFailure.read(failureFile).describe());
                if (out != null) {
                    err.println("The notebook up to the failing cell was written to " + executed);
                }
                return 1;
            }
            if (status != 0) {
                err.println("gptq4j run: " + notebook + " failed (" + DRIVER + " exit code " + status
                        + "); see the messages above");
                return 1;
            }
            spec.commandLine().getOut().println("Executed " + notebook + (out != null ? " -> " + executed : ""));
            return 0;
        } finally {
            deleteRecursively(prefix);
        }
    }

    /** Runs the nbclient driver with the private kernelspec visible. Its stderr and the kernel's go to ours. */
    private static int execute(Path prefix, List<String> arguments) throws IOException, InterruptedException {
        Path driver = prefix.resolve(DRIVER);
        try (InputStream source = RunCommand.class.getResourceAsStream(DRIVER)) {
            if (source == null) {
                throw new IllegalStateException(DRIVER + " is missing from the jar; rebuild it with mvn -DskipTests package");
            }
            Files.copy(source, driver);
        }
        List<String> command = new ArrayList<>();
        command.add(pythonExecutable());
        command.add(driver.toString());
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        String jupyterPath = prefix.resolve("share").resolve("jupyter").toString();
        String existing = System.getenv("JUPYTER_PATH");
        builder.environment().put("JUPYTER_PATH",
                existing == null || existing.isBlank() ? jupyterPath : jupyterPath + java.io.File.pathSeparator + existing);
        return builder.start().waitFor();
    }

    /**
     * {@code $GPTQ4J_PYTHON}, else Debian's {@code /usr/bin/python3} (where the python3-nbclient
     * package installs), else {@code python3} on the PATH.
     */
    private static String pythonExecutable() {
        String configured = System.getenv("GPTQ4J_PYTHON");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
