package io.gptq4j.engine.cli;

import io.gptq4j.engine.io.AtomicFiles;
import io.gptq4j.engine.eval.Perplexity;
import io.gptq4j.engine.eval.PerplexityResult;
import io.gptq4j.engine.io.gptq.CheckpointFormat;
import io.gptq4j.engine.io.gptq.GptqCheckpointWriter;
import io.gptq4j.engine.model.LlamaModel;
import io.gptq4j.engine.model.ModuleName;
import io.gptq4j.engine.quant.CalibrationWindows;
import io.gptq4j.engine.quant.QuantConfig;
import io.gptq4j.engine.quant.QuantResult;
import io.gptq4j.engine.quant.QuantizationRun;
import io.gptq4j.engine.quant.SequentialOptions;
import io.gptq4j.engine.quant.SequentialQuantizer;
import io.gptq4j.engine.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gptq4j quantize}: GPTQ (or RTN) of a whole LLaMA-family model, layer by layer as AutoGPTQ
 * does, with optional perplexity before and after and an optional GPTQ checkpoint.
 */
@Command(name = "quantize", mixinStandardHelpOptions = true,
        description = "Quantize the decoder layers of a model with GPTQ on calibration text (or with RTN), "
                + "print per-module losses and, with --eval, the perplexity before and after.")
public final class QuantizeCommand implements Callable<Integer> {
    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--calib", description = "Calibration text file (UTF-8); required unless --rtn.")
    Path calib;

    @Option(names = "--nsamples", defaultValue = "128", description = "Calibration windows (default: ${DEFAULT-VALUE}).")
    int nsamples;

    @Option(names = "--seqlen", defaultValue = "2048", description = "Tokens per calibration window (default: ${DEFAULT-VALUE}).")
    int seqlen;

    @Option(names = "--sampling", defaultValue = "consecutive",
            description = "Where windows start: consecutive (0, seqlen, 2*seqlen, ...) or random (default: ${DEFAULT-VALUE}).")
    String sampling;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the random window starts (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--rtn", description = "Round-to-nearest instead of GPTQ; needs no calibration.")
    boolean rtn;

    @Option(names = "--layers", description = "Decoder layers to quantize, A-B (inclusive) or A; default: all.")
    String layers;

    @Option(names = "--eval", description = "Text file for perplexity before and after (GPTQ protocol: [BOS] + encode(text), "
            + "non-overlapping windows).")
    Path eval;

    @Option(names = "--eval-seqlen", description = "Tokens per evaluation window (default: --seqlen).")
    Integer evalSeqlen;

    @Option(names = "--eval-limit", description = "Evaluate only the first N windows of the evaluation text (default: all).")
    Integer evalLimit;

    @Option(names = "--out", description = "Write a GPTQ checkpoint directory (must not exist or be empty).")
    Path out;

    @Option(names = "--format", defaultValue = "gptq",
            description = "Checkpoint format for --out: gptq (AutoGPTQ, zero points stored minus 1) or gptq_v2 (GPTQModel) "
                    + "(default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--json", description = "Print one JSON object instead of the table.")
    boolean json;

    @Mixin
    QuantOptions quant;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        checkCounts();
        QuantConfig config = quant.toConfig();
        CheckpointFormat checkpointFormat = out == null ? null : CheckpointFormat.parse(format);
        if (out != null) {
            AtomicFiles.checkTargetFree(out.toAbsolutePath().normalize());
        }
        LlamaModel llama = modelOptions.load();
        warnBeyondContext(llama.config().contextLength());
        Tokenizer tokenizer = llama.tokenizer();
        int[] evalTokens = eval == null ? null : evaluationTokens(tokenizer);
        CalibrationWindows calibration = rtn ? null : calibration(tokenizer);

        Double before = evalTokens == null ? null : perplexity(llama, evalTokens, "before");
        Map<String, QuantResult> quantized = new LinkedHashMap<>();
        SequentialOptions options = options(config, llama, quantized);
        QuantizationRun run = new SequentialQuantizer(llama, options).run(calibration);
        Double after = evalTokens == null ? null : perplexity(llama, evalTokens, "after");

        if (out != null) {
            GptqCheckpointWriter.write(llama, quantized, config, out, checkpointFormat);
        }
        QuantizeReport report = new QuantizeReport(config, rtn ? "rtn" : "gptq", calibration, run, before, after);
        PrintWriter pw = spec.commandLine().getOut();
        if (json) {
            pw.println(report.toJson());
        } else {
            report.printTable(pw);
            if (out != null) {
                pw.println("wrote " + checkpointFormat + " checkpoint to " + out);
            }
        }
        pw.flush();
        return 0;
    }

    /** Rejects window counts and lengths before the model loads, so a typo fails at once. */
    private void checkCounts() {
        CliChecks.requireAtLeast("--nsamples", nsamples, 1, "calibration windows");
        // A window of one token predicts nothing and gives the attention no context.
        CliChecks.requireAtLeast("--seqlen", seqlen, 2, "tokens per window");
        if (evalSeqlen != null) {
            CliChecks.requireAtLeast("--eval-seqlen", evalSeqlen, 2, "tokens per evaluation window");
        }
        if (evalLimit != null) {
            CliChecks.requireAtLeast("--eval-limit", evalLimit, 1, "evaluation windows");
        }
    }

    /**
     * Warns when a window is longer than the context the checkpoint declares: positions past it were
     * never trained, so losses and perplexity measured there mislead.
     */
    private void warnBeyondContext(int contextLength) {
        if (contextLength <= 0) {
            return;
        }
        PrintWriter err = spec.commandLine().getErr();
        if (!rtn && seqlen > contextLength) {
            err.printf(Locale.ROOT, "warning: --seqlen %d is longer than the model's context length %d; "
                    + "use --seqlen %d or less%n", seqlen, contextLength, contextLength);
        }
        int evalLength = evalSeqlen != null ? evalSeqlen : seqlen;
        if (eval != null && evalLength > contextLength) {
            err.printf(Locale.ROOT, "warning: evaluation windows of %d tokens are longer than the model's context "
                    + "length %d; use --eval-seqlen %d or less%n", evalLength, contextLength, contextLength);
        }
        err.flush();
    }

    private SequentialOptions options(QuantConfig config, LlamaModel llama, Map<String, QuantResult> quantized) {
        int[] range = parseLayers(layers, llama.config().nLayers());
        PrintWriter err = spec.commandLine().getErr();
        return SequentialOptions.builder(config)
                .layers(range[0], range[1])
                .method(rtn ? SequentialOptions.Method.RTN : SequentialOptions.Method.GPTQ)
                .progress((result, index, total) -> {
                    err.printf(Locale.ROOT, "[%d/%d] %s %.3f s%n", index, total, result.fullName(), result.seconds());
                    err.flush();
                })
                .layerListener((layer, modules, results) -> {
                    for (Map.Entry<ModuleName, QuantResult> e : results.entrySet()) {
                        quantized.put(llama.layers().get(layer).module(e.getKey()).name(), e.getValue());
                    }
                })
                .build();
    }

    private CalibrationWindows calibration(Tokenizer tokenizer) throws IOException {
        if (calib == null) {
            throw new IllegalArgumentException("--calib FILE is required for GPTQ; pass a calibration text or use --rtn");
        }
        CalibrationWindows.Sampling mode = switch (sampling.trim().toLowerCase(Locale.ROOT)) {
            case "consecutive" -> CalibrationWindows.Sampling.CONSECUTIVE;
            case "random" -> CalibrationWindows.Sampling.RANDOM;
            default -> throw new IllegalArgumentException("invalid --sampling '" + sampling
                    + "'; valid values: consecutive, random");
        };
        return CalibrationWindows.fromText(tokenizer, Perplexity.readText(calib), nsamples, seqlen, mode, seed);
    }

    private int[] evaluationTokens(Tokenizer tokenizer) throws IOException {
        int windowLength = evalSeqlen != null ? evalSeqlen : seqlen;
        int[] tokens = Perplexity.tokenize(tokenizer, Perplexity.readText(eval));
        if (evalLimit == null) {
            return tokens;
        }
        long limit = (long) evalLimit * windowLength;
        return limit >= tokens.length ? tokens : Arrays.copyOf(tokens, (int) limit);
    }

    private double perplexity(LlamaModel llama, int[] tokens, String when) {
        int windowLength = evalSeqlen != null ? evalSeqlen : seqlen;
        PerplexityResult result = Perplexity.evaluate(llama, tokens, windowLength);
        PrintWriter err = spec.commandLine().getErr();
        err.printf(Locale.ROOT, "perplexity %s: %.6f (%d windows of %d tokens)%n", when, result.perplexity(),
                result.windows(), windowLength);
        err.flush();
        return result.perplexity();
    }

    /** Parses "A-B" or "A" into an inclusive range; null means all layers. */
    static int[] parseLayers(String spec, int nLayers) {
        if (spec == null) {
            return new int[] {0, nLayers - 1};
        }
        String[] parts = spec.trim().split("-", -1);
        try {
            int first = Integer.parseInt(parts[0].trim());
            int last = parts.length == 1 ? first : Integer.parseInt(parts[1].trim());
            if (parts.length > 2 || first < 0 || last < first || last >= nLayers) {
                throw new NumberFormatException();
            }
            return new int[] {first, last};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid --layers '" + spec + "'; expected A-B or A with 0 <= A <= B <= "
                    + (nLayers - 1) + " (the model has " + nLayers + " layers)", e);
        }
    }
}
