package io.gptq4j.engine.quant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gptq4j.engine.SharedData;
import io.gptq4j.engine.eval.Perplexity;
import io.gptq4j.engine.eval.PerplexityResult;
import io.gptq4j.engine.io.ModelLoader;
import io.gptq4j.engine.io.SafeTensors;
import io.gptq4j.engine.model.LlamaModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * One model-level reference case on stories260K: configuration, per-module losses and the
 * per-window cross-entropies of the quantized model on the evaluation text (seqlen 512).
 */
record ModelFixture(String name, JsonNode json) {

    /**
     * Evaluation windows scored in tests. The full evaluation (379 windows) takes minutes with the
     * current forward pass, so tests compare the perplexity over the first windows with the
     * reference's per-window cross-entropies of the same windows.
     */
    static final int EVAL_WINDOWS = 12;
    static final int EVAL_SEQLEN = 512;

    static ModelFixture load(String name) {
        try {
            return new ModelFixture(name, new ObjectMapper().readTree(
                    SharedData.fixture("model").resolve(name + ".json").toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static LlamaModel loadModel() {
        try {
            return ModelLoader.load(SharedData.data("stories260K.gguf"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The 32 calibration windows of 256 tokens every case uses, as stored ids. */
    static CalibrationWindows calibration() {
        try {
            SafeTensors st = SafeTensors.open(SharedData.fixture("model/calib_windows.safetensors"));
            int[] flat = st.ints("windows");
            long[] shape = st.info("windows").shape();
            int[][] windows = new int[(int) shape[0]][];
            for (int s = 0; s < windows.length; s++) {
                windows[s] = Arrays.copyOfRange(flat, s * (int) shape[1], (s + 1) * (int) shape[1]);
            }
            return CalibrationWindows.of(windows);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first {@link #EVAL_WINDOWS} windows of the evaluation token stream ([BOS] + encode(text)). */
    static int[] evalTokens() {
        try {
            int[] tokens = SafeTensors.open(SharedData.fixture("forward/ppl_tinystories_eval.safetensors")).ints("tokens");
            return Arrays.copyOf(tokens, EVAL_WINDOWS * EVAL_SEQLEN);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Perplexity of the model over the first {@link #EVAL_WINDOWS} evaluation windows. */
    static double subsetPerplexity(LlamaModel model) {
        PerplexityResult result = Perplexity.evaluate(model, evalTokens(), EVAL_SEQLEN);
        return result.perplexity();
    }

    /** The reference perplexity over the same windows, from its per-window mean cross-entropies. */
    double expectedSubsetPerplexity() {
        JsonNode ce = json.get("expected").get("window_mean_ce_after");
        double sum = 0;
        for (int w = 0; w < EVAL_WINDOWS; w++) {
            sum += ce.get(w).asDouble();
        }
        return Math.exp(sum / EVAL_WINDOWS);
    }

    QuantConfig config() {
        JsonNode c = json.get("config");
        QuantConfig.Builder builder = QuantConfig.bits(c.get("bits").asInt())
                .groupSize(c.get("group_size").asInt())
                .sym(c.get("sym").asBoolean())
                .descAct(c.get("desc_act").asBoolean())
                .staticGroups(c.get("static_groups").asBoolean());
        if (c.get("damp_percent").isNumber()) {
            builder.dampPercent(c.get("damp_percent").asDouble());
        }
        return builder.build();
    }

    /** The reference's module rows in processing order. */
    JsonNode modules() {
        return json.get("modules");
    }
}
