package io.gptq4j.dsl;

import io.gptq4j.dsl.display.MimeBundle;
import io.gptq4j.dsl.display.RichDisplay;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * How the quantization error develops through the depth of the model: mean relative error and
 * avg loss per layer, the growth from the first to the last quantized layer, and the worst module.
 * GPTQ errors usually grow with depth; a layer far above its neighbours deserves more bits.
 *
 * @param layers      per quantized layer, ascending
 * @param worstModule the module with the highest relative error, or null when nothing is quantized
 */
public record LossTrend(List<LayerSummary> layers, ModuleResult worstModule) implements RichDisplay {

    /**
     * @param layer                 layer index
     * @param modules               quantized modules in the layer
     * @param meanRelativeError     mean relative error of those modules
     * @param meanAvgLoss           mean AutoGPTQ avg loss of those modules
     */
    public record LayerSummary(int layer, int modules, double meanRelativeError, double meanAvgLoss) {
    }

    static LossTrend of(List<ModuleResult> results) {
        Map<Integer, List<ModuleResult>> byLayer = new TreeMap<>();
        for (ModuleResult r : results) {
            byLayer.computeIfAbsent(r.layer(), l -> new ArrayList<>()).add(r);
        }
        List<LayerSummary> layers = new ArrayList<>();
        byLayer.forEach((layer, rs) -> layers.add(new LayerSummary(layer, rs.size(),
                rs.stream().mapToDouble(ModuleResult::relativeError).average().orElse(Double.NaN),
                rs.stream().mapToDouble(ModuleResult::avgLoss).average().orElse(Double.NaN))));
        ModuleResult worst = results.stream().max(Comparator.comparingDouble(ModuleResult::relativeError)).orElse(null);
        return new LossTrend(List.copyOf(layers), worst);
    }

    /** Returns last-layer over first-layer mean relative error, or NaN with fewer than two layers. */
    public double growth() {
        if (layers.size() < 2) {
            return Double.NaN;
        }
        return layers.get(layers.size() - 1).meanRelativeError() / layers.get(0).meanRelativeError();
    }

    @Override
    public MimeBundle toMimeBundle() {
        return MimeBundle.text(toString());
    }

    @Override
    public String toString() {
        if (layers.isEmpty()) {
            return "loss trend: nothing quantized yet";
        }
        StringBuilder s = new StringBuilder("loss trend over " + layers.size() + " layers");
        for (LayerSummary l : layers) {
            s.append(String.format(Locale.ROOT, "%n  layer %d: %d modules, mean relative error %.4g, mean avg loss %.4g",
                    l.layer(), l.modules(), l.meanRelativeError(), l.meanAvgLoss()));
        }
        if (layers.size() > 1) {
            s.append(String.format(Locale.ROOT, "%n  relative error grows %.2fx from layer %d to layer %d", growth(),
                    layers.get(0).layer(), layers.get(layers.size() - 1).layer()));
        }
        s.append(String.format(Locale.ROOT, "%n  worst module: %s (relative error %.4g)", worstModule.fullName(),
                worstModule.relativeError()));
        return s.toString();
    }
}
