package io.gptq4j.engine.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads tensor data from model files into float32 arrays. The data is memory-mapped in windows
 * of at most 1 GiB, so offsets and tensors beyond 2 GiB work and the file is never copied to
 * the heap as a whole.
 */
final class TensorData {
    /** Upper bound for one mapped window; {@code FileChannel.map} accepts at most 2^31 - 1 bytes. */
    private static final long WINDOW_BYTES = 1L << 30;

    private TensorData() {
    }

    static float[] readFloats(Path file, GgufTensorInfo info) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            if (info.offset() + info.bytes() > channel.size()) {
                throw new ModelFormatException(file, "tensor '" + info.name() + "' ends at byte "
                        + (info.offset() + info.bytes()) + " but the file now has " + channel.size() + " bytes");
            }
            return read(file, channel, info.name(), info.offset(), info.type(), info.elementCount());
        }
    }

    /**
     * Reads {@code elements} values of {@code type} starting at byte {@code offset}; the caller
     * has checked that they lie inside the file.
     */
    static float[] read(Path file, FileChannel channel, String name, long offset, GgmlType type, long elements)
            throws IOException {
        if (elements > Integer.MAX_VALUE - 8) {
            throw new ModelFormatException(file, "tensor '" + name + "' has " + elements
                    + " elements, more than one Java array can hold");
        }
        float[] out = new float[(int) elements];
        long blocksPerWindow = WINDOW_BYTES / type.blockBytes();
        long totalBlocks = elements / type.blockSize();
        for (long firstBlock = 0; firstBlock < totalBlocks; firstBlock += blocksPerWindow) {
            long blocks = Math.min(blocksPerWindow, totalBlocks - firstBlock);
            ByteBuffer window = channel.map(FileChannel.MapMode.READ_ONLY,
                    offset + firstBlock * type.blockBytes(), blocks * type.blockBytes());
            window.order(ByteOrder.LITTLE_ENDIAN);
            decode(type, window, out, (int) (firstBlock * type.blockSize()), (int) blocks);
        }
        return out;
    }

    /** Decodes {@code blocks} blocks from {@code src} into {@code out} starting at element {@code start}. */
    static void decode(GgmlType type, ByteBuffer src, float[] out, int start, int blocks) {
        switch (type) {
            case F32 -> src.asFloatBuffer().get(out, start, blocks);
            case F16 -> {
                for (int i = 0; i < blocks; i++) {
                    out[start + i] = Half.toFloat(src.getShort(2 * i));
                }
            }
            case BF16 -> {
                for (int i = 0; i < blocks; i++) {
                    out[start + i] = Half.bf16ToFloat(src.getShort(2 * i));
                }
            }
            case Q8_0 -> decodeQ8(src, out, start, blocks);
        }
    }

    private static void decodeQ8(ByteBuffer src, float[] out, int start, int blocks) {
        int blockBytes = GgmlType.Q8_0.blockBytes();
        int blockSize = GgmlType.Q8_0.blockSize();
        for (int b = 0; b < blocks; b++) {
            int base = b * blockBytes;
            float scale = Half.toFloat(src.getShort(base));
            int o = start + b * blockSize;
            for (int j = 0; j < blockSize; j++) {
                out[o + j] = scale * src.get(base + 2 + j);
            }
        }
    }
}
