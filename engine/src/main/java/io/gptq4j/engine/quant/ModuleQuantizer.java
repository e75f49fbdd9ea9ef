package io.gptq4j.engine.quant;

import io.gptq4j.engine.model.Linear;
import io.gptq4j.engine.model.ModuleName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Quantizes one module of a layer and describes what happened as a {@link ModuleResult}. */
final class ModuleQuantizer {
    private static final Logger LOG = LoggerFactory.getLogger(ModuleQuantizer.class);

    private ModuleQuantizer() {
    }

    /** The quantized tensors of one module, or null tensors when the module kept its weights. */
    record Outcome(ModuleResult result, QuantResult quantized) {
    }

    /** Runs GPTQ on the module's current weight; does not replace it. */
    static Outcome gptq(int layer, ModuleName module, Linear linear, Hessian hessian, QuantConfig config) {
        int rows = linear.outFeatures();
        int cols = linear.inFeatures();
        String name = fullName(layer, module);
        if (hessian.nsamples() == 0) {
            LOG.warn("{}: no calibration token reached this module; it keeps its original weights", name);
            ModuleResult result = new ModuleResult(layer, module, rows, cols, Double.NaN, Double.NaN, Double.NaN,
                    0, 0, Double.NaN, 0, config, ModuleResult.Outcome.NO_TOKENS);
            return new Outcome(result, null);
        }
        long start = System.nanoTime();
        QuantResult q = Gptq.quantize(name, linear.weight(), rows, cols, hessian, config);
        double seconds = (System.nanoTime() - start) / 1e9;
        ModuleResult.Outcome outcome = q.fellBackToRtn() ? ModuleResult.Outcome.RTN : ModuleResult.Outcome.GPTQ;
        ModuleResult result = new ModuleResult(layer, module, rows, cols, q.avgLoss(), q.lossSum(),
                q.relativeError(), q.nsamples(), q.ntokens(), q.dampPercentUsed(), seconds, config, outcome);
        // DEBUG because callers report each module already (the CLI's progress line and table, the DSL's progress).
        LOG.debug("{}: avg loss {}, relative error {}, damp {} in {} s", name, q.avgLoss(), q.relativeError(),
                q.dampPercentUsed(), seconds);
        return new Outcome(result, q);
    }

    /** Runs round-to-nearest on the module's current weight; does not replace it. */
    static Outcome rtn(int layer, ModuleName module, Linear linear, QuantConfig config) {
        long start = System.nanoTime();
        QuantResult q;
        try {
            q = Rtn.quantize(linear.weight(), linear.outFeatures(), linear.inFeatures(), config);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(fullName(layer, module) + ": " + e.getMessage(), e);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        ModuleResult result = new ModuleResult(layer, module, linear.outFeatures(), linear.inFeatures(), Double.NaN,
                Double.NaN, Double.NaN, 0, 0, Double.NaN, seconds, config, ModuleResult.Outcome.RTN);
        return new Outcome(result, q);
    }

    static String fullName(int layer, ModuleName module) {
        return "model.layers." + layer + "." + module.hfName();
    }
}
