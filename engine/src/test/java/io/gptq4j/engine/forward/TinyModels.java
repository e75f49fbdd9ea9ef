package io.gptq4j.engine.forward;

import io.gptq4j.engine.model.Linear;
import io.gptq4j.engine.model.LlamaConfig;
import io.gptq4j.engine.model.LlamaLayer;
import io.gptq4j.engine.model.LlamaModel;
import io.gptq4j.engine.model.ModuleName;
import io.gptq4j.engine.model.RopeLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Builds small LLaMA models with seeded random weights for tests. */
public final class TinyModels {
    private TinyModels() {
    }

    public static LlamaConfig config(int dim, int hiddenDim, int nLayers, int nHeads, int nKvHeads, int vocab,
                                     RopeLayout layout) {
        return new LlamaConfig(dim, hiddenDim, nLayers, nHeads, nKvHeads, dim / nHeads, vocab, 1e-5f,
                10000f, layout, 64);
    }

    /** Returns a model with weights ~ N(0, 0.3²), norm gains near 1, and q/k/v biases when asked. */
    public static LlamaModel random(LlamaConfig config, long seed, boolean qkvBias) {
        Random random = new Random(seed);
        List<LlamaLayer> layers = new ArrayList<>();
        for (int l = 0; l < config.nLayers(); l++) {
            Map<ModuleName, Linear> modules = new EnumMap<>(ModuleName.class);
            for (ModuleName m : ModuleName.values()) {
                int out = outFeatures(config, m);
                int in = inFeatures(config, m);
                boolean biased = qkvBias && (m == ModuleName.Q_PROJ || m == ModuleName.K_PROJ || m == ModuleName.V_PROJ);
                modules.put(m, new Linear("layers." + l + "." + m.hfName(), out, in,
                        gaussian(random, out * in, 0.3), biased ? gaussian(random, out, 0.3) : null));
            }
            layers.add(new LlamaLayer(l, gains(random, config.dim()), gains(random, config.dim()), modules));
        }
        float[] embedding = gaussian(random, config.vocabSize() * config.dim(), 1.0);
        Linear output = new Linear("lm_head", config.vocabSize(), config.dim(),
                gaussian(random, config.vocabSize() * config.dim(), 0.3), null);
        return new LlamaModel(config, embedding, layers, gains(random, config.dim()), output, null, Path.of("tiny"));
    }

    public static int outFeatures(LlamaConfig config, ModuleName m) {
        return switch (m) {
            case Q_PROJ -> config.qDim();
            case K_PROJ, V_PROJ -> config.kvDim();
            case O_PROJ, DOWN_PROJ -> config.dim();
            case GATE_PROJ, UP_PROJ -> config.hiddenDim();
        };
    }

    public static int inFeatures(LlamaConfig config, ModuleName m) {
        return switch (m) {
            case Q_PROJ, K_PROJ, V_PROJ, GATE_PROJ, UP_PROJ -> config.dim();
            case O_PROJ -> config.qDim();
            case DOWN_PROJ -> config.hiddenDim();
        };
    }

    static float[] gaussian(Random random, int n, double sigma) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (random.nextGaussian() * sigma);
        }
        return a;
    }

    private static float[] gains(Random random, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (1 + 0.2 * random.nextGaussian());
        }
        return a;
    }
}
