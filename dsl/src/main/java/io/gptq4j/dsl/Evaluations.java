package io.gptq4j.dsl;

import io.gptq4j.dsl.diagnostics.Diagnostic;
import io.gptq4j.dsl.diagnostics.Diagnostics;
import io.gptq4j.dsl.display.Display;
import io.gptq4j.dsl.display.Progress;
import io.gptq4j.engine.eval.Perplexity;
import io.gptq4j.engine.forward.Generator;
import io.gptq4j.engine.model.Linear;
import io.gptq4j.engine.model.LlamaModel;
import io.gptq4j.engine.model.ModuleName;
import io.gptq4j.engine.quant.Rtn;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.knowm.xchart.CategoryChart;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The measurements of a session that do not change it: perplexity, comparisons, sensitivity, generation. */
final class Evaluations {
    private static final Logger LOG = LoggerFactory.getLogger(Evaluations.class);

    private final Session session;
    private final Map<Path, int[]> tokensByFile = new HashMap<>();
    private final Map<Eval, Double> originalPerplexity = new HashMap<>();
    /** Comparisons made since the last step; they describe the current state. */
    private final List<Comparison> current = new ArrayList<>();
    private final List<Diagnostic> warnings = new ArrayList<>();

    Evaluations(Session session) {
        this.session = session;
    }

    /** Forgets the comparisons of the previous state; called after every step and undo. */
    void stateChanged() {
        current.clear();
    }

    List<Comparison> currentComparisons() {
        return List.copyOf(current);
    }

    List<Diagnostic> warnings() {
        return List.copyOf(warnings);
    }

    double perplexity(LlamaModel model, Eval eval) {
        int[] tokens = evalTokens(eval);
        int windows = tokens.length / eval.seqLen();
        if (windows == 0) {
            throw new IllegalArgumentException(eval.file() + " has " + tokens.length + " tokens, fewer than one window of "
                    + eval.seqLen() + "; use a smaller seqLen or a longer text");
        }
        int used = eval.maxWindows() == 0 ? windows : Math.min(windows, eval.maxWindows());
        int[] scored = Arrays.copyOf(tokens, used * eval.seqLen());
        try (Progress progress = Display.progress("perplexity " + eval.file(), used)) {
            return Perplexity.evaluate(model, scored, eval.seqLen(),
                    (w, n, ce) -> progress.update(w + 1, "window " + (w + 1) + " of " + n)).perplexity();
        }
    }

    Comparison compare(Eval eval) {
        List<Diagnostic> found = new ArrayList<>();
        LlamaModel original = session.originalModel();
        Double base = originalPerplexity.get(eval);
        if (base == null) {
            base = perplexity(original, eval);
            originalPerplexity.put(eval, base);
            found.addAll(Diagnostics.checkBasePerplexity(base, original.config().vocabSize(), eval.file()));
        }
        if (session.calibrationWindows() != null) {
            int[] scored = evalTokens(eval);
            if (eval.maxWindows() > 0) {
                scored = Arrays.copyOf(scored, Math.min(scored.length, eval.maxWindows() * eval.seqLen()));
            }
            found.addAll(Diagnostics.checkOverlap(session.calibrationWindows().windows(), scored, eval.file()));
        }
        List<PerplexityRow> rows = new ArrayList<>();
        rows.add(new PerplexityRow("original (fp32)", 32, 0, false, 0, base, 0));
        List<ModuleResult> modules = session.moduleResults();
        if (!modules.isEmpty()) {
            ModuleResult typical = mostCommon(modules);
            int layers = (int) modules.stream().mapToInt(ModuleResult::layer).distinct().count();
            boolean act = modules.stream().anyMatch(m -> m.spec().isDescAct());
            double gptq = perplexity(session.model(), eval);
            rows.add(new PerplexityRow("GPTQ session", typical.spec().bits(), typical.spec().groupSize(), act, layers,
                    gptq, 100 * (gptq / base - 1)));
            double rtn = perplexity(rtnModel(modules), eval);
            rows.add(new PerplexityRow("RTN, same modules", typical.spec().bits(), typical.spec().groupSize(), false,
                    layers, rtn, 100 * (rtn / base - 1)));
        }
        warnings.addAll(found);
        found.forEach(d -> LOG.warn("{}", d));
        Comparison comparison = new Comparison(eval, rows, found);
        current.add(comparison);
        LOG.info("{}", comparison);
        return comparison;
    }

    CategoryChart plotPerplexity() {
        if (current.isEmpty()) {
            throw new IllegalStateException("no perplexity comparison since the last step; call compare(Eval) first");
        }
        List<PerplexityRow> rows = current.stream().flatMap(c -> c.rows().stream()
                .map(r -> new PerplexityRow(r.configuration() + (current.size() > 1 ? " " + c.eval().file() : ""),
                        r.bits(), r.groupSize(), r.descAct(), r.layersQuantized(), r.perplexity(), r.deltaPercent())))
                .toList();
        return io.gptq4j.dsl.plot.Plots.perplexity(rows);
    }

    Sensitivity sensitivity(QuantSpec spec, Eval eval) {
        LlamaModel original = session.originalModel();
        Map<Linear, float[]> originals = session.originalWeights();
        LayerInputCache pristine = new LayerInputCache(original, session.calibrationWindows().windows());
        double base = originalPerplexity.computeIfAbsent(eval, e -> perplexity(original, e));
        int layers = original.config().nLayers();
        double[] ppl = new double[layers];
        for (int layer = 0; layer < layers; layer++) {
            LlamaModel copy = ModelCopies.withWeights(original, Linear::weight);
            Map<ModuleName, QuantSpec> plan = new EnumMap<>(ModuleName.class);
            for (ModuleName m : ModuleName.values()) {
                plan.put(m, spec);
            }
            EngineLayers.quantizeLayer(copy, pristine.inputsOf(layer), plan, Map.of(), (linear, previous) -> { },
                    io.gptq4j.engine.quant.ModuleProgressListener.none());
            ppl[layer] = perplexity(copy, eval);
            LOG.info("sensitivity: layer {} alone at {}: perplexity {}", layer, spec.label(), ppl[layer]);
        }
        return new Sensitivity(spec, eval, base, ppl);
    }

    SideBySide generate(String prompt, int maxTokens) {
        LlamaModel model = session.model();
        var tokenizer = model.tokenizer();
        int[] ids = Perplexity.tokenize(tokenizer, prompt);
        String before = tokenizer.decode(Generator.greedy(session.originalModel(), ids, maxTokens));
        String after = tokenizer.decode(Generator.greedy(model, ids, maxTokens));
        return new SideBySide(prompt, before, after);
    }

    /** Returns a copy of the original model with the same modules quantized by round-to-nearest. */
    private LlamaModel rtnModel(List<ModuleResult> modules) {
        Map<String, QuantSpec> specByName = modules.stream()
                .collect(Collectors.toMap(ModuleResult::fullName, ModuleResult::spec, (a, b) -> b));
        Map<Linear, String> names = new IdentityHashMap<>();
        LlamaModel model = session.model();
        for (var layer : model.layers()) {
            for (ModuleName m : ModuleName.values()) {
                names.put(layer.module(m), "model.layers." + layer.index() + "." + m.hfName());
            }
        }
        Map<Linear, float[]> originals = session.originalWeights();
        Function<Linear, float[]> weights = linear -> {
            QuantSpec spec = specByName.get(names.get(linear));
            float[] start = originals.get(linear);
            return spec == null ? start
                    : Rtn.quantize(start, linear.outFeatures(), linear.inFeatures(), spec.toConfig()).weight();
        };
        return ModelCopies.withWeights(model, weights);
    }

    private int[] evalTokens(Eval eval) {
        Path path = DataFiles.resolve(eval.file());
        return tokensByFile.computeIfAbsent(path, p -> Calibration.tokenize(p, session.model().tokenizer()));
    }

    private static ModuleResult mostCommon(List<ModuleResult> modules) {
        Map<String, Long> counts = modules.stream()
                .collect(Collectors.groupingBy(m -> m.spec().label(), Collectors.counting()));
        String label = counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        return modules.stream().filter(m -> m.spec().label().equals(label)).min(Comparator.comparingInt(ModuleResult::step))
                .orElseThrow();
    }
}
