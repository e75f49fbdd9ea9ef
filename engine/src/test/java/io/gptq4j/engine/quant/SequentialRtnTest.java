package io.gptq4j.engine.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gptq4j.engine.model.LlamaModel;
import io.gptq4j.engine.model.ModuleName;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Round-to-nearest over all five layers: no calibration, so the result is exact up to float32 forward noise. */
class SequentialRtnTest {

    @Test
    void rtn4BitGroup32MatchesReference() {
        checkRtnCase("D3");
    }

    @Test
    void rtn3BitPerRowAsymMatchesReference() {
        checkRtnCase("RTN_b3_gm1_asym");
    }

    private static void checkRtnCase(String name) {
        ModelFixture fixture = ModelFixture.load(name);
        LlamaModel model = ModelFixture.loadModel();
        SequentialOptions options = SequentialOptions.builder(fixture.config())
                .method(SequentialOptions.Method.RTN)
                .build();

        QuantizationRun run = new SequentialQuantizer(model, options).run(null);

        List<ModuleResult> modules = run.modules();
        assertEquals(35, modules.size(), name + ": modules");
        for (ModuleResult m : modules) {
            assertEquals(ModuleResult.Outcome.RTN, m.outcome(), m.fullName());
            assertTrue(Double.isNaN(m.avgLoss()), m.fullName() + ": RTN has no GPTQ loss");
        }
        assertEquals(ModuleName.K_PROJ, modules.get(0).module(), "true-sequential order");
        double expected = fixture.expectedSubsetPerplexity();
        assertEquals(expected, ModelFixture.subsetPerplexity(model), 1e-5 * expected, name + ": perplexity");
    }
}
