package io.gptq4j.kernel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gptq4j.kernel.install.ClassDataArchive;
import io.gptq4j.kernel.install.JupyterPaths;
import io.gptq4j.kernel.install.KernelSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code gptq4j kernel install|list|remove|start}: the Jupyter kernel and its kernelspec. */
@Command(name = "kernel",
        description = "Install, list, remove or start the gptq4j Jupyter kernel.",
        subcommands = {
            KernelCommand.Install.class,
            KernelCommand.ListSpecs.class,
            KernelCommand.Remove.class,
            KernelCommand.Start.class,
        })
public final class KernelCommand {

    /** Kernelspec location: the user's Jupyter folder (default) or an installation prefix. */
    static final class Location {
        @Option(names = "--user", description = "Use the user's Jupyter data folder (default).")
        boolean user;

        @Option(names = "--prefix", paramLabel = "DIR", description = "Use DIR/share/jupyter/kernels, e.g. a virtualenv or a temp folder.")
        Path prefix;

        static Path kernelsDir(Location location) {
            if (location != null && location.prefix != null) {
                return JupyterPaths.prefixKernelsDir(location.prefix.toAbsolutePath());
            }
            return JupyterPaths.userDataDir().resolve("kernels");
        }
    }

    @Command(name = "install", description = "Write the kernelspec so Jupyter can start this kernel.")
    static final class Install implements Callable<Integer> {
        @ArgGroup(exclusive = true)
        Location location;

        @Option(names = "--name", defaultValue = KernelSpec.DEFAULT_NAME, description = "Kernelspec name (default: ${DEFAULT-VALUE}).")
        String name;

        @Option(names = "--display-name", defaultValue = KernelSpec.DISPLAY_NAME, description = "Name shown in Jupyter (default: ${DEFAULT-VALUE}).")
        String displayName;

        @Option(names = "--jvm-option", paramLabel = "OPTION",
                description = "JVM option for the kernel, repeatable; replaces the default -XX:MaxRAMPercentage=60 (e.g. --jvm-option=-Xmx16g).")
        List<String> jvmOptions;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            List<String> options = jvmOptions == null ? KernelSpec.DEFAULT_JVM_OPTIONS : jvmOptions;
            Path java = KernelSpec.currentJava();
            Path jar = KernelSpec.currentJar();
            Path dir = KernelSpec.write(Location.kernelsDir(location), name, java, jar, options, displayName);
            spec.commandLine().getOut().println("Installed kernelspec " + name + " in " + dir);
            ensureClassDataArchive(java, jar, options, spec.commandLine().getOut(), spec.commandLine().getErr());
            return 0;
        }
    }

    /**
     * Creates the kernel's class-data archive unless an up-to-date one exists. A failure is only
     * a warning, because the kernel works without the archive and only starts slower.
     */
    static void ensureClassDataArchive(Path java, Path jar, List<String> options, PrintWriter out, PrintWriter err)
            throws IOException {
        Path archive = ClassDataArchive.pathFor(java, jar, options);
        if (ClassDataArchive.isUsable(java, jar, options, archive)) {
            out.println("Class-data archive is up to date: " + archive);
            return;
        }
        if (!Files.isWritable(archive.getParent())) {
            err.println("gptq4j: warning: cannot create the class-data archive " + archive + ": its folder is not"
                    + " writable; the kernel starts without it, about 0.2 s slower");
            return;
        }
        out.println("Creating class-data archive " + archive + " (a training run of the kernel, about 10 s)");
        out.flush();
        try {
            ClassDataArchive.create(java, jar, options, archive);
        } catch (IOException e) {
            err.println("gptq4j: warning: " + e.getMessage() + "; the kernel starts without it");
        }
    }

    @Command(name = "list", description = "List installed gptq4j kernelspecs in Jupyter's search path.")
    static final class ListSpecs implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            List<String> lines = new ArrayList<>();
            for (Path kernels : JupyterPaths.kernelsSearchPath()) {
                if (!Files.isDirectory(kernels)) {
                    continue;
                }
                try (Stream<Path> dirs = Files.list(kernels)) {
                    for (Path dir : dirs.sorted().toList()) {
                        if (isGptq4jSpec(dir.resolve("kernel.json"))) {
                            lines.add(dir.getFileName() + "  " + dir);
                        }
                    }
                }
            }
            if (lines.isEmpty()) {
                spec.commandLine().getOut().println("No gptq4j kernelspec installed; run: gptq4j kernel install");
            }
            lines.forEach(spec.commandLine().getOut()::println);
            return 0;
        }
    }

    @Command(name = "remove", description = "Remove an installed gptq4j kernelspec.")
    static final class Remove implements Callable<Integer> {
        @ArgGroup(exclusive = true)
        Location location;

        @Option(names = "--name", defaultValue = KernelSpec.DEFAULT_NAME, description = "Kernelspec name (default: ${DEFAULT-VALUE}).")
        String name;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            Path dir = Location.kernelsDir(location).resolve(name);
            if (!isGptq4jSpec(dir.resolve("kernel.json"))) {
                throw new IllegalArgumentException("No gptq4j kernelspec " + name + " in " + dir.getParent());
            }
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
            spec.commandLine().getOut().println("Removed kernelspec " + name + " from " + dir.getParent());
            return 0;
        }
    }

    @Command(name = "start", description = "Run the kernel on a Jupyter connection file (Jupyter calls this).")
    static final class Start implements Callable<Integer> {
        @Parameters(paramLabel = "CONNECTION_FILE", description = "Connection file written by the Jupyter client.")
        Path connectionFile;

        @Override
        public Integer call() throws IOException {
            startKernel(connectionFile);
            return 0;
        }

        /**
         * Returns whether {@code args} is exactly {@code kernel start CONNECTION_FILE}, the form a
         * kernelspec launches. {@link Main} runs that form without picocli: building the whole
         * command tree, engine commands included, took about a third of the kernel's start time.
         */
        static boolean isKernelLaunch(String[] args) {
            return args.length == 3 && args[0].equals("kernel") && args[1].equals("start") && !args[2].startsWith("-");
        }

        /** Runs the kernel until it shuts down and returns the exit code, reporting bad input as picocli would. */
        static int launch(Path connectionFile) {
            try {
                startKernel(connectionFile);
                return 0;
            } catch (IOException | RuntimeException e) {
                if (e instanceof RuntimeException bug && !CliErrors.isUserError(bug)) {
                    throw bug;
                }
                System.err.println("gptq4j kernel start: error: " + CliErrors.describe(e));
                return 1;
            }
        }

        private static void startKernel(Path connectionFile) throws IOException {
            // Logs must keep going to the real stderr while cells replace System.err.
            System.setProperty("org.slf4j.simpleLogger.cacheOutputStream", "true");
            System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
            System.setProperty("java.awt.headless", "true");
            io.gptq4j.kernel.KernelServer.run(connectionFile);
        }
    }

    static boolean isGptq4jSpec(Path kernelJson) {
        if (!Files.isRegularFile(kernelJson)) {
            return false;
        }
        try {
            JsonNode argv = new ObjectMapper().readTree(kernelJson.toFile()).path("argv");
            for (JsonNode arg : argv) {
                if (arg.asText().endsWith("gptq4j-all.jar")) {
                    return true;
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }
}
