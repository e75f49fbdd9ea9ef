package io.gptq4j.engine.quant;

import java.util.Objects;

/**
 * Settings of a model-level quantization run.
 *
 * @param firstLayer    first decoder layer to quantize
 * @param lastLayer     last decoder layer to quantize (inclusive); -1 means the model's last layer
 * @param configs       configuration per module, or null to skip a module
 * @param method        GPTQ with calibration, or round-to-nearest without
 * @param progress      called after every module
 * @param layerListener called with the quantized tensors of each layer once the layer is complete
 */
public record SequentialOptions(
        int firstLayer,
        int lastLayer,
        ModuleConfigs configs,
        Method method,
        ModuleProgressListener progress,
        QuantizedLayerListener layerListener) {

    /** How module weights are quantized. */
    public enum Method {
        /** GPTQ with a Hessian from calibration data, layer by layer (AutoGPTQ's loop). */
        GPTQ,
        /** Round-to-nearest on the min-max grid; needs no calibration. */
        RTN
    }

    public SequentialOptions {
        Objects.requireNonNull(configs, "configs");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(progress, "progress");
        Objects.requireNonNull(layerListener, "layerListener");
        if (firstLayer < 0) {
            throw new IllegalArgumentException("firstLayer must be >= 0, got " + firstLayer);
        }
        if (lastLayer != -1 && lastLayer < firstLayer) {
            throw new IllegalArgumentException("lastLayer " + lastLayer + " is before firstLayer " + firstLayer);
        }
    }

    /** Returns GPTQ options for all layers with one configuration. */
    public static SequentialOptions of(QuantConfig config) {
        return builder(ModuleConfigs.uniform(config)).build();
    }

    public static Builder builder(QuantConfig config) {
        return new Builder(ModuleConfigs.uniform(config));
    }

    public static Builder builder(ModuleConfigs configs) {
        return new Builder(configs);
    }

    /** Returns the last layer to quantize in a model with {@code nLayers} layers. */
    public int lastLayer(int nLayers) {
        int last = lastLayer == -1 ? nLayers - 1 : lastLayer;
        if (firstLayer >= nLayers || last >= nLayers) {
            throw new IllegalArgumentException("layers " + firstLayer + "-" + last + " requested, but the model has "
                    + nLayers + " layers (0-" + (nLayers - 1) + ")");
        }
        return last;
    }

    /** Builder with defaults: all layers, GPTQ, no listeners. */
    public static final class Builder {
        private int firstLayer = 0;
        private int lastLayer = -1;
        private ModuleConfigs configs;
        private Method method = Method.GPTQ;
        private ModuleProgressListener progress = ModuleProgressListener.none();
        private QuantizedLayerListener layerListener = (layer, modules, results) -> { };

        private Builder(ModuleConfigs configs) {
            this.configs = Objects.requireNonNull(configs, "configs");
        }

        /** Quantizes layers first..last (inclusive) only; the other layers keep their weights. */
        public Builder layers(int first, int last) {
            this.firstLayer = first;
            this.lastLayer = last;
            return this;
        }

        public Builder configs(ModuleConfigs configs) {
            this.configs = configs;
            return this;
        }

        public Builder method(Method method) {
            this.method = method;
            return this;
        }

        /** Receives the codes, scales and zeros of every layer, e.g. to write a checkpoint. */
        public Builder layerListener(QuantizedLayerListener layerListener) {
            this.layerListener = layerListener;
            return this;
        }

        public Builder progress(ModuleProgressListener progress) {
            this.progress = progress;
            return this;
        }

        public SequentialOptions build() {
            return new SequentialOptions(firstLayer, lastLayer, configs, method, progress, layerListener);
        }
    }
}
