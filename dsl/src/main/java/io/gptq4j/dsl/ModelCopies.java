package io.gptq4j.dsl;

import io.gptq4j.engine.model.Linear;
import io.gptq4j.engine.model.LlamaLayer;
import io.gptq4j.engine.model.LlamaModel;
import io.gptq4j.engine.model.ModuleName;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Builds models that share a session model's embeddings, norms and head but have their own
 * {@link Linear} objects, so their weights can be replaced without touching the session model.
 * Weight arrays are shared, never copied: the engine replaces arrays instead of writing into them.
 */
final class ModelCopies {
    private ModelCopies() {
    }

    /** Returns a copy whose module weights are {@code weights.apply(module)}. */
    static LlamaModel withWeights(LlamaModel model, Function<Linear, float[]> weights) {
        List<LlamaLayer> layers = new ArrayList<>();
        for (LlamaLayer layer : model.layers()) {
            Map<ModuleName, Linear> modules = new EnumMap<>(ModuleName.class);
            for (ModuleName m : ModuleName.values()) {
                Linear source = layer.module(m);
                modules.put(m, new Linear(source.name(), source.outFeatures(), source.inFeatures(),
                        weights.apply(source), source.bias()));
            }
            layers.add(new LlamaLayer(layer.index(), layer.attnNorm(), layer.ffnNorm(), modules));
        }
        return new LlamaModel(model.config(), model.tokenEmbedding(), layers, model.outputNorm(), model.output(),
                model.tokenizer(), model.source());
    }
}
