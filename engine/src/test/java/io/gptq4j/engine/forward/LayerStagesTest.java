package io.gptq4j.engine.forward;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.gptq4j.engine.model.Linear;
import io.gptq4j.engine.model.LlamaConfig;
import io.gptq4j.engine.model.LlamaModel;
import io.gptq4j.engine.model.ModuleName;
import io.gptq4j.engine.model.RopeLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LayerStagesTest {
    private static final LlamaConfig CONFIG = TinyModels.config(16, 40, 2, 4, 2, 32, RopeLayout.INTERLEAVED);

    @Test
    void stagesEqualFullLayerBitForBit() {
        LlamaModel model = TinyModels.random(CONFIG, 11, false);
        float[] x = randomInput(7, 9);
        List<float[]> inputs = new ArrayList<>();
        float[] full = LlamaForward.layer(model, 1, x, 9, (layer, module, input, tokens) -> inputs.add(input));

        LayerStages stages = new LayerStages(model, 1, x, 9);
        assertArrayEquals(inputs.get(0), stages.attentionInput(), "k/v/q input");
        assertArrayEquals(inputs.get(3), stages.attentionOutput(), "o_proj input");
        assertArrayEquals(inputs.get(4), stages.mlpInput(), "up/gate input");
        assertArrayEquals(inputs.get(6), stages.downInput(), "down_proj input");
        assertArrayEquals(full, stages.output(), "layer output");
    }

    @Test
    void laterStagesUseWeightsChangedInBetween() {
        LlamaModel model = TinyModels.random(CONFIG, 12, false);
        float[] x = randomInput(8, 6);
        LayerStages stages = new LayerStages(model, 0, x, 6);
        stages.attentionInput();
        stages.attentionOutput();
        scale(model.layers().get(0).module(ModuleName.O_PROJ), 0.5f);
        scale(model.layers().get(0).module(ModuleName.DOWN_PROJ), -2f);
        stages.mlpInput();
        stages.downInput();

        float[] expected = LlamaForward.layer(model, 0, x, 6, null);
        assertArrayEquals(expected, stages.output(), "output with the changed o_proj and down_proj");
    }

    @Test
    void stageOutOfOrderIsRejected() {
        LayerStages stages = new LayerStages(TinyModels.random(CONFIG, 13, false), 0, randomInput(9, 4), 4);
        assertThrows(IllegalStateException.class, stages::mlpInput);
    }

    private static float[] randomInput(long seed, int tokens) {
        Random random = new Random(seed);
        float[] x = new float[tokens * CONFIG.dim()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        return x;
    }

    private static void scale(Linear linear, float factor) {
        float[] w = linear.weight().clone();
        for (int i = 0; i < w.length; i++) {
            w[i] *= factor;
        }
        linear.setWeight(w);
    }
}
