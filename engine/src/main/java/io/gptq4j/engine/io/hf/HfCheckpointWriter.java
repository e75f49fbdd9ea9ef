package io.gptq4j.engine.io.hf;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gptq4j.engine.io.AtomicFiles;
import io.gptq4j.engine.io.SafeTensorsWriter;
import io.gptq4j.engine.model.LlamaModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes an unquantized Hugging Face model directory ({@code config.json},
 * {@code model.safetensors}, tokenizer files) from a model of any source format. The directory
 * appears complete or not at all.
 */
public final class HfCheckpointWriter {
    private static final Logger LOG = LoggerFactory.getLogger(HfCheckpointWriter.class);

    /** Storage precision of the weights. */
    public enum Precision {
        F32("float32"), F16("float16");

        private final String torchDtype;

        Precision(String torchDtype) {
            this.torchDtype = torchDtype;
        }

        public String torchDtype() {
            return torchDtype;
        }
    }

    private HfCheckpointWriter() {
    }

    /** Writes {@code model} to the new directory {@code dir}. */
    public static void write(LlamaModel model, Path dir, Precision precision) throws IOException {
        AtomicFiles.writeDirectory(dir, temp -> {
            SafeTensorsWriter weights = new SafeTensorsWriter().metadata("format", "pt");
            for (Map.Entry<String, HfExport.Tensor> e : HfExport.tensors(model).entrySet()) {
                if (precision == Precision.F32) {
                    weights.addF32(e.getKey(), e.getValue().data(), e.getValue().shape());
                } else {
                    weights.addF16(e.getKey(), e.getValue().data(), e.getValue().shape());
                }
            }
            weights.writeDirect(temp.resolve(HfTensors.SINGLE));
            writeJson(temp.resolve("config.json"), HfExport.configJson(model, precision.torchDtype()));
            TokenizerFiles.write(model, temp);
        });
        LOG.info("Wrote {} model to {}", precision.torchDtype(), dir);
    }

    /** Writes pretty-printed JSON with a final newline. */
    public static void writeJson(Path file, ObjectNode json) throws IOException {
        Files.writeString(file, json.toPrettyString() + "\n");
    }
}
