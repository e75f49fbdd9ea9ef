package io.gptq4j.dsl;

import io.gptq4j.engine.quant.QuantConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The GPTQ settings of one quantize step, as the DSL builds them: immutable, so every method
 * returns a changed copy and a spec can be reused across steps. Start one with
 * {@link Dsl#bits(int)}. The defaults follow AutoGPTQ: one group per row (group size -1), symmetric, no act-order,
 * no static groups, damp 0.01, min-max grid.
 *
 */
public final class QuantSpec {

    /** Bit widths the engine packs and the DSL accepts. */
    private static final int[] VALID_BITS = {2, 3, 4, 8};

    private final int bits;
    private final int groupSize;
    private final boolean sym;
    private final boolean descAct;
    private final boolean staticGroups;
    private final double dampPercent;
    private final boolean mse;

    QuantSpec(int bits, int groupSize, boolean sym, boolean descAct, boolean staticGroups,
              double dampPercent, boolean mse) {
        checkBits(bits);
        if (groupSize != -1 && groupSize <= 0) {
            throw new IllegalArgumentException("group size " + groupSize
                    + " is invalid; use -1 (one group per row) or a positive number of columns such as 32, 64 or 128");
        }
        if (!(dampPercent > 0 && dampPercent < 1)) {
            throw new IllegalArgumentException("dampPercent " + dampPercent
                    + " is invalid; use a fraction in (0, 1), e.g. 0.01");
        }
        this.bits = bits;
        this.groupSize = groupSize;
        this.sym = sym;
        this.descAct = descAct;
        this.staticGroups = staticGroups;
        this.dampPercent = dampPercent;
        this.mse = mse;
    }

    /** Returns the AutoGPTQ defaults with the given bit width. */
    public static QuantSpec ofBits(int bits) {
        return new QuantSpec(bits, -1, true, false, false, 0.01, false);
    }

    /** Returns a copy with another bit width (2, 3, 4 or 8). */
    public QuantSpec bits(int newBits) {
        return new QuantSpec(newBits, groupSize, sym, descAct, staticGroups, dampPercent, mse);
    }

    /** Returns a copy with another group size: a positive column count, or -1 for per-row grids. */
    public QuantSpec groupSize(int newGroupSize) {
        return new QuantSpec(bits, newGroupSize, sym, descAct, staticGroups, dampPercent, mse);
    }

    /** Returns a copy with a symmetric grid (the default). */
    public QuantSpec sym() {
        return new QuantSpec(bits, groupSize, true, descAct, staticGroups, dampPercent, mse);
    }

    /** Returns a copy with an asymmetric grid (a zero point per group). */
    public QuantSpec asym() {
        return new QuantSpec(bits, groupSize, false, descAct, staticGroups, dampPercent, mse);
    }

    /** Returns a copy with act-order on: columns processed by descending Hessian diagonal. */
    public QuantSpec descAct() {
        return descAct(true);
    }

    /** Returns a copy with act-order switched on or off. */
    public QuantSpec descAct(boolean on) {
        return new QuantSpec(bits, groupSize, sym, on, staticGroups, dampPercent, mse);
    }

    /** Returns a copy whose group grids are computed before the column sweep. */
    public QuantSpec staticGroups() {
        return new QuantSpec(bits, groupSize, sym, descAct, true, dampPercent, mse);
    }

    /** Returns a copy with another damping fraction of the mean Hessian diagonal. */
    public QuantSpec dampPercent(double newDampPercent) {
        return new QuantSpec(bits, groupSize, sym, descAct, staticGroups, newDampPercent, mse);
    }

    /** Returns a copy that searches the error-minimising grid (norm 2.4, 100 steps, shrink to 0.2). */
    public QuantSpec mse() {
        return new QuantSpec(bits, groupSize, sym, descAct, staticGroups, dampPercent, true);
    }

    /** Returns the bits per weight: 2, 3, 4 or 8. */
    public int bits() {
        return bits;
    }

    /** Returns the input columns per (scale, zero) group, or -1 for one group per row. */
    public int groupSize() {
        return groupSize;
    }

    /** Returns whether the grid is symmetric (zero fixed at the middle code). */
    public boolean isSym() {
        return sym;
    }

    /** Returns whether act-order is on: columns processed by descending Hessian diagonal. */
    public boolean isDescAct() {
        return descAct;
    }

    /** Returns whether every group's grid is computed before the column sweep. */
    public boolean isStaticGroups() {
        return staticGroups;
    }

    /** Returns the fraction of the mean Hessian diagonal added to the diagonal, in (0, 1). */
    public double dampPercent() {
        return dampPercent;
    }

    /** Returns whether the grid search minimises the 2.4-norm error instead of using min-max. */
    public boolean isMse() {
        return mse;
    }

    /** Returns the settings as an ordered map, the form recipes and tables use. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("bits", bits);
        map.put("groupSize", groupSize);
        map.put("sym", sym);
        map.put("descAct", descAct);
        map.put("staticGroups", staticGroups);
        map.put("dampPercent", dampPercent);
        map.put("mse", mse);
        return map;
    }

    /** Returns a short label such as {@code 4-bit g32 sym act-order}. */
    public String label() {
        StringBuilder s = new StringBuilder().append(bits).append("-bit ")
                .append(groupSize == -1 ? "per-row" : "g" + groupSize)
                .append(sym ? " sym" : " asym");
        if (descAct) {
            s.append(" act-order");
        }
        if (staticGroups) {
            s.append(" static");
        }
        if (mse) {
            s.append(" mse");
        }
        return s.toString();
    }

    static void checkBits(int bits) {
        for (int valid : VALID_BITS) {
            if (bits == valid) {
                return;
            }
        }
        throw new IllegalArgumentException("bits " + bits + " is not supported; valid choices: 2, 3, 4, 8");
    }

    /** Returns the engine configuration these settings stand for. */
    public QuantConfig toConfig() {
        QuantConfig.Builder b = QuantConfig.bits(bits).groupSize(groupSize).sym(sym).descAct(descAct)
                .staticGroups(staticGroups).dampPercent(dampPercent);
        if (mse) {
            b.mse();
        }
        return b.build();
    }

    /** Rebuilds a spec from {@link #toMap()}. */
    static QuantSpec fromMap(Map<?, ?> map) {
        return new QuantSpec(((Number) map.get("bits")).intValue(), ((Number) map.get("groupSize")).intValue(),
                (Boolean) map.get("sym"), (Boolean) map.get("descAct"), (Boolean) map.get("staticGroups"),
                ((Number) map.get("dampPercent")).doubleValue(), (Boolean) map.get("mse"));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QuantSpec q && toMap().equals(q.toMap());
    }

    @Override
    public int hashCode() {
        return toMap().hashCode();
    }

    @Override
    public String toString() {
        return label();
    }
}
