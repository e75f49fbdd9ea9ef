package io.gptq4j.dsl;

import static io.gptq4j.dsl.Dsl.bits;
import static io.gptq4j.dsl.Dsl.layer;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The session's layer loop against the reference AutoGPTQ loop (PyTorch, float32) on stories260K:
 * GPTQ 4-bit, group 32, symmetric, layers 0 and 1, calibration = the first 32 windows of 256 tokens
 * of the calibration text, perplexity at seqlen 512 on the first 32 windows of the evaluation text
 * (the reference lists every window's mean cross-entropy, so a prefix is checkable).
 */
class ReferenceLoopTest {

    @Test
    void twoLayerStepsMatchReference() throws Exception {
        JsonNode reference = new ObjectMapper().readTree(SharedData.fixture("model/D4.json").toFile());
        Session s = Session.of(TestModels.stories260K())
                .calibration(Calibration.text(TestModels.data(TestModels.CALIB)).samples(32).seqLen(256));
        // Two steps: the second layer's inputs come from replaying the quantized first layer.
        s.quantize(layer(0), bits(4).groupSize(32));
        s.quantize(layer(1), bits(4).groupSize(32));

        List<ModuleResult> modules = s.moduleResults();
        JsonNode expected = reference.get("modules");
        assertEquals(expected.size(), modules.size());
        for (int i = 0; i < modules.size(); i++) {
            JsonNode e = expected.get(i);
            ModuleResult r = modules.get(i);
            assertEquals(e.get("layer").asInt(), r.layer());
            assertEquals(e.get("module").asText(), r.moduleType());
            // Float32 rounding ties flip differently between implementations: 10 % per module.
            assertEquals(e.get("avg_loss").asDouble(), r.avgLoss(), 0.10 * e.get("avg_loss").asDouble(), r.fullName());
        }
        int windows = 32;
        double ppl = s.perplexity(Eval.text(TestModels.data(TestModels.EVAL)).seqLen(512).maxWindows(windows));
        JsonNode windowCe = reference.get("expected").get("window_mean_ce_after");
        double sum = 0;
        for (int w = 0; w < windows; w++) {
            sum += windowCe.get(w).asDouble();
        }
        assertEquals(Math.exp(sum / windows), ppl, 0.005 * ppl);
    }
}
