package io.gptq4j.engine.io.hf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Test-side reader of the piece list of a SentencePiece {@code .model} protobuf: ModelProto field 1
 * holds repeated pieces, each with field 1 = piece (string), 2 = score (float), 3 = type (enum,
 * default NORMAL = 1). Other fields are skipped.
 */
record SentencePieceVocab(List<String> pieces, float[] scores, int[] types) {

    static SentencePieceVocab read(Path model) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(model)).order(ByteOrder.LITTLE_ENDIAN);
        List<String> pieces = new ArrayList<>();
        List<Float> scores = new ArrayList<>();
        List<Integer> types = new ArrayList<>();
        while (b.hasRemaining()) {
            int key = (int) varint(b);
            if (key >>> 3 == 1 && (key & 7) == 2) {
                int len = (int) varint(b);
                ByteBuffer p = b.slice(b.position(), len).order(ByteOrder.LITTLE_ENDIAN);
                b.position(b.position() + len);
                String piece = null;
                float score = 0;
                int type = 1;
                while (p.hasRemaining()) {
                    int k = (int) varint(p);
                    switch (k) {
                        case (1 << 3) | 2 -> {
                            byte[] s = new byte[(int) varint(p)];
                            p.get(s);
                            piece = new String(s, StandardCharsets.UTF_8);
                        }
                        case (2 << 3) | 5 -> score = p.getFloat();
                        case (3 << 3) -> type = (int) varint(p);
                        default -> skip(p, k & 7);
                    }
                }
                pieces.add(piece);
                scores.add(score);
                types.add(type);
            } else {
                skip(b, key & 7);
            }
        }
        float[] s = new float[scores.size()];
        int[] t = new int[types.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = scores.get(i);
            t[i] = types.get(i);
        }
        return new SentencePieceVocab(pieces, s, t);
    }

    private static long varint(ByteBuffer b) {
        long v = 0;
        for (int shift = 0; ; shift += 7) {
            byte x = b.get();
            v |= (long) (x & 0x7F) << shift;
            if (x >= 0) {
                return v;
            }
        }
    }

    private static void skip(ByteBuffer b, int wireType) {
        switch (wireType) {
            case 0 -> varint(b);
            case 1 -> b.position(b.position() + 8);
            case 2 -> {
                int len = (int) varint(b);
                b.position(b.position() + len);
            }
            case 5 -> b.position(b.position() + 4);
            default -> throw new IllegalArgumentException("unsupported protobuf wire type " + wireType);
        }
    }
}
