package io.gptq4j.engine.quant;

import io.gptq4j.engine.forward.LayerStages;
import io.gptq4j.engine.forward.LlamaForward;
import io.gptq4j.engine.model.LlamaLayer;
import io.gptq4j.engine.model.LlamaModel;
import io.gptq4j.engine.model.ModuleName;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntConsumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AutoGPTQ's model-level loop for LLaMA with {@code true_sequential}: layer by layer, subset by
 * subset in {@link ModuleName#trueSequentialOrder()}, the layer runs on every calibration window
 * with its current weights, the common input of the subset's modules builds one Hessian, GPTQ
 * quantizes each module of the subset in order and its weight is replaced by the dequantized Q in
 * float32. After the layer, the quantized layer is replayed on every window to produce the next
 * layer's inputs.
 *
 * <p>The model is changed in place. A layer is all-or-nothing: when quantizing it fails or the
 * thread is interrupted, every module of that layer gets its original weight array back before the
 * exception leaves, so the layers before it are quantized and the rest are original. Peak memory is
 * the model plus two sets of one layer's activations (its inputs and its replayed outputs) and the
 * quantized tensors of the current layer.
 *
 * <p>Callers run the whole loop with {@link #run}, or drive it layer by layer with {@link #embed},
 * {@link #forwardLayer} and {@link #quantizeLayer}, keeping the {@link LayerInputs} to resume.
 */
public final class SequentialQuantizer {
    private static final Logger LOG = LoggerFactory.getLogger(SequentialQuantizer.class);

    private final LlamaModel model;
    private final SequentialOptions options;
    private final int lastLayer;
    private final int total;
    private int finished;

    public SequentialQuantizer(LlamaModel model, SequentialOptions options) {
        this.model = Objects.requireNonNull(model, "model");
        this.options = Objects.requireNonNull(options, "options");
        this.lastLayer = options.lastLayer(model.config().nLayers());
        this.total = countModules();
    }

    /**
     * Quantizes the selected layers. GPTQ needs calibration windows; RTN ignores them (pass null).
     *
     * @throws QuantizationInterruptedException when the thread is interrupted; see the class notes
     */
    public QuantizationRun run(CalibrationWindows calibration) {
        long start = System.nanoTime();
        List<ModuleResult> results = new ArrayList<>();
        try {
            if (options.method() == SequentialOptions.Method.RTN) {
                for (int layer = options.firstLayer(); layer <= lastLayer; layer++) {
                    results.addAll(quantizeLayerRtn(layer));
                }
                return new QuantizationRun(results, null, seconds(start));
            }
            Objects.requireNonNull(calibration, "GPTQ needs calibration windows");
            LayerInputs inputs = embed(calibration);
            while (inputs.layer() < options.firstLayer()) {
                inputs = forwardLayer(inputs);
            }
            for (int layer = options.firstLayer(); layer <= lastLayer; layer++) {
                LayerStep step = quantizeLayer(inputs);
                results.addAll(step.modules());
                inputs = step.next();
            }
            LOG.info("quantized {} modules of layers {}-{} in {} s", results.size(), options.firstLayer(), lastLayer,
                    seconds(start));
            return new QuantizationRun(results, inputs, seconds(start));
        } catch (QuantizationInterruptedException e) {
            throw new QuantizationInterruptedException(e.layer(), results);
        }
    }

    /** Returns the embeddings of every window: the inputs of layer 0. */
    public LayerInputs embed(CalibrationWindows calibration) {
        float[][] hidden = new float[calibration.nsamples()][];
        for (int s = 0; s < hidden.length; s++) {
            hidden[s] = LlamaForward.embed(model, calibration.window(s));
        }
        return new LayerInputs(0, calibration.seqlen(), model.config().dim(), hidden);
    }

    /** Runs layer {@code inputs.layer()} as it is now on every window and returns the next layer's inputs. */
    public LayerInputs forwardLayer(LayerInputs inputs) {
        int layer = inputs.layer();
        checkLayer(layer);
        float[][] next = new float[inputs.nsamples()][];
        forEachWindow(layer, next.length,
                s -> next[s] = LlamaForward.layer(model, layer, inputs.window(s), inputs.seqlen(), null));
        return new LayerInputs(layer + 1, inputs.seqlen(), inputs.dim(), next);
    }

    /**
     * Quantizes layer {@code inputs.layer()} with GPTQ and returns its module results and the next
     * layer's inputs.
     *
     * @throws QuantizationInterruptedException when interrupted; the layer has its original weights
     */
    public LayerStep quantizeLayer(LayerInputs inputs) {
        int layer = inputs.layer();
        checkLayer(layer);
        LayerTransaction tx = new LayerTransaction(model.layers().get(layer));
        try {
            Map<ModuleName, QuantConfig> configs = selectedConfigs(layer);
            LayerStages[] stages = new LayerStages[inputs.nsamples()];
            for (int s = 0; s < stages.length; s++) {
                stages[s] = new LayerStages(model, layer, inputs.window(s), inputs.seqlen());
            }
            List<List<ModuleName>> order = ModuleName.trueSequentialOrder();
            for (int stage = 0; stage < order.size(); stage++) {
                List<ModuleName> selected = order.get(stage).stream().filter(configs::containsKey).toList();
                Hessian hessian = collectHessian(stages, stage, inputs, order.get(stage), !selected.isEmpty());
                for (ModuleName module : selected) {
                    checkInterrupt(layer);
                    tx.apply(module, ModuleQuantizer.gptq(layer, module, tx.linear(module), hessian,
                            configs.get(module)));
                    reportProgress(tx);
                }
            }
            float[][] next = new float[stages.length][];
            forEachWindow(layer, stages.length, s -> next[s] = stages[s].output());
            commit(tx);
            return new LayerStep(layer, tx.results(), new LayerInputs(layer + 1, inputs.seqlen(), inputs.dim(), next));
        } catch (RuntimeException | Error e) {
            rollback(tx);
            throw e;
        }
    }

    /**
     * Quantizes one layer with round-to-nearest; needs no calibration.
     *
     * @throws QuantizationInterruptedException when interrupted; the layer has its original weights
     */
    public List<ModuleResult> quantizeLayerRtn(int layer) {
        checkLayer(layer);
        LayerTransaction tx = new LayerTransaction(model.layers().get(layer));
        try {
            Map<ModuleName, QuantConfig> configs = selectedConfigs(layer);
            for (Map.Entry<ModuleName, QuantConfig> e : configs.entrySet()) {
                checkInterrupt(layer);
                tx.apply(e.getKey(), ModuleQuantizer.rtn(layer, e.getKey(), tx.linear(e.getKey()), e.getValue()));
                reportProgress(tx);
            }
            commit(tx);
            return tx.results();
        } catch (RuntimeException | Error e) {
            rollback(tx);
            throw e;
        }
    }

    /** Number of modules the configured run quantizes, skipped ones excluded. */
    public int countModules() {
        int n = 0;
        for (int layer = options.firstLayer(); layer <= lastLayer; layer++) {
            for (ModuleName module : ModuleName.values()) {
                if (options.configs().configFor(layer, module) != null) {
                    n++;
                }
            }
        }
        return n;
    }

    /**
     * Runs one stage of the layer on every window with the current weights, so that its output is
     * the common input of the subset's modules, and accumulates that input into one Hessian.
     * Windows run in parallel; the Hessian adds them in window order, so the result does not
     * depend on scheduling. Returns null without accumulating when no module of the subset is
     * selected.
     */
    private Hessian collectHessian(LayerStages[] stages, int stage, LayerInputs inputs, List<ModuleName> subset,
                                   boolean accumulate) {
        int layer = inputs.layer();
        float[][] stageInputs = new float[stages.length][];
        forEachWindow(layer, stages.length, s -> stageInputs[s] = switch (stage) {
            case 0 -> stages[s].attentionInput();
            case 1 -> stages[s].attentionOutput();
            case 2 -> stages[s].mlpInput();
            default -> stages[s].downInput();
        });
        if (!accumulate) {
            return null;
        }
        int cols = model.layers().get(layer).module(subset.get(0)).inFeatures();
        Hessian hessian = new Hessian(hessianLabel(layer, subset), cols);
        for (float[] input : stageInputs) {
            hessian.add(input, inputs.seqlen());
        }
        return hessian;
    }

    private static String hessianLabel(int layer, List<ModuleName> subset) {
        return "layer " + layer + " input of " + subset.stream().map(ModuleName::hfName).collect(Collectors.joining(", "));
    }

    /** Returns the configured modules of a layer in true-sequential order. */
    private Map<ModuleName, QuantConfig> selectedConfigs(int layer) {
        Map<ModuleName, QuantConfig> configs = new LinkedHashMap<>();
        for (List<ModuleName> subset : ModuleName.trueSequentialOrder()) {
            for (ModuleName module : subset) {
                QuantConfig config = options.configs().configFor(layer, module);
                if (config == null) {
                    LOG.info("{}: skipped by configuration", ModuleQuantizer.fullName(layer, module));
                } else {
                    configs.put(module, config);
                }
            }
        }
        return configs;
    }

    private void reportProgress(LayerTransaction tx) {
        List<ModuleResult> done = tx.results();
        options.progress().onModule(done.get(done.size() - 1), finished + done.size(), total);
    }

    private void commit(LayerTransaction tx) {
        finished += tx.results().size();
        options.layerListener().onLayerQuantized(tx.layer(), tx.results(), tx.quantized());
    }

    private static void rollback(LayerTransaction tx) {
        tx.restore();
        LOG.warn("layer {}: quantization stopped; all its modules have their original weights back", tx.layer());
    }

    private void checkLayer(int layer) {
        int n = model.config().nLayers();
        if (layer < 0 || layer >= n) {
            throw new IllegalArgumentException("layer " + layer + " does not exist; the model has " + n + " layers");
        }
    }

    /**
     * Runs {@code body} for every window index in parallel; windows not yet started are skipped
     * once the calling thread is interrupted, and the interrupt is then raised on the caller.
     */
    private static void forEachWindow(int layer, int windows, IntConsumer body) {
        Thread caller = Thread.currentThread();
        IntStream.range(0, windows).parallel().forEach(s -> {
            if (!caller.isInterrupted()) {
                body.accept(s);
            }
        });
        checkInterrupt(layer);
    }

    /** Throws when the thread was interrupted; the interrupt flag stays set for the caller. */
    private static void checkInterrupt(int layer) {
        if (Thread.currentThread().isInterrupted()) {
            throw new QuantizationInterruptedException(layer, List.of());
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
