package io.gptq4j.dsl;

import io.gptq4j.engine.io.ModelLoader;
import io.gptq4j.engine.model.LlamaModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Loads stories260K and names the shared texts; every call returns a fresh model. */
final class TestModels {
    static final String CALIB = "tinystories_valid_calib.txt";
    static final String EVAL = "tinystories_valid_eval.txt";

    private TestModels() {
    }

    static LlamaModel stories260K() {
        try {
            return ModelLoader.load(SharedData.data("stories260K.gguf"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String data(String name) {
        return SharedData.data(name).toString();
    }

    /** A small calibration: 8 windows of 128 tokens, enough for every module's 172 columns. */
    static Calibration smallCalibration() {
        return Calibration.text(data(CALIB)).samples(8).seqLen(128);
    }

    /** An evaluation that scores only the first 4 windows of 256 tokens. */
    static Eval quickEval() {
        return Eval.text(data(EVAL)).seqLen(256).maxWindows(4);
    }

    static Path shared() {
        return SharedData.root();
    }
}
