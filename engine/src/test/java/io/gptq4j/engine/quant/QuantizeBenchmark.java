package io.gptq4j.engine.quant;

import io.gptq4j.engine.eval.Perplexity;
import io.gptq4j.engine.io.ModelLoader;
import io.gptq4j.engine.model.LlamaModel;
import io.gptq4j.engine.tokenizer.Tokenizers;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Times a whole-model GPTQ run (4-bit, group 32, sym, all layers) after JVM warm-up: calibration
 * windows are cut once, and every round quantizes a freshly loaded model, timing only
 * {@link SequentialQuantizer#run}.
 * Usage: {@code QuantizeBenchmark MODEL TOKENIZER CALIB_TEXT [NSAMPLES SEQLEN ROUNDS]}.
 */
public final class QuantizeBenchmark {
    private static final int WARMUP_ROUNDS = 3;

    private QuantizeBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path modelFile = Path.of(args[0]);
        int nsamples = args.length > 3 ? Integer.parseInt(args[3]) : 32;
        int seqlen = args.length > 4 ? Integer.parseInt(args[4]) : 256;
        int rounds = args.length > 5 ? Integer.parseInt(args[5]) : 5;
        CalibrationWindows calibration = CalibrationWindows.fromText(Tokenizers.load(Path.of(args[1])),
                Perplexity.readText(Path.of(args[2])), nsamples, seqlen, CalibrationWindows.Sampling.CONSECUTIVE, 0);
        SequentialOptions options = SequentialOptions.of(QuantConfig.bits(4).groupSize(32).build());

        for (int i = 0; i < WARMUP_ROUNDS; i++) {
            new SequentialQuantizer(ModelLoader.load(modelFile), options).run(calibration);
        }
        double[] seconds = new double[rounds];
        int modules = 0;
        for (int i = 0; i < rounds; i++) {
            LlamaModel model = ModelLoader.load(modelFile);
            long start = System.nanoTime();
            QuantizationRun run = new SequentialQuantizer(model, options).run(calibration);
            seconds[i] = (System.nanoTime() - start) / 1e9;
            modules = run.modules().size();
        }
        Arrays.sort(seconds);
        System.out.printf("%d modules, %d x %d calibration tokens: best %.3f s, median %.3f s over %d rounds%n",
                modules, nsamples, seqlen, seconds[0], seconds[rounds / 2], rounds);
    }
}
