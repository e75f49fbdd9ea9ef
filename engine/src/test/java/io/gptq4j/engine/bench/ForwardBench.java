package io.gptq4j.engine.bench;

import io.gptq4j.engine.SharedData;
import io.gptq4j.engine.forward.LlamaForward;
import io.gptq4j.engine.forward.TinyModels;
import io.gptq4j.engine.io.ModelLoader;
import io.gptq4j.engine.linalg.Blas;
import io.gptq4j.engine.model.LlamaConfig;
import io.gptq4j.engine.model.LlamaModel;
import io.gptq4j.engine.model.RopeLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * Forward-pass throughput: tokens/s for one 512-token window of stories260K and of a synthetic
 * 2-layer LLaMA stack of dim 2048 (hidden 5632, 16 heads, random weights), and the stack's
 * GFLOP/s as a fraction of a 2048³ SGEMM through the same BLAS. Prints the median of several
 * timed runs after warm-up. Not a test: run it as a main (see docs/benchmarks.md).
 */
public final class ForwardBench {
    private static final int TOKENS = 512;
    private static final int REPEATS = 5;

    private ForwardBench() {
    }

    public static void main(String[] args) throws IOException {
        System.out.printf("machine: %d processors, %s; Java %s; BLAS %s%n",
                Runtime.getRuntime().availableProcessors(), cpuModel(), System.getProperty("java.version"),
                Blas.get().name());

        double sgemm = sgemmGflops(2048);
        System.out.printf("sgemm 2048x2048x2048: %.1f GFLOP/s%n", sgemm);

        LlamaModel stories = ModelLoader.load(SharedData.data("stories260K.gguf"));
        int[] window = new Random(1).ints(TOKENS, 0, stories.config().vocabSize()).toArray();
        double storiesSeconds = median(() -> LlamaForward.logits(stories, window));
        System.out.printf("stories260K, %d-token window (logits): %.1f ms, %.0f tokens/s%n",
                TOKENS, storiesSeconds * 1e3, TOKENS / storiesSeconds);

        LlamaConfig config = new LlamaConfig(2048, 5632, 2, 16, 16, 128, 256, 1e-5f, 10000f,
                RopeLayout.HALF_SPLIT, 4096);
        LlamaModel stack = TinyModels.random(config, 2, false);
        int[] stackWindow = new Random(3).ints(TOKENS, 0, config.vocabSize()).toArray();
        double stackSeconds = median(() -> LlamaForward.hidden(stack, stackWindow));
        double gflops = stackFlops(config, TOKENS) / stackSeconds / 1e9;
        System.out.printf("dim-2048 stack, 2 layers, %d-token window: %.1f ms, %.0f tokens/s, %.1f GFLOP/s = %.0f%% of sgemm%n",
                TOKENS, stackSeconds * 1e3, TOKENS / stackSeconds, gflops, 100 * gflops / sgemm);
    }

    /** Multiply-adds ×2 of the layer stack: the seven Linears plus causal attention (s <= t). */
    static double stackFlops(LlamaConfig c, int tokens) {
        double linear = (double) c.dim() * c.qDim() * 2 + 2.0 * c.dim() * c.kvDim() + 3.0 * c.dim() * c.hiddenDim();
        double attentionPairs = tokens * (tokens + 1) / 2.0 * c.nHeads();
        double perLayer = 2 * tokens * linear + 2 * 2 * attentionPairs * c.headDim();
        return perLayer * c.nLayers();
    }

    private static double sgemmGflops(int n) {
        Random random = new Random(4);
        float[] a = new float[n * n];
        float[] b = new float[n * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) random.nextGaussian();
            b[i] = (float) random.nextGaussian();
        }
        float[] c = new float[n * n];
        double seconds = median(() -> Blas.get().sgemm(false, true, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n));
        return 2.0 * n * n * n / seconds / 1e9;
    }

    private static double median(Runnable run) {
        for (int i = 0; i < 2; i++) {
            run.run();
        }
        double[] seconds = new double[REPEATS];
        for (int i = 0; i < REPEATS; i++) {
            long start = System.nanoTime();
            run.run();
            seconds[i] = (System.nanoTime() - start) / 1e9;
        }
        Arrays.sort(seconds);
        return seconds[REPEATS / 2];
    }

    private static String cpuModel() throws IOException {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(cpuinfo)) {
            return "unknown CPU";
        }
        return Files.readAllLines(cpuinfo).stream()
                .filter(line -> line.startsWith("model name"))
                .map(line -> line.substring(line.indexOf(':') + 1).trim())
                .findFirst().orElse("unknown CPU");
    }
}
