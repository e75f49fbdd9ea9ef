package io.gptq4j.engine.cli;

import picocli.CommandLine.Command;

/** Parent of the benchmark commands ({@code gptq4j bench ...}). */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks on seeded synthetic data.",
        subcommands = {BenchGptqCommand.class})
public final class BenchCommand {
}
