package io.gptq4j.dsl.diagnostics;

import io.gptq4j.dsl.ModuleResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The checks a session runs as steps happen. Each returns the warnings it found, empty when all
 * is well; the session logs them through SLF4J and shows them with the step's result.
 *
 * <p>Codes: {@code CALIBRATION_MISMATCH} (the unquantized model predicts the calibration text
 * badly: wrong text or tokenizer), {@code EARLY_LAYER_ERROR} (a layer 0-2 module's
 * bit-normalised relative error is far above normal), {@code NON_FINITE} (NaN or infinite loss or
 * weights), {@code FEW_TOKENS} (fewer calibration tokens than input columns, so the Hessian is
 * singular), {@code DEAD_COLUMNS} (inputs the calibration never activates), {@code EVAL_OVERLAP}
 * (evaluation text shares token windows with the calibration text), {@code IMPLAUSIBLE_PPL}
 * (base-model perplexity above any plausible value for the data), {@code MOE_ROUTER} (a
 * mixture-of-experts router quantized).
 */
public final class Diagnostics {

    /**
     * Default bound of {@code EARLY_LAYER_ERROR} on the normalised relative error
     * {@code relativeError * 4^bits}. The relative error tr(dW H dW^T) / tr(W H W^T) does not
     * depend on the scale of weights or activations, unlike AutoGPTQ's avg loss (stories260K's normal
     * layer-0 avg losses reach 20). Rounding noise makes it fall by about 4x per extra bit. On
     * stories260K (32 windows of 256 tokens, layers 0-2) the normalised value stays between 0.12 and
     * 3.9 for 2-bit g32, 3-bit per-row act-order, 4-bit g32 and 8-bit per-row, so 8 leaves a 2x margin.
     * NOTE: shuffled calibration tokens change it by under 3% on that model, so this rule catches
     * a failed solve, not wrong data; {@code CALIBRATION_MISMATCH} catches wrong data.
     */
    public static final double DEFAULT_EARLY_LAYER_NORMALIZED_ERROR = 8.0;

    /**
     * Exponent of the {@code CALIBRATION_MISMATCH} bound {@code vocabSize^exponent} on the
     * unquantized model's perplexity over the calibration windows. Measured on stories260K
     * (vocabulary 512, bound 22.6): TinyStories calibration text gives 6.66, the same tokens shuffled
     * give 14188, worse than uniform guessing.
     */
    public static final double CALIBRATION_PPL_EXPONENT = 0.5;

    /** Layers the early-layer rule watches. */
    public static final int EARLY_LAYERS = 3;

    /** Perplexity above which a base model is taken to be evaluated on the wrong data. */
    public static final double MAX_PLAUSIBLE_PPL = 1000;

    /** Fraction of shared evaluation n-grams above which calibration and evaluation texts overlap. */
    public static final double OVERLAP_FRACTION = 0.5;

    private static final Pattern MOE_ROUTER = Pattern.compile("router|gate$");

    private Diagnostics() {
    }

    /**
     * Checks one quantized module.
     *
     * @param columns              input features of the module
     * @param earlyLayerBound      bound of the early-layer rule on {@code relativeError * 4^bits},
     *                             e.g. {@link #DEFAULT_EARLY_LAYER_NORMALIZED_ERROR}
     */
    public static List<Diagnostic> checkModule(ModuleResult r, int columns, double earlyLayerBound) {
        List<Diagnostic> found = new ArrayList<>();
        String subject = r.fullName();
        if (!Double.isFinite(r.avgLoss()) || !Double.isFinite(r.relativeError())) {
            found.add(new Diagnostic("NON_FINITE", subject, "the GPTQ loss is " + r.avgLoss()
                    + "; the weights or calibration activations contain NaN or infinite values"));
        } else if (r.layer() < EARLY_LAYERS && normalizedError(r) > earlyLayerBound) {
            found.add(new Diagnostic("EARLY_LAYER_ERROR", subject, String.format(Locale.ROOT,
                    "relative error %.4g at %d bits (%.4g after multiplying by 4^bits) in layer %d exceeds %.4g;"
                            + " early layers normally quantize easily, so check the calibration activations and"
                            + " the damping (dampPercent)", r.relativeError(), r.spec().bits(), normalizedError(r),
                    r.layer(), earlyLayerBound)));
        }
        if (r.calibrationTokens() < columns) {
            found.add(new Diagnostic("FEW_TOKENS", subject, "the Hessian was built from " + r.calibrationTokens()
                    + " calibration tokens, fewer than the module's " + columns
                    + " input columns, so it is singular and the damping dominates; use more samples or a longer seqLen"));
        }
        if (r.deadColumns() > 0) {
            found.add(new Diagnostic("DEAD_COLUMNS", subject, r.deadColumns() + " of " + columns
                    + " input columns were zero for every calibration token; their weights were set to 0."
                    + " Use more or more varied calibration text"));
        }
        return found;
    }

    /** Returns {@code relativeError * 4^bits}, which is about the same for every bit width. */
    public static double normalizedError(ModuleResult r) {
        return r.relativeError() * Math.pow(4, r.spec().bits());
    }

    /**
     * Checks the unquantized model's perplexity on the calibration windows. Above
     * {@code vocabSize^}{@link #CALIBRATION_PPL_EXPONENT} the model cannot predict the text, so
     * the text does not suit the model, is scrambled, or the tokenizer is wrong. GPTQ then fits
     * activations unlike those the model meets in use.
     */
    public static List<Diagnostic> checkCalibration(double perplexity, int vocabSize, String file) {
        double bound = Math.pow(vocabSize, CALIBRATION_PPL_EXPONENT);
        if (perplexity > bound || !Double.isFinite(perplexity)) {
            return List.of(new Diagnostic("CALIBRATION_MISMATCH", "calibration " + file, String.format(Locale.ROOT,
                    "the unquantized model's perplexity on the calibration windows is %.4g, above %.4g (vocabulary"
                            + " size %d to the power %.1f); the calibration text or the tokenizer is probably wrong"
                            + " for this model", perplexity, bound, vocabSize, CALIBRATION_PPL_EXPONENT)));
        }
        return List.of();
    }

    /** Checks quantized weights for NaN or infinite values. */
    public static List<Diagnostic> checkWeights(String fullName, float[] weights) {
        for (float w : weights) {
            if (!Float.isFinite(w)) {
                return List.of(new Diagnostic("NON_FINITE", fullName, "the quantized weights contain " + w
                        + "; check the model file and the calibration activations"));
            }
        }
        return List.of();
    }

    /**
     * Checks the base model's perplexity. A model that predicts worse than uniform over its
     * vocabulary (perplexity above the vocabulary size), or above {@link #MAX_PLAUSIBLE_PPL}, is
     * almost certainly run on text it was not trained for or with the wrong tokenizer.
     */
    public static List<Diagnostic> checkBasePerplexity(double perplexity, int vocabSize, String evalFile) {
        double bound = Math.min(MAX_PLAUSIBLE_PPL, vocabSize);
        if (perplexity > bound || !Double.isFinite(perplexity)) {
            return List.of(new Diagnostic("IMPLAUSIBLE_PPL", "eval " + evalFile, String.format(Locale.ROOT,
                    "the unquantized model's perplexity is %.4g, above %.4g (min of 1000 and the vocabulary size);"
                            + " the evaluation text does not suit this model or the tokenizer is wrong", perplexity, bound)));
        }
        return List.of();
    }

    /**
     * Checks whether the evaluation tokens repeat calibration windows, which makes a quantized
     * model look better than it is. Both sides are cut into {@link NgramOverlap#N}-token n-grams.
     */
    public static List<Diagnostic> checkOverlap(int[][] calibrationWindows, int[] evalTokens, String evalFile) {
        double fraction = NgramOverlap.fractionShared(calibrationWindows, evalTokens);
        if (fraction > OVERLAP_FRACTION) {
            return List.of(new Diagnostic("EVAL_OVERLAP", "eval " + evalFile, String.format(Locale.ROOT,
                    "%.1f%% of the evaluation text's %d-token n-grams also occur in the calibration windows; evaluate"
                            + " on text the calibration did not see", 100 * fraction, NgramOverlap.N)));
        }
        return List.of();
    }

    /**
     * Checks whether a module about to be quantized is a mixture-of-experts router, whose
     * quantization error changes which experts run. Only MoE models have routers: in a dense LLaMA,
     * {@code mlp.gate_proj} is the SwiGLU gate, not a router.
     */
    public static List<Diagnostic> checkRouter(String fullName, boolean moeModel) {
        if (moeModel && MOE_ROUTER.matcher(fullName).find()) {
            return List.of(new Diagnostic("MOE_ROUTER", fullName, "this looks like a mixture-of-experts router;"
                    + " quantizing it changes expert selection. Skip it with Rule.skip(\"router|gate$\")"));
        }
        return List.of();
    }
}
