package io.gptq4j.dsl;

import static io.gptq4j.dsl.Dsl.bits;
import static io.gptq4j.dsl.Dsl.layer;
import static io.gptq4j.dsl.Dsl.layers;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gptq4j.dsl.display.Display;
import io.gptq4j.dsl.display.Progress;
import io.gptq4j.engine.model.Linear;
import io.gptq4j.engine.model.LlamaModel;
import io.gptq4j.engine.model.ModuleName;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SessionTest {

    @AfterEach
    void resetDisplay() {
        Display.install(value -> { }, (title, total) -> new Progress() {
            @Override
            public void update(long stepsDone, String detail) {
            }

            @Override
            public void close() {
            }
        });
        Thread.interrupted();
    }

    @Test
    void stepByStepEqualsOneShot() {
        QuantSpec spec = bits(4).groupSize(32);
        Session oneShot = Session.of(TestModels.stories260K()).calibration(TestModels.smallCalibration());
        oneShot.quantize(layers(0, 4), spec);

        Session stepwise = Session.of(TestModels.stories260K()).calibration(TestModels.smallCalibration());
        for (int l = 0; l < 5; l++) {
            stepwise.quantize(layer(l), spec);
        }

        List<ModuleResult> a = oneShot.moduleResults();
        List<ModuleResult> b = stepwise.moduleResults();
        assertEquals(35, a.size());
        assertEquals(35, b.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).fullName(), b.get(i).fullName());
            assertEquals(Double.doubleToLongBits(a.get(i).avgLoss()), Double.doubleToLongBits(b.get(i).avgLoss()),
                    a.get(i).fullName());
        }
        assertWeightsEqual(oneShot.model(), stepwise.model());
        Eval eval = TestModels.quickEval();
        assertEquals(Double.doubleToLongBits(oneShot.perplexity(eval)), Double.doubleToLongBits(stepwise.perplexity(eval)));
    }

    @Test
    void undoRestoresOriginalArrays() {
        LlamaModel model = TestModels.stories260K();
        List<float[]> before = weights(model);
        List<float[]> copies = before.stream().map(float[]::clone).toList();
        Session s = Session.of(model).calibration(TestModels.smallCalibration());
        StepResult first = s.quantize(layers(0, 1), bits(4).groupSize(32));
        s.quantize(layer(2), bits(3));
        s.undo();
        s.undo();
        List<float[]> after = weights(model);
        for (int i = 0; i < before.size(); i++) {
            assertSame(before.get(i), after.get(i), "module " + i + " must get its original array back");
            assertArrayEquals(copies.get(i), after.get(i), "module " + i + " array content changed");
        }
        assertTrue(s.moduleResults().isEmpty());
        // The layer-input cache was invalidated, so quantizing again reproduces the first losses.
        StepResult again = s.quantize(layers(0, 1), bits(4).groupSize(32));
        for (int i = 0; i < first.modules().size(); i++) {
            assertEquals(first.modules().get(i).avgLoss(), again.modules().get(i).avgLoss(), 0.0);
        }
    }

    @Test
    void undoOfMixedPrecisionStepRestoresFourBitWeights() {
        Session s = Session.of(TestModels.stories260K()).calibration(TestModels.smallCalibration());
        s.quantize(layers(0, 4), bits(4).groupSize(32));
        Linear down = s.model().layers().get(4).module(ModuleName.DOWN_PROJ);
        float[] fourBit = down.weight();
        StepResult eight = s.quantize(layer(4).module("mlp.down_proj"), bits(8));
        assertEquals(1, eight.modules().size());
        assertNotSame(fourBit, down.weight());
        assertTrue(eight.modules().get(0).relativeError() < s.steps().get(0).modules().get(34).relativeError());
        s.undo();
        assertSame(fourBit, down.weight());
    }

    @Test
    void layerOutOfRangeLeavesSessionUnchanged() {
        Session s = Session.of(TestModels.stories260K()).calibration(TestModels.smallCalibration());
        s.quantize(layer(0), bits(4));
        List<float[]> before = weights(s.model());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.quantize(layers(3, 7), bits(4)));
        assertEquals("layer 7 is out of range; the model has 5 layers, valid indices 0..4", e.getMessage());
        assertUnchanged(s, before, 1);
    }

    @Test
    void unknownModuleNamesChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> layer(0).module("mlp.dwn_proj"));
        assertTrue(e.getMessage().contains("unknown module 'mlp.dwn_proj'"), e.getMessage());
        assertTrue(e.getMessage().contains("mlp.down_proj"), e.getMessage());
    }

    @Test
    void unsupportedBitsNamesChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bits(5));
        assertEquals("bits 5 is not supported; valid choices: 2, 3, 4, 8", e.getMessage());
    }

    @Test
    void skippingEverythingIsRejected() {
        Session s = Session.of(TestModels.stories260K()).calibration(TestModels.smallCalibration());
        List<float[]> before = weights(s.model());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> s.quantize(layer(1), bits(4), Rule.skip(".")));
        assertTrue(e.getMessage().startsWith("the rules skip every module of layer 1"), e.getMessage());
        assertUnchanged(s, before, 0);
    }

    @Test
    void rulesOverrideAndSkip() {
        Session s = Session.of(TestModels.stories260K()).calibration(TestModels.smallCalibration());
        StepResult r = s.quantize(layers(0, 1), bits(4).groupSize(32),
                Rule.match("mlp\\.down_proj").bits(8), Rule.skip("layers\\.1\\.self_attn"));
        assertEquals(7 + 3, r.modules().size());
        for (ModuleResult m : r.modules()) {
            assertEquals(m.module().equals("mlp.down_proj") ? 8 : 4, m.spec().bits(), m.fullName());
            assertFalse(m.layer() == 1 && m.module().startsWith("self_attn"), m.fullName());
        }
    }

    @Test
    void interruptRollsBackTheStep() {
        Session s = Session.of(TestModels.stories260K()).calibration(TestModels.smallCalibration());
        s.quantize(layer(0), bits(4));
        List<float[]> before = weights(s.model());
        Thread caller = Thread.currentThread();
        // Interrupts after the 10th module, i.e. in the middle of layer 2.
        Display.install(value -> { }, (title, total) -> new Progress() {
            @Override
            public void update(long stepsDone, String detail) {
                if (stepsDone == 10) {
                    caller.interrupt();
                }
            }

            @Override
            public void close() {
            }
        });
        assertThrows(CancellationException.class, () -> s.quantize(layers(1, 4), bits(4)));
        assertTrue(Thread.interrupted(), "the interrupt flag stays set for the caller");
        assertUnchanged(s, before, 1);
        // The session stays usable and consistent: the same step now runs to the end.
        resetDisplay();
        assertEquals(28, s.quantize(layers(1, 4), bits(4)).modules().size());
    }

    @Test
    void calibrationIsFixedAfterFirstStep() {
        Session s = Session.of(TestModels.stories260K()).calibration(TestModels.smallCalibration());
        s.quantize(layer(0), bits(4));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> s.calibration(TestModels.smallCalibration().samples(4)));
        assertTrue(e.getMessage().startsWith("calibration is fixed once a step has run"), e.getMessage());
    }

    @Test
    void quantizeWithoutCalibrationIsRejected() {
        Session s = Session.of(TestModels.stories260K());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.quantize(layer(0), bits(4)));
        assertTrue(e.getMessage().startsWith("no calibration data"), e.getMessage());
    }

    private static void assertUnchanged(Session s, List<float[]> before, int steps) {
        List<float[]> after = weights(s.model());
        for (int i = 0; i < before.size(); i++) {
            assertSame(before.get(i), after.get(i), "module " + i + " changed");
        }
        assertEquals(steps, s.steps().size());
    }

    static List<float[]> weights(LlamaModel model) {
        List<float[]> out = new ArrayList<>();
        forEachModule(model, l -> out.add(l.weight()));
        return out;
    }

    static void forEachModule(LlamaModel model, Consumer<Linear> action) {
        for (var layer : model.layers()) {
            for (ModuleName m : ModuleName.values()) {
                action.accept(layer.module(m));
            }
        }
    }

    private static void assertWeightsEqual(LlamaModel a, LlamaModel b) {
        List<float[]> wa = weights(a);
        List<float[]> wb = weights(b);
        for (int i = 0; i < wa.size(); i++) {
            assertArrayEquals(wa.get(i), wb.get(i), "module " + i);
        }
    }
}
