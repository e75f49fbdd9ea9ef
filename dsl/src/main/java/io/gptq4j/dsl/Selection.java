package io.gptq4j.dsl;

import io.gptq4j.engine.model.ModuleName;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * Which modules a quantize step touches: a contiguous range of decoder layers and, within each,
 * all seven Linear modules, one module, or the modules whose name matches a regular expression.
 * Immutable; start one with {@link Dsl#layers(int, int)}, {@link Dsl#layer(int)} or
 * {@link Dsl#allLayers()}.
 */
public final class Selection {
    private static final int ALL = -1;

    private final int firstLayer;
    private final int lastLayer;
    private final ModuleName module;
    private final String moduleRegex;

    private Selection(int firstLayer, int lastLayer, ModuleName module, String moduleRegex) {
        this.firstLayer = firstLayer;
        this.lastLayer = lastLayer;
        this.module = module;
        this.moduleRegex = moduleRegex;
    }

    /** Selects layers first..last (inclusive), every module. */
    static Selection layers(int first, int last) {
        if (first < 0) {
            throw new IllegalArgumentException("layer " + first + " is invalid; layer indices start at 0");
        }
        if (last < first) {
            throw new IllegalArgumentException("layer range " + first + ".." + last
                    + " is empty; write the lower index first, e.g. layers(0, 3)");
        }
        return new Selection(first, last, null, null);
    }

    /** Selects every layer of the model, every module. */
    static Selection all() {
        return new Selection(ALL, ALL, null, null);
    }

    /**
     * Narrows the selection to one module, by its Hugging Face name ({@code mlp.down_proj}) or
     * short name ({@code down_proj}).
     *
     * @throws IllegalArgumentException naming the valid modules when the name is unknown
     */
    public Selection module(String name) {
        return new Selection(firstLayer, lastLayer, ModuleName.parse(name), null);
    }

    /**
     * Narrows the selection to the modules whose Hugging Face name (e.g. {@code self_attn.q_proj})
     * contains a match of {@code regex}.
     *
     * @throws IllegalArgumentException when the expression is invalid or matches no module
     */
    public Selection modules(String regex) {
        Pattern pattern;
        try {
            pattern = Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("module pattern '" + regex + "' is not a valid regular expression: "
                    + e.getDescription());
        }
        boolean any = Arrays.stream(ModuleName.values()).anyMatch(m -> pattern.matcher(m.hfName()).find());
        if (!any) {
            throw new IllegalArgumentException("module pattern '" + regex + "' matches no module; valid modules: "
                    + validModules());
        }
        return new Selection(firstLayer, lastLayer, null, regex);
    }

    /**
     * Returns the selected (layer, module) pairs in quantization order, for a model with
     * {@code layerCount} layers.
     *
     * @throws IllegalArgumentException naming the valid range when a layer does not exist
     */
    public List<ModuleRef> resolve(int layerCount) {
        int first = firstLayer == ALL ? 0 : firstLayer;
        int last = lastLayer == ALL ? layerCount - 1 : lastLayer;
        if (last >= layerCount) {
            throw new IllegalArgumentException("layer " + last + " is out of range; the model has " + layerCount
                    + " layers, valid indices 0.." + (layerCount - 1));
        }
        List<ModuleRef> refs = new ArrayList<>();
        for (int layer = first; layer <= last; layer++) {
            for (List<ModuleName> subset : ModuleName.trueSequentialOrder()) {
                for (ModuleName m : subset) {
                    if (matches(m)) {
                        refs.add(new ModuleRef(layer, m));
                    }
                }
            }
        }
        return refs;
    }

    private boolean matches(ModuleName m) {
        if (module != null) {
            return module == m;
        }
        if (moduleRegex != null) {
            return Pattern.compile(moduleRegex).matcher(m.hfName()).find();
        }
        return true;
    }

    /** Returns the selection as an ordered map, the form recipes store. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("firstLayer", firstLayer == ALL ? "all" : firstLayer);
        map.put("lastLayer", lastLayer == ALL ? "all" : lastLayer);
        if (module != null) {
            map.put("module", module.hfName());
        }
        if (moduleRegex != null) {
            map.put("moduleRegex", moduleRegex);
        }
        return map;
    }

    /** Rebuilds a selection from {@link #toMap()}. */
    static Selection fromMap(Map<?, ?> map) {
        Object first = map.get("firstLayer");
        Selection s = "all".equals(first) ? all()
                : layers(((Number) first).intValue(), ((Number) map.get("lastLayer")).intValue());
        if (map.get("module") != null) {
            s = s.module((String) map.get("module"));
        }
        if (map.get("moduleRegex") != null) {
            s = s.modules((String) map.get("moduleRegex"));
        }
        return s;
    }

    static String validModules() {
        return Arrays.stream(ModuleName.values()).map(ModuleName::hfName).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        String layers = firstLayer == ALL ? "all layers"
                : firstLayer == lastLayer ? "layer " + firstLayer : "layers " + firstLayer + ".." + lastLayer;
        if (module != null) {
            return layers + " " + module.hfName();
        }
        return moduleRegex != null ? layers + " modules /" + moduleRegex + "/" : layers;
    }
}
