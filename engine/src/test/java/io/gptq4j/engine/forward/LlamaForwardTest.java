package io.gptq4j.engine.forward;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gptq4j.engine.model.Linear;
import io.gptq4j.engine.model.LlamaConfig;
import io.gptq4j.engine.model.LlamaLayer;
import io.gptq4j.engine.model.LlamaModel;
import io.gptq4j.engine.model.ModuleName;
import io.gptq4j.engine.model.RopeLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LlamaForwardTest {

    private static final LlamaConfig GQA = TinyModels.config(16, 24, 2, 4, 2, 32, RopeLayout.INTERLEAVED);

    @Test
    void rmsNormMatchesHandComputedValues() {
        float[] x = {1, 2, 3, 4, -2, 0, 0, 0};
        float[] gain = {1, 1, 2, 0.5f};
        float[] y = Ops.rmsNorm(x, 2, 4, gain, 1e-5f);

        // Row 0: mean square 30/4 = 7.5. Row 1: mean square 4/4 = 1.
        double r0 = Math.sqrt(7.5 + 1e-5);
        double r1 = Math.sqrt(1 + 1e-5);
        double[] expected = {1 / r0, 2 / r0, 6 / r0, 2 / r0, -2 / r1, 0, 0, 0};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], y[i], 1e-6, "element " + i);
        }
    }

    @Test
    void ropeRotatesAdjacentPairsWhenInterleaved() {
        // headDim 4, theta 10000: pair 0 turns by pos, pair 1 by pos * 10000^(-1/2) = pos / 100.
        Rope rope = Rope.table(2, 4, 10000);
        float[] m = {1, 2, 3, 4, 1, 2, 3, 4};
        rope.apply(m, 2, 1, RopeLayout.INTERLEAVED);

        assertArrayEquals(new float[] {1, 2, 3, 4}, Arrays.copyOf(m, 4), "position 0 is not rotated");
        double c1 = Math.cos(1);
        double s1 = Math.sin(1);
        double c2 = Math.cos(0.01);
        double s2 = Math.sin(0.01);
        double[] expected = {c1 - 2 * s1, s1 + 2 * c1, 3 * c2 - 4 * s2, 3 * s2 + 4 * c2};
        for (int i = 0; i < 4; i++) {
            assertEquals(expected[i], m[4 + i], 1e-6, "dimension " + i);
        }
    }

    @Test
    void ropeRotatesHalvesWhenHalfSplit() {
        Rope rope = Rope.table(2, 4, 10000);
        float[] m = {1, 2, 3, 4, 1, 2, 3, 4};
        rope.apply(m, 2, 1, RopeLayout.HALF_SPLIT);

        // Pairs are (0, 2) turning by 1 radian and (1, 3) turning by 0.01 radian.
        double c1 = Math.cos(1);
        double s1 = Math.sin(1);
        double c2 = Math.cos(0.01);
        double s2 = Math.sin(0.01);
        double[] expected = {c1 - 3 * s1, 2 * c2 - 4 * s2, s1 + 3 * c1, 2 * s2 + 4 * c2};
        for (int i = 0; i < 4; i++) {
            assertEquals(expected[i], m[4 + i], 1e-6, "dimension " + i);
        }
    }

    @Test
    void logitsMatchFloat64Reference() {
        LlamaModel model = TinyModels.random(GQA, 11, false);
        int[] tokens = {1, 7, 30, 2, 2, 19, 0, 5, 12};
        assertMatchesReference(model, tokens);
    }

    @Test
    void logitsMatchReferenceWithQkvBias() {
        LlamaModel model = TinyModels.random(GQA, 12, true);
        assertMatchesReference(model, new int[] {3, 1, 4, 1, 5, 9, 2, 6});
    }

    @Test
    void logitsMatchReferenceWithoutGrouping() {
        LlamaConfig config = TinyModels.config(12, 20, 1, 3, 3, 16, RopeLayout.HALF_SPLIT);
        assertMatchesReference(TinyModels.random(config, 13, false), new int[] {0, 15, 8, 8, 3});
    }

    @Test
    void logitsMatchReferenceAcrossQueryBlocks() {
        // 150 tokens span three query blocks of the Java attention path, the last one partial.
        int[] tokens = new java.util.Random(16).ints(150, 0, GQA.vocabSize()).toArray();
        assertMatchesReference(TinyModels.random(GQA, 17, false), tokens);
    }

    @Test
    void logitsMatchReferenceOnBlasAttentionPath() {
        // tokens² · headDim = 512² · 128 = 2^25 multiply-adds sends attention through the BLAS.
        LlamaConfig config = TinyModels.config(256, 64, 1, 2, 1, 16, RopeLayout.HALF_SPLIT);
        int[] tokens = new java.util.Random(14).ints(512, 0, 16).toArray();
        assertTrue((long) tokens.length * tokens.length * config.headDim() >= Matmul.BLAS_THRESHOLD);
        // Float32 sums over 512 positions and 256 dimensions drift by up to ~2e-4 here, on either
        // attention path. An indexing or masking error would be of order 1.
        assertMatchesReference(TinyModels.random(config, 15, true), tokens, 5e-4);
    }

    @Test
    void earlierPositionsIgnoreLaterTokens() {
        LlamaModel model = TinyModels.random(GQA, 21, false);
        int vocab = GQA.vocabSize();
        float[] a = LlamaForward.logits(model, new int[] {5, 1, 2});
        float[] b = LlamaForward.logits(model, new int[] {5, 3, 4});
        float[] c = LlamaForward.logits(model, new int[] {5, 1, 9});

        assertArrayEquals(Arrays.copyOf(a, vocab), Arrays.copyOf(b, vocab), "position 0 after changing 1 and 2");
        assertArrayEquals(Arrays.copyOf(a, 2 * vocab), Arrays.copyOf(c, 2 * vocab), "positions 0-1 after changing 2");
        assertFalse(Arrays.equals(a, c), "position 2 must depend on its own token");
    }

    @Test
    void halfSplitEqualsInterleavedWithPermutedRows() {
        LlamaModel interleaved = TinyModels.random(GQA, 31, true);
        LlamaModel halfSplit = toHalfSplit(interleaved);
        int[] tokens = {1, 9, 22, 31, 4, 4, 17, 0, 8, 3};

        float[] expected = LlamaForward.logits(interleaved, tokens);
        float[] actual = LlamaForward.logits(halfSplit, tokens);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5, "logit " + i);
        }
    }

    @Test
    void listenerSeesModulesInTrueSequentialOrder() {
        LlamaModel model = TinyModels.random(GQA, 41, false);
        int tokens = 6;
        float[] x = LlamaForward.embed(model, new int[] {1, 2, 3, 4, 5, 6});
        Map<ModuleName, float[]> inputs = new EnumMap<>(ModuleName.class);
        List<ModuleName> order = new ArrayList<>();

        float[] out = LlamaForward.layer(model, 1, x, tokens, (layer, module, input, n) -> {
            assertEquals(1, layer);
            assertEquals(tokens, n);
            order.add(module);
            inputs.put(module, input);
        });

        assertEquals(List.of(ModuleName.K_PROJ, ModuleName.V_PROJ, ModuleName.Q_PROJ, ModuleName.O_PROJ,
                ModuleName.UP_PROJ, ModuleName.GATE_PROJ, ModuleName.DOWN_PROJ), order);
        for (ModuleName m : ModuleName.values()) {
            assertEquals(tokens * TinyModels.inFeatures(GQA, m), inputs.get(m).length, m + " input size");
        }
        assertSame(inputs.get(ModuleName.K_PROJ), inputs.get(ModuleName.Q_PROJ));
        assertSame(inputs.get(ModuleName.UP_PROJ), inputs.get(ModuleName.GATE_PROJ));

        LlamaLayer layer = model.layers().get(1);
        int dim = GQA.dim();
        for (int t = 0; t < tokens; t++) {
            double[] row = new double[dim];
            for (int i = 0; i < dim; i++) {
                row[i] = x[t * dim + i];
            }
            double[] attnIn = ReferenceForward.rmsNorm(row, layer.attnNorm(), GQA.normEps());
            for (int i = 0; i < dim; i++) {
                assertEquals(attnIn[i], inputs.get(ModuleName.Q_PROJ)[t * dim + i], 1e-5, "q input " + t + "," + i);
            }
            // The residual stream is x + o_proj(o input) + down_proj(down input).
            double[] o = ReferenceForward.apply(layer.module(ModuleName.O_PROJ),
                    row(inputs.get(ModuleName.O_PROJ), t, GQA.qDim()));
            double[] down = ReferenceForward.apply(layer.module(ModuleName.DOWN_PROJ),
                    row(inputs.get(ModuleName.DOWN_PROJ), t, GQA.hiddenDim()));
            for (int i = 0; i < dim; i++) {
                assertEquals(row[i] + o[i] + down[i], out[t * dim + i], 1e-4, "output " + t + "," + i);
            }
        }
    }

    @Test
    void replacedWeightsAreUsed() {
        LlamaModel model = TinyModels.random(GQA, 51, false);
        int[] tokens = {3, 4, 5};
        float[] before = LlamaForward.logits(model, tokens);
        Linear down = model.layers().get(0).module(ModuleName.DOWN_PROJ);
        down.setWeight(new float[down.weight().length]);

        assertFalse(Arrays.equals(before, LlamaForward.logits(model, tokens)));
        assertMatchesReference(model, tokens);
    }

    @Test
    void outOfVocabularyTokenIsRejected() {
        LlamaModel model = TinyModels.random(GQA, 61, false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LlamaForward.logits(model, new int[] {1, 32}));
        assertTrue(e.getMessage().contains("token id 32 at position 1"), e.getMessage());
    }

    @Test
    void wrongActivationSizeIsRejected() {
        LlamaModel model = TinyModels.random(GQA, 62, false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LlamaForward.layer(model, 0, new float[15], 1, null));
        assertTrue(e.getMessage().contains("layer 0 input has 15 elements"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LlamaForward.layer(model, 2, new float[16], 1, null));
    }

    private static double[] row(float[] m, int t, int width) {
        double[] r = new double[width];
        for (int i = 0; i < width; i++) {
            r[i] = m[t * width + i];
        }
        return r;
    }

    private static void assertMatchesReference(LlamaModel model, int[] tokens) {
        assertMatchesReference(model, tokens, 1e-4);
    }

    private static void assertMatchesReference(LlamaModel model, int[] tokens, double tolerance) {
        int vocab = model.config().vocabSize();
        float[] actual = LlamaForward.logits(model, tokens);
        double[][] expected = ReferenceForward.logits(model, tokens);
        assertEquals(tokens.length * vocab, actual.length);
        for (int t = 0; t < tokens.length; t++) {
            for (int i = 0; i < vocab; i++) {
                assertEquals(expected[t][i], actual[t * vocab + i], tolerance, "logit at position " + t + ", id " + i);
            }
        }
    }

    /**
     * Returns the same network for the HALF_SPLIT layout. Within each q and k head, output row 2i
     * moves to i and row 2i+1 to i + headDim/2. Each rotated pair keeps its two values, so every
     * q·k dot product is unchanged.
     */
    private static LlamaModel toHalfSplit(LlamaModel model) {
        LlamaConfig c = model.config();
        LlamaConfig config = new LlamaConfig(c.dim(), c.hiddenDim(), c.nLayers(), c.nHeads(), c.nKvHeads(),
                c.headDim(), c.vocabSize(), c.normEps(), c.ropeTheta(), RopeLayout.HALF_SPLIT, c.contextLength());
        List<LlamaLayer> layers = new ArrayList<>();
        for (LlamaLayer layer : model.layers()) {
            Map<ModuleName, Linear> modules = new EnumMap<>(ModuleName.class);
            for (ModuleName m : ModuleName.values()) {
                Linear linear = layer.module(m);
                boolean rotated = m == ModuleName.Q_PROJ || m == ModuleName.K_PROJ;
                modules.put(m, rotated ? permuteRows(linear, c.headDim()) : linear);
            }
            layers.add(new LlamaLayer(layer.index(), layer.attnNorm(), layer.ffnNorm(), modules));
        }
        return new LlamaModel(config, model.tokenEmbedding(), layers, model.outputNorm(), model.output(),
                model.tokenizer(), model.source());
    }

    private static Linear permuteRows(Linear linear, int headDim) {
        int in = linear.inFeatures();
        int out = linear.outFeatures();
        float[] w = new float[out * in];
        float[] b = linear.bias() == null ? null : new float[out];
        for (int head = 0; head < out / headDim; head++) {
            for (int r = 0; r < headDim; r++) {
                int target = head * headDim + (r % 2 == 0 ? r / 2 : r / 2 + headDim / 2);
                int source = head * headDim + r;
                System.arraycopy(linear.weight(), source * in, w, target * in, in);
                if (b != null) {
                    b[target] = linear.bias()[source];
                }
            }
        }
        return new Linear(linear.name(), out, in, w, b);
    }
}
