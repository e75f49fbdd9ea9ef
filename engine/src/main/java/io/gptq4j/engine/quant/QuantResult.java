package io.gptq4j.engine.quant;

import java.util.List;

/**
 * The output of quantizing one weight matrix (rows = out features, cols = in features), in the
 * original column order. Arrays are row-major and owned by the result.
 *
 * @param rows                 output features
 * @param cols                 input features
 * @param config               the configuration used
 * @param qint                 integer codes in [0, 2^bits - 1], rows x cols
 * @param scale                grid scales, rows x ngroups; with act-order and no static groups the
 *                             groups are in creation (processing) order, see {@code gIdx}
 * @param zero                 grid zero points (integral), rows x ngroups
 * @param gIdx                 the scale/zero column of every input column
 * @param perm                 processing order: {@code perm[p]} is the input column quantized at
 *                             position p (the identity without act-order)
 * @param weight               dequantized weight Q = scale * (qint - zero), rows x cols
 * @param columnLoss           per input column, the sum over rows of the GPTQ loss terms
 * @param lossSum              sum of {@code (w - q)^2 / d^2 / 2} over all weights (GPTQ's error)
 * @param avgLoss              {@code lossSum / nsamples}: the "avg loss" AutoGPTQ prints
 * @param tokenLoss            the loss GPTQModel (2025 and later) prints, with H normalised by tokens
 * @param relativeError        {@code tr(dW H dW^T) / tr(W H W^T)} with the undamped Hessian
 * @param dampPercentUsed      the damping fraction that made the Hessian positive definite
 * @param lambda               the value added to the Hessian diagonal
 * @param nsamples             calibration sequences behind the Hessian
 * @param ntokens              calibration tokens behind the Hessian
 * @param deadColumns          input columns whose Hessian diagonal was 0 (their weights become 0)
 * @param fellBackToRtn        true when the Hessian could not be factored and RTN was used
 * @param hessianSeconds       accumulating H plus preparing it (dead columns, permutation)
 * @param factorizationSeconds damping and the Cholesky chain
 * @param sweepSeconds         the column sweep with its lazy block updates
 * @param metricsSeconds       computing relativeError and reordering the outputs
 */
public record QuantResult(int rows, int cols, QuantConfig config, int[] qint, float[] scale, float[] zero,
                          int[] gIdx, int[] perm, float[] weight, double[] columnLoss, double lossSum,
                          double avgLoss, double tokenLoss, double relativeError, double dampPercentUsed,
                          float lambda, int nsamples, long ntokens, List<Integer> deadColumns,
                          boolean fellBackToRtn, double hessianSeconds, double factorizationSeconds,
                          double sweepSeconds, double metricsSeconds) {

    /** Columns of {@link #scale} and {@link #zero}. */
    public int ngroups() {
        return scale.length / rows;
    }

    /** Sum of the timing parts, in seconds. */
    public double totalSeconds() {
        return hessianSeconds + factorizationSeconds + sweepSeconds + metricsSeconds;
    }
}
