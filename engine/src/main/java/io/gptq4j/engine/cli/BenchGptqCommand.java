package io.gptq4j.engine.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gptq4j.engine.linalg.Blas;
import io.gptq4j.engine.quant.Gptq;
import io.gptq4j.engine.quant.Hessian;
import io.gptq4j.engine.quant.QuantConfig;
import io.gptq4j.engine.quant.QuantResult;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code gptq4j bench gptq}: times GPTQ on one synthetic LLaMA-like layer. */
@Command(name = "gptq", mixinStandardHelpOptions = true,
        description = "Time GPTQ on a seeded synthetic layer: Hessian, factorisation, column sweep.")
public final class BenchGptqCommand implements Callable<Integer> {
    @Option(names = "--rows", required = true, description = "Output features of the weight.")
    int rows;

    @Option(names = "--cols", required = true, description = "Input features of the weight.")
    int cols;

    @Option(names = "--tokens", defaultValue = "2048", description = "Calibration tokens (default: ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--seqlen", defaultValue = "2048",
            description = "Tokens per calibration sequence; the last one may be shorter (default: ${DEFAULT-VALUE}).")
    int seqlen;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the synthetic data (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Mixin
    QuantOptions quant;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        CliChecks.requireAtLeast("--rows", rows, 1, "output features");
        CliChecks.requireAtLeast("--cols", cols, 1, "input features");
        CliChecks.requireAtLeast("--tokens", tokens, 1, "calibration tokens");
        CliChecks.requireAtLeast("--seqlen", seqlen, 1, "tokens per calibration sequence");
        QuantConfig config = quant.toConfig();
        SyntheticLayer layer = SyntheticLayer.generate(rows, cols, tokens, seed);
        Hessian hessian = new Hessian("bench", cols);
        for (int t0 = 0; t0 < tokens; t0 += seqlen) {
            int n = Math.min(seqlen, tokens - t0);
            float[] sequence = new float[n * cols];
            System.arraycopy(layer.inputs(), t0 * cols, sequence, 0, sequence.length);
            hessian.add(sequence, n);
        }
        QuantResult r = Gptq.quantize("bench", layer.weight(), rows, cols, hessian, config);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode node = new ObjectMapper().createObjectNode();
            node.put("rows", rows).put("cols", cols).put("tokens", tokens).put("blas", Blas.get().name())
                    .put("bits", config.bits()).put("groupSize", config.groupSize()).put("descAct", config.descAct())
                    .put("factorization", config.factorization().name().toLowerCase(java.util.Locale.ROOT))
                    .put("hessianSeconds", r.hessianSeconds()).put("factorizationSeconds", r.factorizationSeconds())
                    .put("sweepSeconds", r.sweepSeconds()).put("metricsSeconds", r.metricsSeconds())
                    .put("totalSeconds", r.totalSeconds()).put("avgLoss", r.avgLoss())
                    .put("relativeError", r.relativeError());
            out.println(node);
        } else {
            out.printf("GPTQ %dx%d, %d tokens, %d-bit g%d%s, %s factorisation, BLAS %s%n", rows, cols, tokens,
                    config.bits(), config.groupSize(), config.descAct() ? " act-order" : "",
                    config.factorization().name().toLowerCase(java.util.Locale.ROOT), Blas.get().name());
            out.printf("  hessian        %8.3f s%n", r.hessianSeconds());
            out.printf("  factorisation  %8.3f s%n", r.factorizationSeconds());
            out.printf("  column sweep   %8.3f s%n", r.sweepSeconds());
            out.printf("  metrics        %8.3f s%n", r.metricsSeconds());
            out.printf("  GPTQ phases    %8.3f s (hessian + factorisation + sweep)%n",
                    r.hessianSeconds() + r.factorizationSeconds() + r.sweepSeconds());
            out.printf("  total          %8.3f s%n", r.totalSeconds());
            out.printf("  avg loss %.6g, relative error %.4g%n", r.avgLoss(), r.relativeError());
        }
        out.flush();
        return 0;
    }
}
