package io.gptq4j.dsl;

import io.gptq4j.engine.forward.LlamaForward;
import io.gptq4j.engine.model.Linear;
import io.gptq4j.engine.model.LlamaLayer;
import io.gptq4j.engine.model.LlamaModel;
import io.gptq4j.engine.model.ModuleName;
import io.gptq4j.engine.quant.LayerInputs;
import io.gptq4j.engine.quant.LayerStep;
import io.gptq4j.engine.quant.ModuleProgressListener;
import io.gptq4j.engine.quant.SequentialOptions;
import io.gptq4j.engine.quant.SequentialQuantizer;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.BiConsumer;

/** Runs one layer of a session step through the engine's {@link SequentialQuantizer}. */
final class EngineLayers {
    private EngineLayers() {
    }

    /**
     * Quantizes the planned modules of layer {@code inputs.layer()} with GPTQ in AutoGPTQ's
     * true-sequential order. Planned modules first get their original weights back, so GPTQ starts
     * from them even when a module was quantized before.
     *
     * @param originals the weights to start from; modules absent from it start from their current weights
     * @param replaced  told (module, weight before this call) for every planned module, before any change
     */
    static LayerStep quantizeLayer(LlamaModel model, LayerInputs inputs, Map<ModuleName, QuantSpec> plan,
                                   Map<Linear, float[]> originals, BiConsumer<Linear, float[]> replaced,
                                   ModuleProgressListener progress) {
        int layer = inputs.layer();
        LlamaLayer decoder = model.layers().get(layer);
        for (ModuleName m : plan.keySet()) {
            Linear linear = decoder.module(m);
            replaced.accept(linear, linear.weight());
            float[] original = originals.get(linear);
            if (original != null) {
                linear.setWeight(original);
            }
        }
        SequentialOptions options = SequentialOptions
                .builder((l, m) -> l == layer && plan.containsKey(m) ? plan.get(m).toConfig() : null)
                .layers(layer, layer)
                .progress(progress)
                .build();
        return new SequentialQuantizer(model, options).quantizeLayer(inputs);
    }

    /**
     * Counts, per planned module, the input columns that are zero for every calibration token (the
     * columns GPTQ finds with a zero Hessian diagonal and zeroes), with the weights as they are now.
     */
    static Map<ModuleName, Integer> deadColumns(LlamaModel model, LayerInputs inputs, Iterable<ModuleName> modules) {
        int layer = inputs.layer();
        Map<ModuleName, boolean[]> live = new EnumMap<>(ModuleName.class);
        for (ModuleName m : modules) {
            live.put(m, new boolean[model.layers().get(layer).module(m).inFeatures()]);
        }
        for (int s = 0; s < inputs.nsamples(); s++) {
            LlamaForward.layer(model, layer, inputs.copyOfWindow(s), inputs.seqlen(), (l, module, x, tokens) -> {
                boolean[] seen = live.get(module);
                if (seen == null) {
                    return;
                }
                for (int i = 0; i < x.length; i++) {
                    if (x[i] != 0f) {
                        seen[i % seen.length] = true;
                    }
                }
            });
        }
        Map<ModuleName, Integer> dead = new EnumMap<>(ModuleName.class);
        live.forEach((m, seen) -> {
            int count = 0;
            for (boolean b : seen) {
                count += b ? 0 : 1;
            }
            dead.put(m, count);
        });
        return dead;
    }
}
