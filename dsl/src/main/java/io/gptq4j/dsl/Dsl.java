package io.gptq4j.dsl;

import io.gptq4j.engine.io.ModelLoader;
import io.gptq4j.engine.model.LlamaModel;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Static entry points of the quantization DSL, meant for {@code import static io.gptq4j.dsl.Dsl.*}:
 * <pre>{@code
 * var s = session(loadModel("stories260K.gguf"))
 *         .calibration(Calibration.text("tinystories_valid_calib.txt").samples(32).seqLen(256));
 * s.quantize(layers(0, 4), bits(4).groupSize(32));
 * s.compare(Eval.text("tinystories_valid_eval.txt").seqLen(512));
 * }</pre>
 */
public final class Dsl {
    private Dsl() {
    }

    /**
     * Loads a model (GGUF, llama2.c checkpoint or Hugging Face folder). A bare file name is looked up
     * as {@link DataFiles#resolve} describes.
     *
     * @throws IllegalArgumentException when the file is not found
     * @throws UncheckedIOException     when it cannot be read or parsed
     */
    public static LlamaModel loadModel(String file) {
        try {
            return ModelLoader.load(DataFiles.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load model " + file + ": " + e.getMessage(), e);
        }
    }

    /** Starts a quantization session on a loaded model. */
    public static Session session(LlamaModel model) {
        return Session.of(model);
    }

    /** Selects one layer, all its modules; narrow with {@link Selection#module(String)}. */
    public static Selection layer(int index) {
        return Selection.layers(index, index);
    }

    /** Selects layers {@code first..last}, both included. */
    public static Selection layers(int first, int last) {
        return Selection.layers(first, last);
    }

    /** Selects one layer; the same as {@link #layer(int)}, for {@code layers(0)}. */
    public static Selection layers(int index) {
        return Selection.layers(index, index);
    }

    /** Selects every layer of the model. */
    public static Selection allLayers() {
        return Selection.all();
    }

    /** Starts GPTQ settings with a bit width (2, 3, 4 or 8) and AutoGPTQ's other defaults. */
    public static QuantSpec bits(int bits) {
        return QuantSpec.ofBits(bits);
    }
}
