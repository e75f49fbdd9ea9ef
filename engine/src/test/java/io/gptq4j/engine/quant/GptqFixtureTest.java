package io.gptq4j.engine.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Single-layer GPTQ against reference results computed with AutoGPTQ's fasterquant semantics in
 * float32. Codes must match exactly up to each row's first near-tie decision
 * ({@code row_exact_until}); after it float noise may legitimately flip a rounding.
 */
class GptqFixtureTest {

    static String[] cases() {
        return LayerFixture.CASES;
    }

    @ParameterizedTest
    @MethodSource("cases")
    void hessianFromInputsMatches(String name) throws IOException {
        LayerFixture f = LayerFixture.load(name);
        Hessian own = f.ownHessian();
        assertEquals(f.nsamples(), own.nsamples());
        assertEquals(f.ntokens(), own.ntokens());
        float[] h = own.matrix();
        double maxAbs = 0;
        double maxDiff = 0;
        for (int i = 0; i < h.length; i++) {
            maxAbs = Math.max(maxAbs, Math.abs(f.h()[i]));
            maxDiff = Math.max(maxDiff, Math.abs(h[i] - f.h()[i]));
        }
        assertTrue(maxDiff <= 1e-5 * maxAbs, name + ": max |dH| " + maxDiff + " vs max |H| " + maxAbs);
        List<Integer> expectedDead = new ArrayList<>();
        f.json().get("hessian").get("dead_columns").forEach(n -> expectedDead.add(n.asInt()));
        assertEquals(expectedDead, own.deadColumns());
    }

    @ParameterizedTest
    @MethodSource("cases")
    void quantizeFromFixtureHessian(String name) throws IOException {
        LayerFixture f = LayerFixture.load(name);
        QuantResult r = Gptq.quantize(f.w(), f.rows(), f.cols(), f.fixtureHessian(), f.config());
        checkAgainstFixture(f, r);
        checkLossIdentity(f, r);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void quantizeFromOwnHessian(String name) throws IOException {
        LayerFixture f = LayerFixture.load(name);
        QuantResult r = Gptq.quantize(f.w(), f.rows(), f.cols(), f.ownHessian(), f.config());
        checkAgainstFixture(f, r);
        checkLossIdentity(f, r);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void fastFactorizationMatchesBeforeNearTies(String name) throws IOException {
        LayerFixture f = LayerFixture.load(name);
        QuantConfig fast = f.config().toBuilder().factorization(Factorization.FAST).build();
        QuantResult r = Gptq.quantize(f.w(), f.rows(), f.cols(), f.fixtureHessian(), fast);
        checkAgainstFixture(f, r);
        int differing = 0;
        for (int i = 0; i < r.qint().length; i++) {
            if (r.qint()[i] != f.qint()[i]) {
                differing++;
            }
        }
        // The alternative float32 implementations of the reference differed in at most 0.6 % of codes.
        assertTrue(differing <= 0.006 * r.qint().length, name + ": " + differing + " codes differ");
    }

    /**
     * Checks the reference rules: exact perm and g_idx, and exact codes and zeros before each
     * row's first near-tie decision, with losses within 2e-5 (all codes equal) or 2e-3.
     */
    static void checkAgainstFixture(LayerFixture f, QuantResult r) {
        String name = f.name();
        int rows = f.rows();
        int cols = f.cols();
        checkPerm(f, r);
        assertArrayEquals(f.gIdx(), r.gIdx(), name + ": g_idx");
        int ngroups = f.scale().length / rows;
        assertEquals(ngroups, r.ngroups(), name + ": ngroups");
        int[] position = new int[cols];
        for (int p = 0; p < cols; p++) {
            position[f.perm()[p]] = p;
        }
        int[] groupStart = groupStartPositions(f, r.config(), position, ngroups);
        boolean allCodesEqual = true;
        for (int row = 0; row < rows; row++) {
            int exactUntil = f.rowExactUntil()[row];
            for (int k = 0; k < cols; k++) {
                int i = row * cols + k;
                boolean same = f.qint()[i] == r.qint()[i];
                allCodesEqual &= same;
                if (position[k] < exactUntil) {
                    assertEquals(f.qint()[i], r.qint()[i], name + ": qint at row " + row + ", column " + k
                            + " (position " + position[k] + " < row_exact_until " + exactUntil + ")");
                }
                if (same && groupStart[r.gIdx()[k]] < exactUntil) {
                    assertEquals(f.q()[i], r.weight()[i], 5e-5 * Math.abs(f.q()[i]),
                            name + ": Q at row " + row + ", column " + k);
                }
            }
            for (int g = 0; g < ngroups; g++) {
                if (groupStart[g] < exactUntil) {
                    int i = row * ngroups + g;
                    assertEquals(f.zero()[i], r.zero()[i], name + ": zero at row " + row + ", group " + g);
                    assertEquals(f.scale()[i], r.scale()[i], 5e-5 * Math.abs(f.scale()[i]),
                            name + ": scale at row " + row + ", group " + g);
                }
            }
        }
        double tolerance = allCodesEqual ? 2e-5 : 2e-3;
        double lossSum = f.expected("loss_sum");
        assertEquals(lossSum, r.lossSum(), tolerance * lossSum, name + ": loss_sum");
        double avg = f.expected("autogptq_avg_loss");
        assertEquals(avg, r.avgLoss(), tolerance * avg, name + ": avg loss");
        double token = f.expected("gptqmodel_token_loss");
        assertEquals(token, r.tokenLoss(), tolerance * token, name + ": GPTQModel token loss");
        assertEquals(f.expected("damp_percent_used"), r.dampPercentUsed(), 1e-12, name + ": damp");
        double lambda = f.expected("lambda_added_to_diag");
        assertEquals(lambda, r.lambda(), 1e-5 * lambda, name + ": lambda");
    }

    /**
     * Exact perm, except that dead columns (all with diag 1) may come in any order among
     * themselves; they stay adjacent.
     */
    private static void checkPerm(LayerFixture f, QuantResult r) {
        java.util.Set<Integer> dead = new java.util.HashSet<>(r.deadColumns());
        for (int p = 0; p < f.cols(); p++) {
            int expected = f.perm()[p];
            if (dead.contains(expected)) {
                assertTrue(dead.contains(r.perm()[p]), f.name() + ": perm position " + p + " should hold a dead column");
            } else {
                assertEquals(expected, r.perm()[p], f.name() + ": perm at position " + p);
            }
        }
    }

    /** First processing position of every scale/zero column. */
    private static int[] groupStartPositions(LayerFixture f, QuantConfig config, int[] position, int ngroups) {
        int[] start = new int[ngroups];
        int g = config.groupSize();
        if (g == -1) {
            return start;
        }
        if (!config.staticGroups()) {
            for (int i = 0; i < ngroups; i++) {
                start[i] = i * g;
            }
            return start;
        }
        java.util.Arrays.fill(start, Integer.MAX_VALUE);
        for (int k = 0; k < f.cols(); k++) {
            start[k / g] = Math.min(start[k / g], position[k]);
        }
        return start;
    }

    /**
     * {@code lossSum = tr((W0 - Q) H_d (W0 - Q)^T) / 2}, computed here in float64 from the fixture's
     * H (dead columns fixed) and the result's lambda; also the relative error
     * {@code tr(dW H dW^T) / tr(W0 H W0^T)} with the undamped H.
     */
    static void checkLossIdentity(LayerFixture f, QuantResult r) {
        int rows = f.rows();
        int cols = f.cols();
        double[] hd = new double[cols * cols];
        for (int i = 0; i < hd.length; i++) {
            hd[i] = f.h()[i];
        }
        for (int k : r.deadColumns()) {
            hd[k * cols + k] = 1;
        }
        for (int k = 0; k < cols; k++) {
            hd[k * cols + k] += r.lambda();
        }
        double trace = 0;
        double deltaNorm = 0;
        double weightTrace = 0;
        double weightNorm = 0;
        double[] delta = new double[cols];
        double[] weight = new double[cols];
        for (int row = 0; row < rows; row++) {
            for (int k = 0; k < cols; k++) {
                weight[k] = r.deadColumns().contains(k) ? 0 : f.w()[row * cols + k];
                delta[k] = weight[k] - r.weight()[row * cols + k];
                deltaNorm += delta[k] * delta[k];
                weightNorm += weight[k] * weight[k];
            }
            for (int i = 0; i < cols; i++) {
                double s = 0;
                double t = 0;
                for (int j = 0; j < cols; j++) {
                    s += hd[i * cols + j] * delta[j];
                    t += hd[i * cols + j] * weight[j];
                }
                trace += delta[i] * s;
                weightTrace += weight[i] * t;
            }
        }
        assertEquals(trace / 2, r.lossSum(), 1e-5 * trace / 2, f.name() + ": loss identity");

        // relativeError uses the undamped H: x H_d x^T - lambda ||x||^2 = x H x^T for each row x.
        double lambda = r.lambda();
        double expectedRelative = (trace - lambda * deltaNorm) / (weightTrace - lambda * weightNorm);
        assertEquals(expectedRelative, r.relativeError(), 1e-4 * expectedRelative, f.name() + ": relative error");
    }
}
