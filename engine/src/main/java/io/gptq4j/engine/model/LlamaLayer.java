package io.gptq4j.engine.model;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/** One decoder layer: attention and SwiGLU feed-forward, each preceded by an RMSNorm. */
public final class LlamaLayer {
    private final int index;
    private final float[] attnNorm;
    private final float[] ffnNorm;
    private final Map<ModuleName, Linear> modules;

    public LlamaLayer(int index, float[] attnNorm, float[] ffnNorm, Map<ModuleName, Linear> modules) {
        this.index = index;
        this.attnNorm = Objects.requireNonNull(attnNorm, "attnNorm");
        this.ffnNorm = Objects.requireNonNull(ffnNorm, "ffnNorm");
        this.modules = new EnumMap<>(modules);
        for (ModuleName m : ModuleName.values()) {
            if (!this.modules.containsKey(m)) {
                throw new IllegalArgumentException("layer " + index + " has no module " + m.hfName());
            }
        }
    }

    public int index() {
        return index;
    }

    public float[] attnNorm() {
        return attnNorm;
    }

    public float[] ffnNorm() {
        return ffnNorm;
    }

    public Linear module(ModuleName name) {
        return modules.get(name);
    }
}
