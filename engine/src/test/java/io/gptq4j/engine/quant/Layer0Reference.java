package io.gptq4j.engine.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.gptq4j.engine.SharedData;
import io.gptq4j.engine.io.SafeTensors;
import io.gptq4j.engine.model.ModuleName;
import java.io.IOException;
import java.util.Map;

/**
 * Checks the layer-0 modules of a model run against the reference tensors: exact g_idx and perm,
 * exact codes before each row's first near tie (row_exact_until, in processing positions), exact
 * zeros and scales within 5e-5 for groups that start before it, and the avg loss within 1e-4 when
 * all codes match (5e-2 otherwise, because one flipped code changes the rest of its row).
 */
final class Layer0Reference {
    private final SafeTensors tensors;
    private final ModelFixture fixture;

    Layer0Reference(ModelFixture fixture) throws IOException {
        this.fixture = fixture;
        this.tensors = SafeTensors.open(SharedData.fixture("model").resolve(fixture.name() + ".safetensors"));
    }

    float[] hessian(String input) throws IOException {
        return tensors.floats("layer0_H_" + input + "_input");
    }

    /** Asserts {@code max |ΔH| <= 1e-5 · max |H|}. */
    static void assertHessianClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": size");
        double maxAbs = 0;
        double maxDiff = 0;
        for (int i = 0; i < expected.length; i++) {
            maxAbs = Math.max(maxAbs, Math.abs(expected[i]));
            maxDiff = Math.max(maxDiff, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(maxDiff <= 1e-5 * maxAbs, what + ": max |dH| " + maxDiff + " exceeds 1e-5 * max |H| = " + maxAbs);
    }

    /** Checks every layer-0 module; returns the number of codes that differ (also after the near ties). */
    int checkModules(Map<ModuleName, QuantResult> results) throws IOException {
        int differing = 0;
        for (JsonNode row : fixture.modules()) {
            if (row.get("layer").asInt() != 0) {
                continue;
            }
            ModuleName module = ModuleName.parse(row.get("module").asText());
            QuantResult r = results.get(module);
            differing += checkModule(module, r, row.get("avg_loss").asDouble());
        }
        return differing;
    }

    private int checkModule(ModuleName module, QuantResult r, double expectedAvgLoss) throws IOException {
        String prefix = "layer0_" + module.hfName().substring(module.hfName().indexOf('.') + 1) + "_";
        String name = fixture.name() + " layer 0 " + module;
        int rows = r.rows();
        int cols = r.cols();
        int[] qint = tensors.ints(prefix + "qint");
        float[] scale = tensors.floats(prefix + "scale");
        float[] zero = tensors.floats(prefix + "zero");
        int[] exactUntil = tensors.ints(prefix + "row_exact_until");
        int[] perm = tensors.contains(prefix + "perm") ? tensors.ints(prefix + "perm") : identity(cols);
        assertArrayEquals(tensors.ints(prefix + "g_idx"), r.gIdx(), name + ": g_idx");
        assertArrayEquals(perm, r.perm(), name + ": perm");
        int ngroups = scale.length / rows;
        assertEquals(ngroups, r.ngroups(), name + ": groups");
        int groupSize = r.config().groupSize();

        int[] position = new int[cols];
        for (int p = 0; p < cols; p++) {
            position[perm[p]] = p;
        }
        int differing = 0;
        for (int row = 0; row < rows; row++) {
            for (int k = 0; k < cols; k++) {
                int i = row * cols + k;
                if (qint[i] != r.qint()[i]) {
                    differing++;
                    assertTrue(position[k] >= exactUntil[row], name + ": code at row " + row + ", column " + k
                            + " is " + r.qint()[i] + ", expected " + qint[i] + " (position " + position[k]
                            + " precedes the row's first near tie at " + exactUntil[row] + ")");
                }
            }
            for (int g = 0; g < ngroups; g++) {
                int groupStart = groupSize == -1 ? 0 : g * groupSize;
                if (groupStart < exactUntil[row]) {
                    int i = row * ngroups + g;
                    assertEquals(zero[i], r.zero()[i], name + ": zero at row " + row + ", group " + g);
                    assertEquals(scale[i], r.scale()[i], 5e-5 * Math.abs(scale[i]),
                            name + ": scale at row " + row + ", group " + g);
                }
            }
        }
        double tolerance = differing == 0 ? 1e-4 : 5e-2;
        assertEquals(expectedAvgLoss, r.avgLoss(), tolerance * expectedAvgLoss, name + ": avg loss ("
                + differing + " codes differ)");
        return differing;
    }

    private static int[] identity(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        return p;
    }
}
