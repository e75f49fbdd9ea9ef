package io.gptq4j.kernel.cli;

import io.gptq4j.kernel.install.JupyterPaths;
import io.gptq4j.kernel.install.KernelSpec;
import java.io.IOException;
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
 * {@code gptq4j run NOTEBOOK}: executes a notebook headlessly with {@code jupyter nbconvert
 * --execute} on this kernel, installed into a private temporary prefix, so no kernelspec of the
 * user is needed or changed. Exits non-zero when a cell fails.
 */
@Command(name = "run", description = "Execute a notebook headlessly with the gptq4j kernel; exit code 1 if a cell fails.")
public final class RunCommand implements Callable<Integer> {

    @Parameters(paramLabel = "NOTEBOOK", description = "Notebook (.ipynb) to execute.")
    Path notebook;

    @Option(names = "--out", paramLabel = "OUT.ipynb", description = "Write the executed notebook here (default: not kept).")
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
            KernelSpec.write(JupyterPaths.prefixKernelsDir(prefix), KernelSpec.DEFAULT_NAME, java, jar,
                    KernelSpec.DEFAULT_JVM_OPTIONS, KernelSpec.DISPLAY_NAME);
            KernelCommand.ensureClassDataArchive(java, jar, KernelSpec.DEFAULT_JVM_OPTIONS,
                    spec.commandLine().getOut(), spec.commandLine().getErr());
            Path executed = out != null ? out.toAbsolutePath() : prefix.resolve("executed.ipynb");
            int status = nbconvert(prefix, List.of("--to", "notebook", "--execute",
                    "--ExecutePreprocessor.kernel_name=" + KernelSpec.DEFAULT_NAME,
                    "--ExecutePreprocessor.timeout=" + timeoutSeconds,
                    "--output-dir", executed.getParent().toString(),
                    "--output", executed.getFileName().toString(),
                    notebook.toAbsolutePath().toString()));
            if (html != null && Files.exists(executed)) {
                Path target = html.toAbsolutePath();
                int htmlStatus = nbconvert(prefix, List.of("--to", "html", "--output-dir", target.getParent().toString(),
                        "--output", target.getFileName().toString(), executed.toString()));
                status = status != 0 ? status : htmlStatus;
            }
            if (status != 0) {
                spec.commandLine().getErr().println("gptq4j run: " + notebook + " failed (jupyter nbconvert exit code "
                        + status + "); see the cell error above");
                return 1;
            }
            spec.commandLine().getOut().println("Executed " + notebook + (out != null ? " -> " + executed : ""));
            return 0;
        } finally {
            deleteRecursively(prefix);
        }
    }

    private static int nbconvert(Path prefix, List<String> arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(jupyterExecutable());
        command.add("nbconvert");
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        String jupyterPath = prefix.resolve("share").resolve("jupyter").toString();
        String existing = System.getenv("JUPYTER_PATH");
        builder.environment().put("JUPYTER_PATH",
                existing == null || existing.isBlank() ? jupyterPath : jupyterPath + java.io.File.pathSeparator + existing);
        return builder.start().waitFor();
    }

    /** {@code $GPTQ4J_JUPYTER}, else Debian's {@code /usr/bin/jupyter}, else {@code jupyter} on the PATH. */
    private static String jupyterExecutable() {
        String configured = System.getenv("GPTQ4J_JUPYTER");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        return Files.isExecutable(Path.of("/usr/bin/jupyter")) ? "/usr/bin/jupyter" : "jupyter";
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
