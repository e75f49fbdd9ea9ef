package io.gptq4j.engine.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Configurations the reference cases do not cover: groups larger than a block, groups that do
 * not divide a block, small blocks, static groups without act-order and TOKENS normalisation.
 * They are checked on a reference layer's data through invariants that hold for any correct
 * GPTQ: the loss identity, codes in range, and Q reproduced from qint, scale, zero and g_idx.
 */
class GptqInvariantTest {

    static Stream<QuantConfig> configs() {
        return Stream.of(
                QuantConfig.bits(4).groupSize(256).build(),
                QuantConfig.bits(4).groupSize(96).asym().descAct().build(),
                QuantConfig.bits(3).groupSize(-1).blockSize(32).build(),
                QuantConfig.bits(4).groupSize(64).asym().staticGroups().build(),
                QuantConfig.bits(2).groupSize(48).asym().mse().descAct().factorization(Factorization.AUTOGPTQ).build(),
                QuantConfig.bits(8).groupSize(128).hessianNormalization(HessianNormalization.TOKENS).build());
    }

    @ParameterizedTest
    @MethodSource("configs")
    void invariantsHold(QuantConfig config) throws IOException {
        LayerFixture f = LayerFixture.load("C03_b3_g64_asym_act");
        QuantResult r = Gptq.quantize(f.w(), f.rows(), f.cols(), f.fixtureHessian(), config);
        int rows = f.rows();
        int cols = f.cols();
        int ngroups = r.ngroups();
        assertEquals(config.groupCount(cols), ngroups);
        for (int row = 0; row < rows; row++) {
            for (int k = 0; k < cols; k++) {
                int i = row * cols + k;
                int code = r.qint()[i];
                assertTrue(code >= 0, "negative code " + code);
                assertTrue(code <= config.maxq(), "code " + code + " above maxq");
                int g = r.gIdx()[k];
                float scale = r.scale()[row * ngroups + g];
                float zero = r.zero()[row * ngroups + g];
                assertEquals(scale * (code - zero), r.weight()[i], 0f, "Q at row " + row + ", column " + k);
            }
        }
        double lossSum = r.lossSum();
        if (config.hessianNormalization() == HessianNormalization.TOKENS) {
            // H scaled by nsamples / ntokens scales every loss term by the same factor.
            lossSum *= (double) f.ntokens() / f.nsamples();
        }
        checkIdentity(f, r, lossSum, config.hessianNormalization() == HessianNormalization.TOKENS
                ? r.lambda() * f.ntokens() / f.nsamples() : r.lambda());
    }

    /** {@code lossSum = tr((W - Q) H_d (W - Q)^T) / 2} in float64 with the fixture's H. */
    private static void checkIdentity(LayerFixture f, QuantResult r, double lossSum, double lambda) {
        int rows = f.rows();
        int cols = f.cols();
        double trace = 0;
        double[] delta = new double[cols];
        for (int row = 0; row < rows; row++) {
            for (int k = 0; k < cols; k++) {
                delta[k] = f.w()[row * cols + k] - r.weight()[row * cols + k];
            }
            for (int i = 0; i < cols; i++) {
                double s = lambda * delta[i];
                for (int j = 0; j < cols; j++) {
                    s += f.h()[i * cols + j] * delta[j];
                }
                trace += delta[i] * s;
            }
        }
        assertEquals(trace / 2, lossSum, 1e-5 * trace / 2, "loss identity");
    }
}
