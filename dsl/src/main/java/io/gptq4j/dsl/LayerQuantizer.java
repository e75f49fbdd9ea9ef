package io.gptq4j.dsl;

import io.gptq4j.engine.forward.LlamaForward;
import io.gptq4j.engine.model.Linear;
import io.gptq4j.engine.model.LlamaLayer;
import io.gptq4j.engine.model.LlamaModel;
import io.gptq4j.engine.model.ModuleName;
import io.gptq4j.engine.quant.Gptq;
import io.gptq4j.engine.quant.Hessian;
import io.gptq4j.engine.quant.QuantResult;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Quantizes the planned modules of one decoder layer in AutoGPTQ's true-sequential order
 * (k/v/q, then o, then up/gate, then down): for each subset, every calibration window runs
 * through the whole layer with the weights as they are now (earlier subsets already quantized),
 * the subset's module inputs are added to their Hessians one window at a time, and then each
 * module of the subset is quantized and its weight replaced by the dequantized Q.
 */
final class LayerQuantizer {

    /** What quantizing one module produced. */
    record Outcome(ModuleName module, Linear linear, QuantSpec spec, QuantResult result) {
    }

    private LayerQuantizer() {
    }

    /**
     * @param inputs    the layer's input per calibration window, [seqLen x dim]
     * @param plan      the settings per module to quantize; modules absent from it stay as they are
     * @param originals the weights GPTQ starts from (the unquantized weights)
     * @param replaced  told (module, previous weight) just before each weight is replaced, so a
     *                  caller can roll back
     * @param progress  told after each module
     */
    static List<Outcome> quantizeLayer(LlamaModel model, int layer, float[][] inputs, int[][] windows,
                                       Map<ModuleName, QuantSpec> plan, Map<Linear, float[]> originals,
                                       BiConsumer<Linear, float[]> replaced, Runnable progress) {
        LlamaLayer decoder = model.layers().get(layer);
        List<Outcome> outcomes = new ArrayList<>();
        for (List<ModuleName> subset : ModuleName.trueSequentialOrder()) {
            List<ModuleName> todo = subset.stream().filter(plan::containsKey).toList();
            if (todo.isEmpty()) {
                continue;
            }
            Map<ModuleName, Hessian> hessians = collectHessians(model, layer, inputs, windows, todo);
            for (ModuleName m : todo) {
                Interrupts.check("quantizing layer " + layer + " " + m.hfName());
                Linear linear = decoder.module(m);
                QuantSpec spec = plan.get(m);
                float[] start = originals.getOrDefault(linear, linear.weight());
                QuantResult result = Gptq.quantize(linear.name(), start, linear.outFeatures(), linear.inFeatures(),
                        hessians.get(m), spec.toConfig());
                replaced.accept(linear, linear.weight());
                linear.setWeight(result.weight());
                outcomes.add(new Outcome(m, linear, spec, result));
                progress.run();
            }
        }
        return outcomes;
    }

    private static Map<ModuleName, Hessian> collectHessians(LlamaModel model, int layer, float[][] inputs,
                                                            int[][] windows, List<ModuleName> modules) {
        Map<ModuleName, Hessian> hessians = new EnumMap<>(ModuleName.class);
        LlamaLayer decoder = model.layers().get(layer);
        for (ModuleName m : modules) {
            hessians.put(m, new Hessian(decoder.module(m).name(), decoder.module(m).inFeatures()));
        }
        for (int s = 0; s < inputs.length; s++) {
            Interrupts.check("collecting Hessians of layer " + layer);
            LlamaForward.layer(model, layer, inputs[s], windows[s].length, (l, module, input, tokens) -> {
                Hessian h = hessians.get(module);
                if (h != null) {
                    h.add(input, tokens);
                }
            });
        }
        return hessians;
    }
}
