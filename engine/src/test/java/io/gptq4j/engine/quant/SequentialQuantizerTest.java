package io.gptq4j.engine.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gptq4j.engine.model.LlamaModel;
import io.gptq4j.engine.model.ModuleName;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Options and failure behaviour of the loop on stories260K with a small calibration set. */
class SequentialQuantizerTest {
    private static final QuantConfig CONFIG = QuantConfig.bits(4).groupSize(32).build();

    /** The first four reference windows, cut to 64 tokens: enough for every module, and fast. */
    private static CalibrationWindows smallCalibration() {
        int[][] windows = ModelFixture.calibration().windows();
        int[][] small = new int[4][];
        for (int s = 0; s < small.length; s++) {
            small[s] = Arrays.copyOf(windows[s], 64);
        }
        return CalibrationWindows.of(small);
    }

    @Test
    void interruptRestoresCurrentLayer() {
        LlamaModel model = ModelFixture.loadModel();
        List<Map<ModuleName, float[]>> originals = weightArrays(model);
        SequentialOptions options = SequentialOptions.builder(CONFIG)
                .progress((result, index, total) -> {
                    if (result.layer() == 1 && result.module() == ModuleName.UP_PROJ) {
                        Thread.currentThread().interrupt();
                    }
                })
                .build();

        QuantizationInterruptedException e;
        try {
            e = assertThrows(QuantizationInterruptedException.class,
                    () -> new SequentialQuantizer(model, options).run(smallCalibration()));
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt flag stays set");
        } finally {
            Thread.interrupted();
        }

        assertEquals(1, e.layer());
        assertEquals(7, e.completed().size(), "layer 0 finished");
        for (ModuleName module : ModuleName.values()) {
            assertNotSame(originals.get(0).get(module), weight(model, 0, module), "layer 0 " + module + " stays quantized");
            for (int layer = 1; layer < 5; layer++) {
                assertSame(originals.get(layer).get(module), weight(model, layer, module),
                        "layer " + layer + " " + module + " has its original weights");
            }
        }
    }

    @Test
    void skippedModulesKeepTheirWeights() {
        LlamaModel model = ModelFixture.loadModel();
        List<Map<ModuleName, float[]>> originals = weightArrays(model);
        ModuleConfigs configs = (layer, module) ->
                module == ModuleName.DOWN_PROJ || (layer == 1 && module == ModuleName.Q_PROJ) ? null : CONFIG;
        SequentialOptions options = SequentialOptions.builder(configs).layers(0, 1).build();
        SequentialQuantizer quantizer = new SequentialQuantizer(model, options);

        QuantizationRun run = quantizer.run(smallCalibration());

        assertEquals(11, quantizer.countModules());
        assertEquals(11, run.modules().size());
        assertSame(originals.get(0).get(ModuleName.DOWN_PROJ), weight(model, 0, ModuleName.DOWN_PROJ));
        assertSame(originals.get(1).get(ModuleName.DOWN_PROJ), weight(model, 1, ModuleName.DOWN_PROJ));
        assertSame(originals.get(1).get(ModuleName.Q_PROJ), weight(model, 1, ModuleName.Q_PROJ));
        assertNotSame(originals.get(1).get(ModuleName.K_PROJ), weight(model, 1, ModuleName.K_PROJ));
        assertFalse(run.modules().stream().anyMatch(m -> m.module() == ModuleName.DOWN_PROJ));
    }

    @Test
    void overrideChangesOneModuleConfig() {
        LlamaModel model = ModelFixture.loadModel();
        QuantConfig eightBit = QuantConfig.bits(8).groupSize(-1).asym().build();
        ModuleConfigs configs = (layer, module) -> module == ModuleName.V_PROJ ? eightBit : CONFIG;
        List<Map<ModuleName, QuantResult>> tensors = new ArrayList<>();
        SequentialOptions options = SequentialOptions.builder(configs)
                .layers(0, 0)
                .layerListener((layer, modules, results) -> tensors.add(results))
                .build();

        QuantizationRun run = new SequentialQuantizer(model, options).run(smallCalibration());

        ModuleResult v = run.modules().stream().filter(m -> m.module() == ModuleName.V_PROJ).findFirst().orElseThrow();
        assertSame(eightBit, v.config());
        assertEquals(1, tensors.get(0).get(ModuleName.V_PROJ).ngroups(), "one group per row");
        assertTrue(Arrays.stream(tensors.get(0).get(ModuleName.V_PROJ).qint()).max().orElseThrow() > 15,
                "8-bit codes go beyond the 4-bit range");
        assertEquals(7, tensors.get(0).size());
    }

    @Test
    void progressCountsEveryModule() {
        LlamaModel model = ModelFixture.loadModel();
        List<String> seen = new ArrayList<>();
        SequentialOptions options = SequentialOptions.builder(CONFIG)
                .layers(3, 4)
                .progress((result, index, total) -> seen.add(index + "/" + total + " " + result.fullName()))
                .build();

        new SequentialQuantizer(model, options).run(smallCalibration());

        assertEquals(14, seen.size());
        assertEquals("1/14 model.layers.3.self_attn.k_proj", seen.get(0));
        assertEquals("4/14 model.layers.3.self_attn.o_proj", seen.get(3));
        assertEquals("14/14 model.layers.4.mlp.down_proj", seen.get(13));
    }

    @Test
    void nonFiniteWeightIsReportedAndLayerRestored() {
        LlamaModel model = ModelFixture.loadModel();
        List<Map<ModuleName, float[]>> originals = weightArrays(model);
        float[] broken = weight(model, 2, ModuleName.GATE_PROJ).clone();
        broken[5 * 64 + 7] = Float.NaN;
        model.layers().get(2).module(ModuleName.GATE_PROJ).setWeight(broken);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SequentialQuantizer(model, SequentialOptions.of(CONFIG)).run(smallCalibration()));

        assertTrue(e.getMessage().contains("model.layers.2.mlp.gate_proj"), e.getMessage());
        assertTrue(e.getMessage().contains("row 5, column 7"), e.getMessage());
        assertSame(originals.get(2).get(ModuleName.K_PROJ), weight(model, 2, ModuleName.K_PROJ),
                "layer 2 modules quantized before the error are restored");
        assertNotSame(originals.get(1).get(ModuleName.K_PROJ), weight(model, 1, ModuleName.K_PROJ),
                "layer 1 stays quantized");
    }

    @Test
    void layerOutOfRangeIsRejected() {
        LlamaModel model = ModelFixture.loadModel();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SequentialQuantizer(model, SequentialOptions.builder(CONFIG).layers(3, 5).build()));
        assertTrue(e.getMessage().contains("the model has 5 layers"), e.getMessage());
    }

    private static float[] weight(LlamaModel model, int layer, ModuleName module) {
        return model.layers().get(layer).module(module).weight();
    }

    private static List<Map<ModuleName, float[]>> weightArrays(LlamaModel model) {
        List<Map<ModuleName, float[]>> arrays = new ArrayList<>();
        for (int layer = 0; layer < model.config().nLayers(); layer++) {
            Map<ModuleName, float[]> map = new EnumMap<>(ModuleName.class);
            for (ModuleName module : ModuleName.values()) {
                map.put(module, weight(model, layer, module));
            }
            arrays.add(map);
        }
        return arrays;
    }
}
