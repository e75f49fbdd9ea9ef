package io.gptq4j.dsl;

import static io.gptq4j.dsl.Dsl.bits;
import static io.gptq4j.dsl.Dsl.layer;
import static io.gptq4j.dsl.Dsl.layers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecipeTest {
    private static final String MODEL_SHA256 = "270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d";
    private static final String CALIB_SHA256 = "91261429e30d532d6fb702418b52e6e9741286849120d62eeff37565c05a0d8c";

    @TempDir
    Path tmp;

    @Test
    void replayReproducesLossesAndPerplexity() {
        Session s = Session.of(TestModels.stories260K()).calibration(TestModels.smallCalibration().seed(7));
        s.quantize(layers(0, 1), bits(4).groupSize(32).descAct());
        s.quantize(layer(2), bits(3).asym(), Rule.match("down_proj").bits(8));
        s.quantize(layer(3), bits(2));
        s.undo();
        s.compare(TestModels.quickEval());
        Path file = tmp.resolve("recipe.json");
        s.recipe().save(file);

        Recipe loaded = Recipe.load(file);
        assertEquals(2, loaded.steps().size());
        Map<String, Object> content = loaded.content();
        assertEquals(MODEL_SHA256, ((Map<?, ?>) content.get("model")).get("sha256"));
        assertEquals(CALIB_SHA256, ((Map<?, ?>) content.get("calibration")).get("sha256"));
        assertEquals(Recipe.version(), content.get("gptq4jVersion"));
        assertFalse(Recipe.version().contains("${"), "the build must stamp the version");

        Replay replay = Session.replay(loaded, TestModels.stories260K());
        assertEquals(List.of(), replay.differences());
        assertTrue(replay.identical());
        assertEquals(s.moduleResults().size(), replay.session().moduleResults().size());
        for (int i = 0; i < s.moduleResults().size(); i++) {
            assertEquals(s.moduleResults().get(i).avgLoss(), replay.session().moduleResults().get(i).avgLoss(), 0.0);
        }
    }

    @Test
    void replayReportsChangedNumbers() {
        Session s = Session.of(TestModels.stories260K()).calibration(TestModels.smallCalibration());
        s.quantize(layer(0), bits(4));
        String json = s.recipe().toJson();
        // A recipe made with other settings no longer matches the losses it records.
        Recipe edited = Recipe.parse(json.replace("\"groupSize\" : -1", "\"groupSize\" : 32"));
        Replay replay = Session.replay(edited, TestModels.stories260K());
        assertEquals(7, replay.differences().size(), replay.differences().toString());
        assertTrue(replay.differences().get(0).startsWith("model.layers.0.self_attn.k_proj avg loss: recipe "));
    }

    @Test
    void foreignJsonIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Recipe.parse("{\"a\": 1}"));
        assertEquals("not a gptq4j recipe: format is null, expected gptq4j-recipe/1", e.getMessage());
    }
}
