package io.gptq4j.engine.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes small GGUF files for tests, following the published GGUF layout independently of the
 * reader: header, metadata, tensor entries, padding to the alignment, then tensor data.
 */
final class GgufBuilder {
    private final Map<String, Object> metadata = new LinkedHashMap<>();
    private final List<Tensor> tensors = new ArrayList<>();
    private int version = 3;
    private long alignment = 32;
    private long firstDataOffset;

    private record Tensor(String name, int typeId, long[] dims, byte[] data) {
    }

    GgufBuilder version(int v) {
        version = v;
        return this;
    }

    /** Adds metadata: Integer as UINT32, Float as FLOAT32, String, Boolean, String[], float[] or int[] (INT32). */
    GgufBuilder kv(String key, Object value) {
        metadata.put(key, value);
        if (key.equals("general.alignment")) {
            alignment = (Integer) value;
        }
        return this;
    }

    GgufBuilder tensor(String name, int typeId, long[] dims, byte[] data) {
        tensors.add(new Tensor(name, typeId, dims, data));
        return this;
    }

    GgufBuilder f32(String name, long[] dims, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return tensor(name, 0, dims, b.array());
    }

    /** Places the first tensor this many bytes after the start of the data section (a hole in the file). */
    GgufBuilder firstDataOffset(long offset) {
        firstDataOffset = offset;
        return this;
    }

    void write(Path file) throws IOException {
        ByteBuffer head = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        head.put("GGUF".getBytes(StandardCharsets.US_ASCII)).putInt(version).putLong(tensors.size()).putLong(metadata.size());
        for (Map.Entry<String, Object> e : metadata.entrySet()) {
            string(head, e.getKey());
            value(head, e.getValue());
        }
        long[] offsets = new long[tensors.size()];
        long offset = firstDataOffset;
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            string(head, t.name());
            head.putInt(t.dims().length);
            for (long d : t.dims()) {
                head.putLong(d);
            }
            head.putInt(t.typeId());
            offsets[i] = offset;
            head.putLong(offset);
            offset = align(offset + t.data().length);
        }
        long dataStart = align(head.position());
        head.flip();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(head, 0);
            for (int i = 0; i < tensors.size(); i++) {
                ch.write(ByteBuffer.wrap(tensors.get(i).data()), dataStart + offsets[i]);
            }
            if (ch.size() < dataStart) {
                ch.write(ByteBuffer.allocate((int) (dataStart - ch.size())), ch.size());
            }
        }
    }

    private long align(long position) {
        return (position + alignment - 1) / alignment * alignment;
    }

    private static void string(ByteBuffer b, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        b.putLong(bytes.length).put(bytes);
    }

    private static void value(ByteBuffer b, Object v) {
        if (v instanceof Integer i) {
            b.putInt(4).putInt(i);
        } else if (v instanceof Float f) {
            b.putInt(6).putFloat(f);
        } else if (v instanceof Boolean z) {
            b.putInt(7).put((byte) (z ? 1 : 0));
        } else if (v instanceof String s) {
            b.putInt(8);
            string(b, s);
        } else if (v instanceof String[] a) {
            b.putInt(9).putInt(8).putLong(a.length);
            for (String s : a) {
                string(b, s);
            }
        } else if (v instanceof float[] a) {
            b.putInt(9).putInt(6).putLong(a.length);
            for (float f : a) {
                b.putFloat(f);
            }
        } else if (v instanceof int[] a) {
            b.putInt(9).putInt(5).putLong(a.length);
            for (int i : a) {
                b.putInt(i);
            }
        } else {
            throw new IllegalArgumentException("unsupported test value " + v);
        }
    }

    /**
     * A llama model with dim 8, hidden 12, 1 layer, 2 heads, 1 KV head (head size 4), vocabulary 6
     * and no output.weight. Every F32 value is {@code tensorIndex + elementIndex / 1000}.
     */
    static GgufBuilder tinyLlama() {
        GgufBuilder b = new GgufBuilder()
                .kv("general.architecture", "llama")
                .kv("llama.embedding_length", 8)
                .kv("llama.feed_forward_length", 12)
                .kv("llama.block_count", 1)
                .kv("llama.attention.head_count", 2)
                .kv("llama.attention.head_count_kv", 1)
                .kv("llama.attention.layer_norm_rms_epsilon", 1e-6f)
                .kv("llama.context_length", 64);
        String[] names = {"token_embd.weight", "output_norm.weight", "blk.0.attn_norm.weight", "blk.0.attn_q.weight",
            "blk.0.attn_k.weight", "blk.0.attn_v.weight", "blk.0.attn_output.weight", "blk.0.ffn_norm.weight",
            "blk.0.ffn_gate.weight", "blk.0.ffn_up.weight", "blk.0.ffn_down.weight"};
        long[][] dims = {{8, 6}, {8}, {8}, {8, 8}, {8, 4}, {8, 4}, {8, 8}, {8}, {8, 12}, {8, 12}, {12, 8}};
        for (int t = 0; t < names.length; t++) {
            b.f32(names[t], dims[t], tinyValues(t, dims[t]));
        }
        return b;
    }

    static float[] tinyValues(int tensorIndex, long[] dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        float[] values = new float[(int) n];
        for (int i = 0; i < values.length; i++) {
            values[i] = tensorIndex + i / 1000f;
        }
        return values;
    }
}
