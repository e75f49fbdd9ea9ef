package io.gptq4j.engine.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gptq4j.engine.model.LlamaModel;
import io.gptq4j.engine.model.ModuleName;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** GPTQ 3-bit, one group per row, asym, act-order on all five layers of stories260K. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SequentialGptqD2Test {
    private final ModelFixture d2 = ModelFixture.load("D2");
    private Map<ModuleName, QuantResult> layer0;
    private QuantizationRun run;
    private double perplexity;

    @BeforeAll
    void quantize() {
        LlamaModel model = ModelFixture.loadModel();
        SequentialOptions options = SequentialOptions.builder(d2.config())
                .layerListener((layer, modules, results) -> {
                    if (layer == 0) {
                        layer0 = results;
                    }
                })
                .build();
        run = new SequentialQuantizer(model, options).run(ModelFixture.calibration());
        perplexity = ModelFixture.subsetPerplexity(model);
    }

    @Test
    void layer0ModulesMatchReferenceCodes() throws IOException {
        int differing = new Layer0Reference(d2).checkModules(layer0);
        // No code flipped in any of the reference's alternative float32/float64 pipelines for this case.
        assertEquals(0, differing, "layer-0 codes that differ from the reference");
    }

    @Test
    void moduleLossesMatchReference() {
        SequentialGptqD1Test.checkModuleLosses(d2, run.modules());
    }

    @Test
    void perplexityMatchesReference() {
        double expected = d2.expectedSubsetPerplexity();
        assertEquals(expected, perplexity, 1e-4 * expected, "perplexity with all layers quantized");
    }

    @Test
    void gptqBeatsRoundToNearest() {
        double rtn = ModelFixture.load("RTN_b3_gm1_asym").expectedSubsetPerplexity();
        assertTrue(perplexity < rtn, "GPTQ " + perplexity + " should beat RTN " + rtn + " at 3 bits");
    }
}
