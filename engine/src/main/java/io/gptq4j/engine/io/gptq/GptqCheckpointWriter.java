package io.gptq4j.engine.io.gptq;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gptq4j.engine.io.AtomicFiles;
import io.gptq4j.engine.io.SafeTensorsWriter;
import io.gptq4j.engine.io.hf.HfCheckpointWriter;
import io.gptq4j.engine.io.hf.HfExport;
import io.gptq4j.engine.io.hf.HfTensorNames;
import io.gptq4j.engine.io.hf.QkPermutation;
import io.gptq4j.engine.io.hf.TokenizerFiles;
import io.gptq4j.engine.model.Linear;
import io.gptq4j.engine.model.LlamaLayer;
import io.gptq4j.engine.model.LlamaModel;
import io.gptq4j.engine.model.ModuleName;
import io.gptq4j.engine.quant.QuantConfig;
import io.gptq4j.engine.quant.QuantResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a GPTQ checkpoint directory that AutoGPTQ, GPTQModel and Transformers can load:
 * {@code model.safetensors} with packed {@code qweight}/{@code qzeros}/{@code scales}/{@code g_idx}
 * for every quantized module and float16 for every other tensor, {@code config.json} with
 * {@code quantization_config}, {@code quantize_config.json} and the tokenizer files. The directory
 * is built under a temporary name and renamed when complete.
 */
public final class GptqCheckpointWriter {
    private static final Logger LOG = LoggerFactory.getLogger(GptqCheckpointWriter.class);

    private GptqCheckpointWriter() {
    }

    /**
     * Writes the checkpoint.
     *
     * @param model   the model; its unquantized tensors are written as float16
     * @param modules quantization results by module name ({@code model.layers.L.self_attn.q_proj}),
     *                rows in the model's own order (q/k rows are permuted here for interleaved-RoPE models)
     * @param config  the settings all modules were quantized with
     * @param dir     target directory; must not exist or be empty
     * @param format  zero-point storage; {@link CheckpointFormat#GPTQ} rejects zero points of 0
     * @throws IllegalArgumentException for a module name the model lacks, a shape or bits mismatch, or a
     *         zero point the format cannot store; nothing is left under {@code dir} then
     */
    public static void write(LlamaModel model, Map<String, QuantResult> modules, QuantConfig config, Path dir,
                             CheckpointFormat format) throws IOException {
        GptqCheckpointConfig checkpoint = GptqCheckpointConfig.of(config, format);
        checkModules(model, modules, config);
        AtomicFiles.writeDirectory(dir, temp -> {
            ObjectNode json = HfExport.configJson(model, "float16");
            json.set("quantization_config", checkpoint.toJson());
            HfCheckpointWriter.writeJson(temp.resolve("config.json"), json);
            HfCheckpointWriter.writeJson(temp.resolve(GptqCheckpointConfig.FILE), checkpoint.toJson());
            TokenizerFiles.write(model, temp);
            weights(model, modules, checkpoint).writeDirect(temp.resolve("model.safetensors"));
        });
        LOG.info("Wrote GPTQ checkpoint ({} modules, {}-bit, format {}) to {}", modules.size(), config.bits(), format, dir);
    }

    private static void checkModules(LlamaModel model, Map<String, QuantResult> modules, QuantConfig config) {
        Set<String> unknown = new HashSet<>(modules.keySet());
        for (LlamaLayer layer : model.layers()) {
            for (ModuleName m : ModuleName.values()) {
                Linear linear = layer.module(m);
                QuantResult r = modules.get(linear.name());
                unknown.remove(linear.name());
                if (r == null) {
                    continue;
                }
                if (r.rows() != linear.outFeatures() || r.cols() != linear.inFeatures()) {
                    throw new IllegalArgumentException("quantized module " + linear.name() + " is " + r.rows() + " x "
                            + r.cols() + " but the model's weight is " + linear.outFeatures() + " x " + linear.inFeatures());
                }
                if (r.config().bits() != config.bits() || r.config().groupSize() != config.groupSize()) {
                    throw new IllegalArgumentException("module " + linear.name() + " was quantized with "
                            + r.config().bits() + " bits, group size " + r.config().groupSize() + ", but the checkpoint"
                            + " declares " + config.bits() + " bits, group size " + config.groupSize()
                            + "; one checkpoint holds one setting");
                }
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("quantized modules " + unknown + " are not Linear modules of the model;"
                    + " expected names such as " + HfTensorNames.module(0, ModuleName.Q_PROJ));
        }
    }

    private static SafeTensorsWriter weights(LlamaModel model, Map<String, QuantResult> modules,
                                             GptqCheckpointConfig checkpoint) {
        Map<String, ModuleName> moduleOfWeight = new HashMap<>();
        for (LlamaLayer layer : model.layers()) {
            for (ModuleName m : ModuleName.values()) {
                moduleOfWeight.put(layer.module(m).name() + ".weight", m);
            }
        }
        SafeTensorsWriter out = new SafeTensorsWriter().metadata("format", "pt");
        List<String> padded = new ArrayList<>();
        for (Map.Entry<String, HfExport.Tensor> e : HfExport.tensors(model).entrySet()) {
            String name = e.getKey();
            String prefix = name.substring(0, name.lastIndexOf('.'));
            QuantResult r = moduleOfWeight.containsKey(name) ? modules.get(prefix) : null;
            if (r != null) {
                ModuleName m = moduleOfWeight.get(name);
                putPacked(out, prefix, r, HfExport.halfSplitRows(model.config(), m), checkpoint, padded);
            } else {
                // Biases of quantized modules too: AutoGPTQ's QuantLinear keeps its bias in float16.
                out.addF16(name, e.getValue().data(), e.getValue().shape());
            }
        }
        if (!padded.isEmpty()) {
            LOG.warn("{} modules have dimensions whose codes do not fill whole int32 words at {} bits, e.g. {};"
                    + " their qweight/qzeros are padded with zero bits, which gptq4j reads but AutoGPTQ and"
                    + " Transformers kernels reject", padded.size(), checkpoint.bits(), padded.get(0));
        }
        return out;
    }

    private static void putPacked(SafeTensorsWriter out, String prefix, QuantResult r, int[] sourceRows,
                                  GptqCheckpointConfig checkpoint, List<String> padded) {
        if ((long) r.cols() * checkpoint.bits() % 32 != 0 || (long) r.rows() * checkpoint.bits() % 32 != 0) {
            padded.add(prefix + " (" + r.rows() + " x " + r.cols() + ")");
        }
        int[] qint = r.qint();
        float[] scale = r.scale();
        float[] zero = r.zero();
        if (sourceRows != null) {
            qint = QkPermutation.gatherRows(qint, sourceRows, r.cols());
            scale = QkPermutation.gather(scale, sourceRows, r.ngroups());
            zero = QkPermutation.gather(zero, sourceRows, r.ngroups());
        }
        PackedLinear p;
        try {
            p = PackedLinear.pack(qint, scale, zero, r.gIdx(), null, r.rows(), r.cols(), checkpoint.bits(),
                    checkpoint.format());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("module " + prefix + ": " + e.getMessage(), e);
        }
        out.addI32(prefix + ".qweight", p.qweight(), new long[] {p.qweight().length / r.rows(), r.rows()});
        out.addI32(prefix + ".qzeros", p.qzeros(), new long[] {p.groupCount(), p.qzeros().length / p.groupCount()});
        out.addF16Bits(prefix + ".scales", p.scales(), new long[] {p.groupCount(), r.rows()});
        out.addI32(prefix + ".g_idx", p.gIdx(), new long[] {r.cols()});
    }
}
