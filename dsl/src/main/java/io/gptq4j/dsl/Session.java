package io.gptq4j.dsl;

import io.gptq4j.dsl.diagnostics.Diagnostic;
import io.gptq4j.dsl.diagnostics.Diagnostics;
import io.gptq4j.dsl.display.Display;
import io.gptq4j.dsl.display.Progress;
import io.gptq4j.engine.eval.Perplexity;
import io.gptq4j.engine.model.Linear;
import io.gptq4j.engine.model.LlamaModel;
import io.gptq4j.engine.model.ModuleName;
import io.gptq4j.engine.quant.LayerInputs;
import io.gptq4j.engine.quant.LayerStep;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tech.tablesaw.api.Table;

/**
 * An interactive GPTQ quantization of one model: calibrate once, then quantize layers or modules
 * one step at a time, look at losses and perplexity after each step, undo, and save the steps as a
 * recipe. Steps follow AutoGPTQ's layer loop: a layer's calibration inputs come from replaying
 * the layers before it as they are now, quantized or not. GPTQ always starts from a module's
 * original weights, so re-quantizing a module with other settings does not compound errors.
 *
 * <p>The model is changed in place (its modules' weight arrays are replaced); the original arrays are
 * kept for undo, comparisons and {@link #originalModel()}. A step that fails or is interrupted is
 * rolled back, so every module is either fully quantized by a finished step or untouched.
 * Not thread-safe: run one step at a time.
 */
public final class Session {
    private static final Logger LOG = LoggerFactory.getLogger(Session.class);

    private final LlamaModel model;
    private final LlamaModel original;
    /** The weight array every module had when the session started. */
    private final Map<Linear, float[]> originals = new IdentityHashMap<>();
    private final List<AppliedStep> steps = new ArrayList<>();
    private final Evaluations evaluations;
    private Calibration calibration;
    private Calibration.Windows windows;
    private LayerInputCache cache;
    private double earlyLayerBound = Diagnostics.DEFAULT_EARLY_LAYER_NORMALIZED_ERROR;
    private double calibrationPerplexity = Double.NaN;
    private final List<Diagnostic> calibrationWarnings = new ArrayList<>();

    private Session(LlamaModel model) {
        this.model = Objects.requireNonNull(model, "model");
        if (model.tokenizer() == null) {
            throw new IllegalArgumentException(model.source() + " has no tokenizer; load the model with its"
                    + " tokenizer (a GGUF file carries one)");
        }
        for (var layer : model.layers()) {
            for (ModuleName m : ModuleName.values()) {
                originals.put(layer.module(m), layer.module(m).weight());
            }
        }
        this.original = ModelCopies.withWeights(model, originals::get);
        this.evaluations = new Evaluations(this);
    }

    /** Starts a session on a loaded model; the model's weights are changed by later steps. */
    public static Session of(LlamaModel model) {
        return new Session(model);
    }

    /**
     * Sets the calibration data and computes the layer-0 inputs (the token embeddings of every
     * window). Allowed only before the first step, so every step of a session uses the same data.
     *
     * @return this session
     * @throws IllegalStateException when a step has already run
     * @throws IllegalArgumentException when the text is missing or too short
     */
    public Session calibration(Calibration newCalibration) {
        if (!steps.isEmpty()) {
            throw new IllegalStateException("calibration is fixed once a step has run; undo all "
                    + steps.size() + " steps first or start a new session");
        }
        Calibration.Windows loaded = newCalibration.load(model.tokenizer());
        this.calibration = newCalibration;
        this.windows = loaded;
        this.cache = new LayerInputCache(model, loaded.windows());
        cache.inputsOf(0);
        int[] flat = new int[loaded.windows().length * newCalibration.seqLen()];
        for (int s = 0; s < loaded.windows().length; s++) {
            System.arraycopy(loaded.windows()[s], 0, flat, s * newCalibration.seqLen(), newCalibration.seqLen());
        }
        this.calibrationPerplexity = Perplexity.evaluate(original, flat, newCalibration.seqLen()).perplexity();
        calibrationWarnings.clear();
        calibrationWarnings.addAll(Diagnostics.checkCalibration(calibrationPerplexity, model.config().vocabSize(),
                newCalibration.file()));
        LOG.info("calibration: {} windows of {} tokens from {}, unquantized perplexity {}", loaded.windows().length,
                newCalibration.seqLen(), loaded.path(), calibrationPerplexity);
        for (Diagnostic d : calibrationWarnings) {
            LOG.warn("{}", d);
            Display.show(d);
        }
        return this;
    }

    /**
     * Sets the bound on {@code relativeError * 4^bits} above which a layer 0-2 module raises
     * {@code EARLY_LAYER_ERROR} (default {@link Diagnostics#DEFAULT_EARLY_LAYER_NORMALIZED_ERROR}).
     *
     * @return this session
     */
    public Session earlyLayerBound(double bound) {
        if (!(bound > 0)) {
            throw new IllegalArgumentException("bound " + bound + " is invalid; use a positive number such as 8");
        }
        this.earlyLayerBound = bound;
        return this;
    }

    /** Returns the unquantized model's perplexity on the calibration windows, NaN before calibration. */
    public double calibrationPerplexity() {
        return calibrationPerplexity;
    }

    /**
     * Quantizes the selected modules with GPTQ, layer by layer in ascending order.
     *
     * @param selection which layers and modules, e.g. {@code layers(0, 3)} or {@code layer(4).module("mlp.down_proj")}
     * @param spec      the settings, e.g. {@code bits(4).groupSize(32)}
     * @param rules     per-module overrides and skips, applied in order (a skip wins)
     * @return the modules' losses and any warnings
     * @throws IllegalStateException when no calibration is set
     * @throws IllegalArgumentException when a layer is out of range or every selected module is skipped;
     *                                  the session is unchanged
     */
    public StepResult quantize(Selection selection, QuantSpec spec, Rule... rules) {
        Objects.requireNonNull(selection, "selection");
        Objects.requireNonNull(spec, "spec");
        requireCalibration();
        List<Rule> ruleList = List.of(rules);

        TreeMap<Integer, Map<ModuleName, QuantSpec>> plan = plan(selection, spec, ruleList);
        int stepIndex = steps.size() + 1;
        AppliedStep applied = new AppliedStep(stepIndex, selection, spec, ruleList);
        long start = System.nanoTime();

        int total = plan.values().stream().mapToInt(Map::size).sum();
        try (Progress progress = Display.progress("GPTQ " + selection, total)) {
            int[] done = {0};
            for (var entry : plan.entrySet()) {
                int layer = entry.getKey();
                LayerInputs inputs = cache.inputsOf(layer);
                Map<ModuleName, Integer> dead = EngineLayers.deadColumns(model, inputs, entry.getValue().keySet());
                LayerStep layerStep = EngineLayers.quantizeLayer(model, inputs, entry.getValue(), originals,
                        (linear, previous) -> applied.recordPrevious(layer, linear, previous),
                        (module, index, count) -> progress.update(++done[0], "layer " + layer + " " + module.module()));
                cache.store(layerStep.next());
                for (var r : layerStep.modules()) {
                    applied.add(toResult(stepIndex, r, entry.getValue().get(r.module()), dead.get(r.module())));
                    Linear linear = model.layers().get(layer).module(r.module());
                    applied.warnings.addAll(Diagnostics.checkWeights(r.fullName(), linear.weight()));
                }
            }
        } catch (RuntimeException | Error e) {
            rollBack(applied);
            LOG.warn("step {} ({}) failed and was rolled back: {}", stepIndex, selection, e.toString());
            throw e;
        }

        for (ModuleResult r : applied.results) {
            int columns = model.layers().get(r.layer()).module(ModuleName.parse(r.module())).inFeatures();
            applied.warnings.addAll(Diagnostics.checkModule(r, columns, earlyLayerBound));
        }
        steps.add(applied);
        evaluations.stateChanged();
        StepResult result = toStepResult(applied, (System.nanoTime() - start) / 1e9);
        for (Diagnostic d : result.warnings()) {
            LOG.warn("{}", d);
        }
        LOG.info("{}", result.summary());
        return result;
    }

    /**
     * Undoes the last step: restores the exact weight arrays its modules had before it.
     *
     * @return what was undone
     * @throws IllegalStateException when there is no step to undo
     */
    public UndoResult undo() {
        if (steps.isEmpty()) {
            throw new IllegalStateException("nothing to undo: no quantize step has run");
        }
        AppliedStep last = steps.remove(steps.size() - 1);
        rollBack(last);
        evaluations.stateChanged();
        LOG.info("undid step {} ({}), {} modules restored", last.index, last.selection, last.previous.size());
        return new UndoResult(last.index, last.selection.toString(), last.spec.label(), last.previous.size(),
                steps.size());
    }

    /** Returns the steps applied so far (undone steps excluded), oldest first. */
    public List<StepResult> steps() {
        return steps.stream().map(s -> toStepResult(s, Double.NaN)).toList();
    }

    /** Returns the latest result of every quantized module, in the order the modules were quantized. */
    public List<ModuleResult> moduleResults() {
        Map<String, ModuleResult> latest = new LinkedHashMap<>();
        for (AppliedStep s : steps) {
            for (ModuleResult r : s.results) {
                latest.remove(r.fullName());
                latest.put(r.fullName(), r);
            }
        }
        return List.copyOf(latest.values());
    }

    /** Returns every warning of the applied steps and of evaluations, oldest first. */
    public List<Diagnostic> warnings() {
        List<Diagnostic> all = new ArrayList<>(calibrationWarnings);
        steps.forEach(s -> all.addAll(s.warnings));
        all.addAll(evaluations.warnings());
        return all;
    }

    /** Returns a table of the current modules: step, layer, module, settings, avg loss, relative error, damp, time. */
    public Table losses() {
        return io.gptq4j.dsl.table.Tables.losses(moduleResults());
    }

    /** Returns a chart of the avg loss per layer on a log axis, one series per module type. */
    public XYChart plotLosses() {
        return io.gptq4j.dsl.plot.Plots.losses(moduleResults());
    }

    /** Returns a chart of the relative error per layer, one series per module type. */
    public XYChart plotRelativeError() {
        return io.gptq4j.dsl.plot.Plots.relativeError(moduleResults());
    }

    /** Returns a chart of the running mean avg loss in quantization order. */
    public XYChart plotRunningLoss() {
        return io.gptq4j.dsl.plot.Plots.runningAverageLoss(moduleResults());
    }

    /** Returns a chart of every perplexity comparison so far as bars. */
    public CategoryChart plotPerplexity() {
        return evaluations.plotPerplexity();
    }

    /** Returns the per-layer loss trend of the modules quantized so far. */
    public LossTrend lossTrend() {
        return LossTrend.of(moduleResults());
    }

    /**
     * Measures perplexity on {@code eval} for the original model, the session model, and the same
     * modules quantized with round-to-nearest at the same settings.
     */
    public Comparison compare(Eval eval) {
        return evaluations.compare(eval);
    }

    /** Returns the session model's perplexity on {@code eval}. */
    public double perplexity(Eval eval) {
        return evaluations.perplexity(model, eval);
    }

    /**
     * Measures, for each layer alone, the perplexity when only that layer is quantized with
     * {@code spec} (the session model is not changed).
     */
    public Sensitivity sensitivity(QuantSpec spec, Eval eval) {
        requireCalibration();
        return evaluations.sensitivity(spec, eval);
    }

    /** Generates greedily from {@code prompt} with the original and the session model, side by side. */
    public SideBySide generate(String prompt, int maxTokens) {
        return evaluations.generate(prompt, maxTokens);
    }

    /** Returns every applied step with its settings, the data hashes and results, as a recipe. */
    public Recipe recipe() {
        requireCalibration();
        return Recipe.of(this);
    }

    /**
     * Rebuilds a session from a recipe on a freshly loaded model and compares its losses and
     * perplexities with the recipe's.
     */
    public static Replay replay(Recipe recipe, LlamaModel model) {
        return Recipe.replay(recipe, model);
    }

    /** Returns the model being quantized (changed in place by the steps). */
    public LlamaModel model() {
        return model;
    }

    /** Returns a view of the model with the original weights. */
    public LlamaModel originalModel() {
        return original;
    }

    /** Returns the calibration, or null before {@link #calibration(Calibration)}. */
    public Calibration calibration() {
        return calibration;
    }

    Calibration.Windows calibrationWindows() {
        return windows;
    }

    Map<Linear, float[]> originalWeights() {
        return originals;
    }

    Evaluations evaluations() {
        return evaluations;
    }

    List<AppliedStep> appliedSteps() {
        return steps;
    }

    private void requireCalibration() {
        if (windows == null) {
            throw new IllegalStateException("no calibration data; call calibration(Calibration.text(FILE)...) first");
        }
    }

    /** Repeats the calibration warnings on the first step, whose output a reader looks at. */
    private StepResult toStepResult(AppliedStep step, double seconds) {
        List<Diagnostic> shown = new ArrayList<>(step.index == 1 ? calibrationWarnings : List.of());
        shown.addAll(step.warnings);
        return new StepResult(step.index, step.selection, step.spec, step.rules, step.results, shown, seconds);
    }

    private TreeMap<Integer, Map<ModuleName, QuantSpec>> plan(Selection selection, QuantSpec spec, List<Rule> rules) {
        TreeMap<Integer, Map<ModuleName, QuantSpec>> plan = new TreeMap<>();
        List<ModuleRef> refs = selection.resolve(model.config().nLayers());
        for (ModuleRef ref : refs) {
            String name = ref.fullName();
            if (rules.stream().anyMatch(r -> r.isSkip() && r.matches(name))) {
                continue;
            }
            QuantSpec effective = rules.stream().filter(r -> !r.isSkip() && r.matches(name)).findFirst()
                    .map(r -> r.apply(spec)).orElse(spec);
            plan.computeIfAbsent(ref.layer(), l -> new EnumMap<>(ModuleName.class)).put(ref.module(), effective);
        }
        if (plan.isEmpty()) {
            throw new IllegalArgumentException("the rules skip every module of " + selection
                    + "; nothing would be quantized. Rules: " + rules);
        }
        return plan;
    }

    private static ModuleResult toResult(int step, io.gptq4j.engine.quant.ModuleResult r, QuantSpec spec, int dead) {
        return new ModuleResult(step, r.layer(), r.module().hfName(), spec, r.avgLoss(), r.lossSum(),
                r.relativeError(), r.dampPercentUsed(), dead, r.ntokens(), r.seconds());
    }

    /** Restores the weights a step replaced and drops the cached layer inputs they fed. */
    private void rollBack(AppliedStep step) {
        for (var e : step.previous.entrySet()) {
            e.getKey().setWeight(e.getValue());
        }
        if (!step.layersChanged.isEmpty()) {
            cache.invalidateAfter(step.layersChanged.first());
        }
    }

    /** A step that ran: what it changed, for undo and rollback, and what it produced. */
    static final class AppliedStep {
        final int index;
        final Selection selection;
        final QuantSpec spec;
        final List<Rule> rules;
        /** Module to the weight array it had before this step; first replacement only. */
        final Map<Linear, float[]> previous = new LinkedHashMap<>();
        final List<ModuleResult> results = new ArrayList<>();
        final List<Diagnostic> warnings = new ArrayList<>();
        final java.util.SortedSet<Integer> layersChanged = new java.util.TreeSet<>();

        AppliedStep(int index, Selection selection, QuantSpec spec, List<Rule> rules) {
            this.index = index;
            this.selection = selection;
            this.spec = spec;
            this.rules = rules;
        }

        void recordPrevious(int layer, Linear linear, float[] weight) {
            previous.putIfAbsent(linear, weight);
            layersChanged.add(layer);
        }

        void add(ModuleResult result) {
            results.add(result);
        }

        StepResult toStepResult(double seconds) {
            return new StepResult(index, selection, spec, rules, results, warnings, seconds);
        }
    }

    @Override
    public String toString() {
        return "Session[" + model.source() + ", " + steps.size() + " steps, calibration "
                + (calibration == null ? "not set" : calibration.toMap()) + "]";
    }
}
