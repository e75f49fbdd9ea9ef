package io.gptq4j.dsl;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A per-module override in the style of GPTQModel's {@code dynamic} config: modules whose full name
 * ({@code model.layers.3.mlp.down_proj}) contains a match of {@code pattern} get other settings,
 * or are skipped. Immutable; start one with {@link #match(String)} or {@link #skip(String)}.
 * When several rules apply, a matching skip rule wins, otherwise the first matching rule in the
 * order given.
 */
public final class Rule {
    private final String pattern;
    private final Pattern compiled;
    private final boolean skip;
    private final Integer bits;
    private final Integer groupSize;
    private final Boolean descAct;
    private final Boolean sym;

    private Rule(String pattern, boolean skip, Integer bits, Integer groupSize, Boolean descAct, Boolean sym) {
        this.pattern = pattern;
        try {
            this.compiled = Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("rule pattern '" + pattern + "' is not a valid regular expression: "
                    + e.getDescription());
        }
        if (bits != null) {
            QuantSpec.checkBits(bits);
        }
        this.skip = skip;
        this.bits = bits;
        this.groupSize = groupSize;
        this.descAct = descAct;
        this.sym = sym;
    }

    /** Starts an override for the modules whose full name contains a match of {@code regex}. */
    public static Rule match(String regex) {
        return new Rule(regex, false, null, null, null, null);
    }

    /** Leaves the modules whose full name contains a match of {@code regex} unquantized. */
    public static Rule skip(String regex) {
        return new Rule(regex, true, null, null, null, null);
    }

    /** Returns a copy that sets the bit width (2, 3, 4 or 8) of matching modules. */
    public Rule bits(int newBits) {
        return new Rule(pattern, skip, newBits, groupSize, descAct, sym);
    }

    /** Returns a copy that sets the group size of matching modules. */
    public Rule groupSize(int newGroupSize) {
        return new Rule(pattern, skip, bits, newGroupSize, descAct, sym);
    }

    /** Returns a copy that switches act-order on or off for matching modules. */
    public Rule descAct(boolean on) {
        return new Rule(pattern, skip, bits, groupSize, on, sym);
    }

    /** Returns a copy that sets a symmetric (true) or asymmetric (false) grid for matching modules. */
    public Rule sym(boolean on) {
        return new Rule(pattern, skip, bits, groupSize, descAct, on);
    }

    /** Returns whether this rule applies to the module with the given full name. */
    public boolean matches(String fullName) {
        return compiled.matcher(fullName).find();
    }

    /** Returns whether matching modules are skipped. */
    public boolean isSkip() {
        return skip;
    }

    /** Returns {@code base} with this rule's overrides applied. */
    public QuantSpec apply(QuantSpec base) {
        QuantSpec spec = base;
        if (bits != null) {
            spec = spec.bits(bits);
        }
        if (groupSize != null) {
            spec = spec.groupSize(groupSize);
        }
        if (descAct != null) {
            spec = spec.descAct(descAct);
        }
        if (sym != null) {
            spec = sym ? spec.sym() : spec.asym();
        }
        return spec;
    }

    /** Returns the rule as an ordered map, the form recipes store. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("pattern", pattern);
        map.put("skip", skip);
        if (bits != null) {
            map.put("bits", bits);
        }
        if (groupSize != null) {
            map.put("groupSize", groupSize);
        }
        if (descAct != null) {
            map.put("descAct", descAct);
        }
        if (sym != null) {
            map.put("sym", sym);
        }
        return map;
    }

    /** Rebuilds a rule from {@link #toMap()}. */
    static Rule fromMap(Map<?, ?> map) {
        String p = (String) map.get("pattern");
        if (Boolean.TRUE.equals(map.get("skip"))) {
            return skip(p);
        }
        Rule r = match(p);
        if (map.get("bits") != null) {
            r = r.bits(((Number) map.get("bits")).intValue());
        }
        if (map.get("groupSize") != null) {
            r = r.groupSize(((Number) map.get("groupSize")).intValue());
        }
        if (map.get("descAct") != null) {
            r = r.descAct((Boolean) map.get("descAct"));
        }
        if (map.get("sym") != null) {
            r = r.sym((Boolean) map.get("sym"));
        }
        return r;
    }

    @Override
    public String toString() {
        return (skip ? "skip /" : "match /") + pattern + "/" + (skip ? "" : " " + toMap());
    }
}
