package io.gptq4j.kernel.cli;

import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code bin/gptq4j}. Each subcommand is its own class; engine commands live in
 * {@code io.gptq4j.engine.cli}, kernel commands in this package.
 */
@Command(name = "gptq4j",
        mixinStandardHelpOptions = true,
        version = "gptq4j 0.1.0",
        description = "GPTQ quantization for LLaMA-family models, and a Jupyter kernel for Java.",
        subcommands = {
            CommandLine.HelpCommand.class,
            io.gptq4j.engine.cli.PplCommand.class,
            io.gptq4j.engine.cli.GenerateCommand.class,
            io.gptq4j.engine.cli.LayerCommand.class,
            io.gptq4j.engine.cli.QuantizeCommand.class,
            io.gptq4j.engine.cli.BenchCommand.class,
            KernelCommand.class,
            RunCommand.class,
            DemoCommand.class,
        })
public final class Main {

    public static void main(String[] args) {
        if (KernelCommand.Start.isKernelLaunch(args)) {
            System.exit(KernelCommand.Start.launch(Path.of(args[2])));
        }
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code, without exiting the JVM. */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        addHelpOptions(cli);
        cli.setExecutionExceptionHandler(new CliErrors());
        return cli.execute(args);
    }

    /** Gives every subcommand, nested ones included, {@code --help} and {@code --version}. */
    private static void addHelpOptions(CommandLine command) {
        if (!(command.getCommand() instanceof CommandLine.HelpCommand)) {
            command.getCommandSpec().mixinStandardHelpOptions(true);
        }
        command.getSubcommands().values().forEach(Main::addHelpOptions);
    }
}
