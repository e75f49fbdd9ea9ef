package io.gptq4j.engine.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;

/** Configuration checks, error handling, damping policies and hand-derived RTN and Hessian cases. */
class GptqBehaviourTest {

    @Test
    void bitsFiveIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> QuantConfig.bits(5).build());
        assertTrue(e.getMessage().contains("2, 3, 4, 8"), e.getMessage());
    }

    @Test
    void groupSizeZeroIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> QuantConfig.bits(4).groupSize(0).build());
        assertTrue(e.getMessage().contains("groupSize 0"), e.getMessage());
    }

    @Test
    void builderDefaultsFollowAutoGptq() {
        QuantConfig c = QuantConfig.bits(4).build();
        assertEquals(-1, c.groupSize());
        assertTrue(c.sym());
        assertFalse(c.descAct());
        assertEquals(0.01, c.dampPercent());
        assertEquals(128, c.blockSize());
        assertEquals(2.4, c.mseNorm());
        assertEquals(100, c.mseGrid());
        assertEquals(0.8, c.mseMaxShrink());
        assertEquals(Factorization.FAST, c.factorization());
        assertEquals(7, QuantConfig.bits(4).groupSize(32).build().groupCount(200));
    }

    @Test
    void hessianRunningAverageMatchesHandSum() {
        // Sequences [[1, 2]] and [[3, 0], [0, 1]]: H = (2 / 2) * sum x x^T = [[10, 2], [2, 5]].
        Hessian h = new Hessian("test.input", 2);
        h.add(new float[] {1, 2}, 1);
        h.add(new float[] {3, 0, 0, 1}, 2);
        assertArrayEquals(new float[] {10, 2, 2, 5}, h.matrix(), 1e-5f);
        assertEquals(2, h.nsamples());
        assertEquals(3, h.ntokens());
    }

    @Test
    void hessianRejectsNaNInputNamingModule() {
        Hessian h = new Hessian("model.layers.3.mlp.up_proj", 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> h.add(new float[] {1, Float.NaN}, 1));
        assertTrue(e.getMessage().contains("model.layers.3.mlp.up_proj"), e.getMessage());
        assertTrue(e.getMessage().contains("column 1"), e.getMessage());
    }

    @Test
    void nanWeightIsRejectedNamingModule() {
        Hessian h = Hessian.of("x", new float[] {2, 0, 0, 2}, 2, 1, 4);
        float[] w = {0.1f, Float.NaN, 0.3f, 0.4f};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gptq.quantize("model.layers.0.self_attn.q_proj", w, 2, 2, h, QuantConfig.bits(4).build()));
        assertTrue(e.getMessage().contains("model.layers.0.self_attn.q_proj"), e.getMessage());
        assertTrue(e.getMessage().contains("row 0, column 1"), e.getMessage());
    }

    /** Eigenvalues 2.021 and -0.021 with mean diagonal 1: damping must exceed 0.021. */
    private static Hessian indefinite() {
        return Hessian.of("model.layers.1.mlp.down_proj", new float[] {1f, 1.021f, 1.021f, 1f}, 2, 4, 64);
    }

    private static final float[] WEIGHT = {0.3f, -0.2f, 0.05f, 0.4f};

    @Test
    void raisePolicyNamesModuleAndDamp() {
        QuantConfig c = QuantConfig.bits(4).dampPolicy(DampPolicy.RAISE).build();
        HessianNotPositiveDefiniteException e = assertThrows(HessianNotPositiveDefiniteException.class,
                () -> Gptq.quantize(WEIGHT, 2, 2, indefinite(), c));
        assertTrue(e.getMessage().contains("model.layers.1.mlp.down_proj"), e.getMessage());
        assertTrue(e.getMessage().contains("0.01"), e.getMessage());
        assertEquals(0.01, e.dampPercent());
    }

    @Test
    void incrementPolicyRaisesDampUntilPositiveDefinite() {
        for (Factorization factorization : Factorization.values()) {
            QuantConfig c = QuantConfig.bits(4).dampPolicy(DampPolicy.INCREMENT).factorization(factorization).build();
            QuantResult r = Gptq.quantize(WEIGHT, 2, 2, indefinite(), c);
            // 0.01 + k * 0.0025 first exceeds 0.021 at k = 5.
            assertEquals(0.0225, r.dampPercentUsed(), 1e-12, factorization.name());
            assertFalse(r.fellBackToRtn());
        }
    }

    @Test
    void rtnPolicyFallsBackToRoundToNearest() {
        QuantConfig c = QuantConfig.bits(4).dampPolicy(DampPolicy.RTN).build();
        QuantResult r = Gptq.quantize(WEIGHT, 2, 2, indefinite(), c);
        assertTrue(r.fellBackToRtn());
        assertArrayEquals(Rtn.quantize(WEIGHT, 2, 2, c).weight(), r.weight());
    }

    @Test
    void rtnAsymmetricHandCase() {
        // lo = -1, hi = 2: scale = 3 / 15 = 0.2, zero = rint(1 / 0.2) = 5.
        // 0.5 / 0.2 = 2.5 rounds half to even to 2, so its code is 7 (Math.round would give 8).
        float[] w = {-1f, 0.5f, 0.25f, 2f};
        QuantResult r = Rtn.quantize(w, 1, 4, QuantConfig.bits(4).asym().build());
        assertEquals(0.2f, r.scale()[0], 1e-7f);
        assertEquals(5f, r.zero()[0]);
        assertArrayEquals(new int[] {0, 7, 6, 15}, r.qint());
        assertArrayEquals(new float[] {-1f, 0.4f, 0.2f, 2f}, r.weight(), 1e-6f);
    }

    @Test
    void rtnSymmetricNonNegativeRowClips() {
        // All >= 0 keeps lo = 0: scale = 1.4 / 15, zero = 8, so codes above 15 clip to 15 = 7 steps.
        float[] w = {0f, 0.7f, 1.4f, 0.35f};
        QuantResult r = Rtn.quantize(w, 1, 4, QuantConfig.bits(4).build());
        float scale = 1.4f / 15;
        assertEquals(scale, r.scale()[0], 1e-7f);
        assertEquals(8f, r.zero()[0]);
        assertArrayEquals(new int[] {8, 15, 15, 12}, r.qint());
        assertEquals(7 * scale, r.weight()[2], 1e-6f);
    }

    @Test
    void rtnGroupsHaveTheirOwnGrid() {
        float[] w = {-1f, 2f, 0.1f, -0.2f, 0.3f};
        QuantResult r = Rtn.quantize(w, 1, 5, QuantConfig.bits(4).asym().groupSize(2).build());
        assertEquals(3, r.ngroups());
        assertArrayEquals(new int[] {0, 0, 1, 1, 2}, r.gIdx());
        assertEquals(0.2f, r.scale()[0], 1e-7f);
        assertEquals(0.3f / 15, r.scale()[1], 1e-8f);
        // A one-column group [0.3]: lo = 0, hi = 0.3, zero = 0.
        assertEquals(0.3f / 15, r.scale()[2], 1e-8f);
        assertEquals(0.0, Math.abs(r.zero()[2]));
        assertEquals(0.3f, r.weight()[4], 1e-6f);
    }

    @Test
    void interruptedQuantizationThrowsAndLeavesInputs() {
        Hessian h = Hessian.of("m", new float[] {2, 0.5f, 0.5f, 2}, 2, 1, 4);
        float[] w = WEIGHT.clone();
        Thread.currentThread().interrupt();
        try {
            CancellationException e = assertThrows(CancellationException.class,
                    () -> Gptq.quantize("model.layers.2.self_attn.o_proj", w, 2, 2, h, QuantConfig.bits(4).build()));
            assertTrue(e.getMessage().contains("model.layers.2.self_attn.o_proj"), e.getMessage());
        } finally {
            Thread.interrupted();
        }
        assertArrayEquals(WEIGHT, w);
    }

    @Test
    void shapeMismatchIsRejected() {
        Hessian h = Hessian.of("m", new float[] {1, 0, 0, 1}, 2, 1, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gptq.quantize(new float[6], 2, 3, h, QuantConfig.bits(4).build()));
        assertTrue(e.getMessage().contains("3 input columns"), e.getMessage());
    }

    @Test
    void superBlocksKeepBlockAndGroupBoundaries() {
        for (int g : new int[] {-1, 32, 64, 96, 128, 256, 1000}) {
            for (int cols : new int[] {64, 200, 4096, 11008}) {
                int size = ColumnSweep.superBlockColumns(cols, 128, g);
                assertEquals(0, size % 128, "g=" + g + ", cols=" + cols);
                if (g > 0) {
                    assertEquals(0, size % g, "g=" + g + ", cols=" + cols);
                }
            }
        }
    }
}
