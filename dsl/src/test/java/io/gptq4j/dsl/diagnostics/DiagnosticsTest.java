package io.gptq4j.dsl.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gptq4j.dsl.Dsl;
import io.gptq4j.dsl.ModuleResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules on hand-made values; DiagnosticsOnModelTest triggers them with real data. */
class DiagnosticsTest {

    @Test
    void earlyLayerRuleUsesBitNormalisedError() {
        // 4-bit: 0.05 * 4^4 = 12.8 > 8 fires; 0.011 * 256 = 2.8 (stories260K's normal maximum) stays silent.
        assertEquals("EARLY_LAYER_ERROR", codes(Diagnostics.checkModule(result(0, 4, 0.05), 64, 8.0)).get(0));
        assertTrue(Diagnostics.checkModule(result(0, 4, 0.011), 64, 8.0).isEmpty());
        // 2-bit: 0.24 * 16 = 3.9 is normal.
        assertTrue(Diagnostics.checkModule(result(1, 2, 0.24), 64, 8.0).isEmpty());
        // Layer 3 is not an early layer.
        assertTrue(Diagnostics.checkModule(result(3, 4, 0.05), 64, 8.0).isEmpty());
    }

    @Test
    void nonFiniteLossAndWeightsFire() {
        ModuleResult nan = new ModuleResult(1, 0, "mlp.up_proj", Dsl.bits(4), Double.NaN, Double.NaN, Double.NaN,
                0.01, 0, 8192, 0.1);
        assertEquals(List.of("NON_FINITE"), codes(Diagnostics.checkModule(nan, 64, 8.0)));
        assertEquals(List.of("NON_FINITE"), codes(Diagnostics.checkWeights("w", new float[] {1f, Float.POSITIVE_INFINITY})));
        assertTrue(Diagnostics.checkWeights("w", new float[] {1f, -2f}).isEmpty());
    }

    @Test
    void routerRuleOnlyForMoeModels() {
        assertEquals(List.of("MOE_ROUTER"), codes(Diagnostics.checkRouter("model.layers.0.mlp.router", true)));
        assertEquals(List.of("MOE_ROUTER"), codes(Diagnostics.checkRouter("model.layers.0.block_sparse_moe.gate", true)));
        assertTrue(Diagnostics.checkRouter("model.layers.0.mlp.gate_proj", true).isEmpty());
        assertTrue(Diagnostics.checkRouter("model.layers.0.mlp.router", false).isEmpty());
    }

    @Test
    void basePerplexityBoundIsMinOfVocabAnd1000() {
        assertTrue(Diagnostics.checkBasePerplexity(4.37, 512, "e").isEmpty());
        assertEquals(List.of("IMPLAUSIBLE_PPL"), codes(Diagnostics.checkBasePerplexity(600, 512, "e")));
        assertTrue(Diagnostics.checkBasePerplexity(900, 32000, "e").isEmpty());
        assertEquals(List.of("IMPLAUSIBLE_PPL"), codes(Diagnostics.checkBasePerplexity(1200, 32000, "e")));
    }

    @Test
    void overlapCountsSharedNgrams() {
        int[] text = new int[400];
        for (int i = 0; i < text.length; i++) {
            text[i] = (i * 7919) % 503;
        }
        int[][] windows = {java.util.Arrays.copyOfRange(text, 0, 200)};
        assertEquals(1.0, NgramOverlap.fractionShared(windows, java.util.Arrays.copyOfRange(text, 0, 200)), 0.0);
        int[] other = new int[400];
        for (int i = 0; i < other.length; i++) {
            other[i] = (i * 31 + 5) % 509;
        }
        assertEquals(0.0, NgramOverlap.fractionShared(windows, other), 0.0);
    }

    private static ModuleResult result(int layer, int bits, double relativeError) {
        return new ModuleResult(1, layer, "mlp.down_proj", Dsl.bits(bits), 1.0, 32.0, relativeError, 0.01, 0, 8192, 0.1);
    }

    private static List<String> codes(List<Diagnostic> found) {
        return found.stream().map(Diagnostic::code).toList();
    }
}
