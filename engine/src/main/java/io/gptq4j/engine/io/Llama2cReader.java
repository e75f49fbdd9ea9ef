package io.gptq4j.engine.io;

import io.gptq4j.engine.model.Linear;
import io.gptq4j.engine.model.LlamaConfig;
import io.gptq4j.engine.model.LlamaLayer;
import io.gptq4j.engine.model.LlamaModel;
import io.gptq4j.engine.model.ModuleName;
import io.gptq4j.engine.model.RopeLayout;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Reads float32 llama2.c checkpoints (see {@link Llama2cHeader}). Matrices are row-major
 * (out, in) like PyTorch; w1 is the gate, w2 the down and w3 the up projection.
 *
 * <p>Weight order after the header, each array covering all layers in turn:
 * legacy: token embedding, attention norms, wq, wk, wv, wo, FFN norms, w1, w2, w3, final norm,
 * freq_cis_real and freq_cis_imag (unused), then the classifier if not shared.
 * Version 1: attention norms, FFN norms, final norm, token embedding, wq, wk, wv, wo, w1, w2, w3,
 * then the classifier if not shared.
 *
 * <p>llama2.c rotates adjacent pairs with theta 10000 and uses RMSNorm epsilon 1e-5; neither is
 * stored in the file.
 */
public final class Llama2cReader {
    private static final float NORM_EPS = 1e-5f;
    private static final float ROPE_THETA = 10000f;

    private Llama2cReader() {
    }

    /** Returns true when {@code head} starts like a llama2.c checkpoint of {@code fileSize} bytes. */
    public static boolean recognizes(byte[] head, long fileSize) {
        return Llama2cHeader.hasMagic(head) || Llama2cHeader.looksLikeLegacy(head, fileSize);
    }

    /**
     * Loads a checkpoint without a tokenizer.
     *
     * @throws ModelFormatException for invalid header values or a file size that does not match them
     */
    public static LlamaModel load(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            byte[] head = ModelLoader.readHead(file);
            Llama2cHeader h = Llama2cHeader.parse(file, head);
            long expected = h.expectedFileSize();
            if (channel.size() != expected) {
                throw new ModelFormatException(file, "llama2.c checkpoint has " + channel.size() + " bytes, but its header ("
                        + describe(h) + ") implies " + expected + " bytes of float32 weights; the file is "
                        + (channel.size() < expected ? "truncated" : "not a float32 llama2.c checkpoint"));
            }
            return read(file, channel, h);
        }
    }

    private static LlamaModel read(Path file, FileChannel channel, Llama2cHeader h) throws IOException {
        LlamaConfig config = config(file, h);
        Arrays2c w = new Arrays2c(file, channel, h.dataOffset());
        int nl = h.nLayers();
        int dim = h.dim();
        float[] embedding = null;
        float[] finalNorm = null;
        if (h.version() == 0) {
            embedding = w.next("token_embedding", (long) h.vocabSize() * dim);
        }
        List<float[]> attnNorms = w.perLayer("rms_att", nl, dim);
        List<float[]> ffnNorms = h.version() == 1 ? w.perLayer("rms_ffn", nl, dim) : null;
        if (h.version() == 1) {
            finalNorm = w.next("rms_final", dim);
            embedding = w.next("token_embedding", (long) h.vocabSize() * dim);
        }
        Map<ModuleName, List<float[]>> weights = new EnumMap<>(ModuleName.class);
        for (ModuleName m : List.of(ModuleName.Q_PROJ, ModuleName.K_PROJ, ModuleName.V_PROJ, ModuleName.O_PROJ)) {
            weights.put(m, w.perLayer(m.hfName(), nl, outIn(config, m)));
        }
        if (h.version() == 0) {
            ffnNorms = w.perLayer("rms_ffn", nl, dim);
        }
        for (ModuleName m : List.of(ModuleName.GATE_PROJ, ModuleName.DOWN_PROJ, ModuleName.UP_PROJ)) {
            weights.put(m, w.perLayer(m.hfName(), nl, outIn(config, m)));
        }
        if (h.version() == 0) {
            finalNorm = w.next("rms_final", dim);
            w.skip((long) h.seqLen() * h.headDim());
        }
        float[] classifier = h.sharedClassifier() ? embedding : w.next("wcls", (long) h.vocabSize() * dim);

        List<LlamaLayer> layers = new ArrayList<>();
        for (int l = 0; l < nl; l++) {
            Map<ModuleName, Linear> modules = new EnumMap<>(ModuleName.class);
            for (ModuleName m : ModuleName.values()) {
                int[] shape = GgufLlamaLoader.outIn(config, m);
                modules.put(m, new Linear("model.layers." + l + "." + m.hfName(), shape[0], shape[1],
                        weights.get(m).get(l), null));
            }
            layers.add(new LlamaLayer(l, attnNorms.get(l), ffnNorms.get(l), modules));
        }
        Linear output = new Linear("lm_head", h.vocabSize(), dim, classifier, null);
        return new LlamaModel(config, embedding, layers, finalNorm, output, null, file);
    }

    private static long outIn(LlamaConfig c, ModuleName m) {
        int[] shape = GgufLlamaLoader.outIn(c, m);
        return (long) shape[0] * shape[1];
    }

    static LlamaConfig config(Path file, Llama2cHeader h) {
        try {
            return new LlamaConfig(h.dim(), h.hiddenDim(), h.nLayers(), h.nHeads(), h.nKvHeads(), h.headDim(),
                    h.vocabSize(), NORM_EPS, ROPE_THETA, RopeLayout.INTERLEAVED, h.seqLen());
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file, "invalid llama2.c header (" + describe(h) + "): " + e.getMessage(), e);
        }
    }

    private static String describe(Llama2cHeader h) {
        return "version " + h.version() + ", dim " + h.dim() + ", hidden_dim " + h.hiddenDim() + ", n_layers "
                + h.nLayers() + ", n_heads " + h.nHeads() + ", n_kv_heads " + h.nKvHeads() + ", vocab_size "
                + h.vocabSize() + ", seq_len " + h.seqLen() + ", shared classifier " + h.sharedClassifier();
    }

    /** Sequential reader of the float32 arrays; the file size was checked against the header. */
    private static final class Arrays2c {
        private final Path file;
        private final FileChannel channel;
        private long offset;

        Arrays2c(Path file, FileChannel channel, long offset) {
            this.file = file;
            this.channel = channel;
            this.offset = offset;
        }

        float[] next(String name, long count) throws IOException {
            float[] values = TensorData.read(file, channel, name, offset, GgmlType.F32, count);
            offset += 4 * count;
            return values;
        }

        List<float[]> perLayer(String name, int layers, long countPerLayer) throws IOException {
            List<float[]> out = new ArrayList<>(layers);
            for (int l = 0; l < layers; l++) {
                out.add(next("layer " + l + " " + name, countPerLayer));
            }
            return out;
        }

        void skip(long count) {
            offset += 4 * count;
        }
    }
}
