package io.gptq4j.dsl;

import static io.gptq4j.dsl.Dsl.bits;
import static io.gptq4j.dsl.Dsl.layer;
import static io.gptq4j.dsl.Dsl.layers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gptq4j.dsl.diagnostics.Diagnostic;
import io.gptq4j.engine.model.Linear;
import io.gptq4j.engine.model.LlamaLayer;
import io.gptq4j.engine.model.LlamaModel;
import io.gptq4j.engine.model.ModuleName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each diagnostic fired by real data built to trigger it, and silence on the quickstart configuration. */
class DiagnosticsOnModelTest {
    @TempDir
    Path tmp;

    @Test
    void quickstartConfigIsSilent() {
        Session s = Session.of(TestModels.stories260K())
                .calibration(Calibration.text(TestModels.data(TestModels.CALIB)).samples(32).seqLen(256));
        StepResult step = s.quantize(layers(0, 4), bits(4).groupSize(32));
        assertEquals(List.of(), step.warnings());
        Comparison c = s.compare(Eval.text(TestModels.data(TestModels.EVAL)).seqLen(512).maxWindows(4));
        assertEquals(List.of(), c.warnings());
        assertEquals(List.of(), s.warnings());
    }

    @Test
    void shuffledCalibrationTextFires() throws Exception {
        LlamaModel model = TestModels.stories260K();
        Path shuffled = shuffledText(model, TestModels.CALIB);
        Session s = Session.of(model).calibration(Calibration.text(shuffled.toString()).samples(8).seqLen(128));
        assertTrue(s.calibrationPerplexity() > 512, "perplexity " + s.calibrationPerplexity());
        StepResult step = s.quantize(layer(0), bits(4).groupSize(32));
        assertEquals(List.of("CALIBRATION_MISMATCH"), codes(step.warnings()));
        assertEquals(List.of("CALIBRATION_MISMATCH"), codes(s.warnings()));
    }

    @Test
    void evalEqualToCalibrationFires() {
        Session s = Session.of(TestModels.stories260K()).calibration(TestModels.smallCalibration());
        Comparison c = s.compare(Eval.text(TestModels.data(TestModels.CALIB)).seqLen(128).maxWindows(4));
        assertEquals(List.of("EVAL_OVERLAP"), codes(c.warnings()));
    }

    @Test
    void shuffledEvalTextFiresImplausiblePerplexity() throws Exception {
        LlamaModel model = TestModels.stories260K();
        Path shuffled = shuffledText(model, TestModels.EVAL);
        Session s = Session.of(model).calibration(TestModels.smallCalibration());
        Comparison c = s.compare(Eval.text(shuffled.toString()).seqLen(128).maxWindows(4));
        assertEquals(List.of("IMPLAUSIBLE_PPL"), codes(c.warnings()));
    }

    @Test
    void fewCalibrationTokensFire() {
        // 64 tokens: fewer than down_proj's 172 input columns, as many as the other modules' 64.
        Session s = Session.of(TestModels.stories260K())
                .calibration(Calibration.text(TestModels.data(TestModels.CALIB)).samples(1).seqLen(64));
        StepResult step = s.quantize(layer(0), bits(4));
        List<Diagnostic> few = step.warnings().stream().filter(d -> d.code().equals("FEW_TOKENS")).toList();
        assertEquals(1, few.size(), step.warnings().toString());
        assertEquals("model.layers.0.mlp.down_proj", few.get(0).subject());
    }

    @Test
    void zeroNormGainGivesDeadColumns() {
        // A zero RMSNorm gain at position 5 makes input column 5 of q/k/v zero for every token.
        LlamaModel model = withZeroAttnNormGain(TestModels.stories260K(), 5);
        Session s = Session.of(model).calibration(TestModels.smallCalibration());
        StepResult step = s.quantize(layer(0).modules("self_attn\\.[qkv]_proj"), bits(4));
        List<Diagnostic> dead = step.warnings().stream().filter(d -> d.code().equals("DEAD_COLUMNS")).toList();
        assertEquals(3, dead.size(), step.warnings().toString());
        assertTrue(dead.get(0).message().startsWith("1 of 64 input columns"), dead.get(0).message());
        for (ModuleResult r : step.modules()) {
            assertEquals(1, r.deadColumns());
        }
    }

    private Path shuffledText(LlamaModel model, String name) throws Exception {
        int[] ids = model.tokenizer().encode(Files.readString(SharedData.data(name)));
        List<Integer> list = new ArrayList<>();
        for (int id : ids) {
            list.add(id);
        }
        Collections.shuffle(list, new Random(1));
        Path file = tmp.resolve("shuffled-" + name);
        Files.writeString(file, model.tokenizer().decode(list.stream().mapToInt(Integer::intValue).toArray()));
        return file;
    }

    private static LlamaModel withZeroAttnNormGain(LlamaModel model, int position) {
        List<LlamaLayer> layers = new ArrayList<>(model.layers());
        LlamaLayer first = layers.get(0);
        float[] gain = first.attnNorm().clone();
        gain[position] = 0f;
        Map<ModuleName, Linear> modules = new EnumMap<>(ModuleName.class);
        for (ModuleName m : ModuleName.values()) {
            modules.put(m, first.module(m));
        }
        layers.set(0, new LlamaLayer(0, gain, first.ffnNorm(), modules));
        return new LlamaModel(model.config(), model.tokenEmbedding(), layers, model.outputNorm(), model.output(),
                model.tokenizer(), model.source());
    }

    private static List<String> codes(List<Diagnostic> found) {
        return found.stream().map(Diagnostic::code).toList();
    }
}
