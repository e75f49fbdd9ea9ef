package io.gptq4j.engine.forward;

import io.gptq4j.engine.model.Linear;
import io.gptq4j.engine.model.LlamaConfig;
import io.gptq4j.engine.model.LlamaLayer;
import io.gptq4j.engine.model.LlamaModel;
import io.gptq4j.engine.model.ModuleName;
import io.gptq4j.engine.model.RopeLayout;

/**
 * A deliberately plain float64 LLaMA forward pass, one token and one head at a time, written
 * straight from the textbook formulas to check the batched float32 implementation against.
 */
final class ReferenceForward {
    private ReferenceForward() {
    }

    static double[][] logits(LlamaModel model, int[] tokens) {
        LlamaConfig c = model.config();
        int n = tokens.length;
        double[][] x = new double[n][];
        for (int t = 0; t < n; t++) {
            x[t] = new double[c.dim()];
            for (int i = 0; i < c.dim(); i++) {
                x[t][i] = model.tokenEmbedding()[tokens[t] * c.dim() + i];
            }
        }
        for (LlamaLayer layer : model.layers()) {
            x = layer(c, layer, x);
        }
        double[][] logits = new double[n][];
        for (int t = 0; t < n; t++) {
            logits[t] = apply(model.output(), rmsNorm(x[t], model.outputNorm(), c.normEps()));
        }
        return logits;
    }

    private static double[][] layer(LlamaConfig c, LlamaLayer layer, double[][] x) {
        int n = x.length;
        int hd = c.headDim();
        double[][] q = new double[n][];
        double[][] k = new double[n][];
        double[][] v = new double[n][];
        for (int t = 0; t < n; t++) {
            double[] a = rmsNorm(x[t], layer.attnNorm(), c.normEps());
            q[t] = apply(layer.module(ModuleName.Q_PROJ), a);
            k[t] = apply(layer.module(ModuleName.K_PROJ), a);
            v[t] = apply(layer.module(ModuleName.V_PROJ), a);
            for (int h = 0; h < c.nHeads(); h++) {
                rotate(q[t], h * hd, hd, t, c.ropeTheta(), c.ropeLayout());
            }
            for (int h = 0; h < c.nKvHeads(); h++) {
                rotate(k[t], h * hd, hd, t, c.ropeTheta(), c.ropeLayout());
            }
        }
        int group = c.nHeads() / c.nKvHeads();
        double[][] out = new double[n][];
        for (int t = 0; t < n; t++) {
            double[] concat = new double[c.qDim()];
            for (int h = 0; h < c.nHeads(); h++) {
                int kvh = h / group;
                double[] w = new double[t + 1];
                double total = 0;
                for (int s = 0; s <= t; s++) {
                    double dot = 0;
                    for (int d = 0; d < hd; d++) {
                        dot += q[t][h * hd + d] * k[s][kvh * hd + d];
                    }
                    w[s] = Math.exp(dot / Math.sqrt(hd));
                    total += w[s];
                }
                for (int s = 0; s <= t; s++) {
                    for (int d = 0; d < hd; d++) {
                        concat[h * hd + d] += w[s] / total * v[s][kvh * hd + d];
                    }
                }
            }
            double[] h1 = add(x[t], apply(layer.module(ModuleName.O_PROJ), concat));
            double[] f = rmsNorm(h1, layer.ffnNorm(), c.normEps());
            double[] gate = apply(layer.module(ModuleName.GATE_PROJ), f);
            double[] up = apply(layer.module(ModuleName.UP_PROJ), f);
            double[] hidden = new double[gate.length];
            for (int i = 0; i < gate.length; i++) {
                hidden[i] = gate[i] / (1 + Math.exp(-gate[i])) * up[i];
            }
            out[t] = add(h1, apply(layer.module(ModuleName.DOWN_PROJ), hidden));
        }
        return out;
    }

    private static void rotate(double[] vec, int offset, int hd, int pos, double theta, RopeLayout layout) {
        for (int i = 0; i < hd / 2; i++) {
            int a = layout == RopeLayout.INTERLEAVED ? offset + 2 * i : offset + i;
            int b = layout == RopeLayout.INTERLEAVED ? a + 1 : a + hd / 2;
            double angle = pos / Math.pow(theta, 2.0 * i / hd);
            double x0 = vec[a];
            double x1 = vec[b];
            vec[a] = x0 * Math.cos(angle) - x1 * Math.sin(angle);
            vec[b] = x0 * Math.sin(angle) + x1 * Math.cos(angle);
        }
    }

    static double[] rmsNorm(double[] x, float[] gain, double eps) {
        double ms = 0;
        for (double v : x) {
            ms += v * v;
        }
        double scale = 1 / Math.sqrt(ms / x.length + eps);
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] * scale * gain[i];
        }
        return out;
    }

    static double[] apply(Linear linear, double[] x) {
        double[] y = new double[linear.outFeatures()];
        float[] w = linear.weight();
        for (int j = 0; j < y.length; j++) {
            double s = linear.bias() == null ? 0 : linear.bias()[j];
            for (int i = 0; i < x.length; i++) {
                s += w[j * x.length + i] * x[i];
            }
            y[j] = s;
        }
        return y;
    }

    private static double[] add(double[] a, double[] b) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] + b[i];
        }
        return out;
    }
}
