package io.gptq4j.engine.tokenizer;

import io.gptq4j.engine.io.ModelFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads llama2.c's {@code tokenizer.bin}: int32 max_token_length, then per token a float32
 * score, an int32 byte length and the UTF-8 bytes, up to the end of the file. Spaces are stored
 * as U+0020 and become U+2581 here. The file stores no token types, so they follow llama2.c's
 * fixed ids: 0 unknown, 1 BOS, 2 EOS, {@code <0xNN>} pieces are bytes, the rest normal. llama2.c
 * adds the dummy prefix and does not remove extra spaces.
 */
public final class Llama2cTokenizerReader {
    private static final int UNK_ID = 0;
    private static final int BOS_ID = 1;
    private static final int EOS_ID = 2;

    private Llama2cTokenizerReader() {
    }

    public static Vocabulary read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > SentencePieceModelReader.MAX_BYTES) {
            throw new ModelFormatException(file, "file has " + size + " bytes, too many for a llama2.c tokenizer.bin");
        }
        return parse(file, Files.readAllBytes(file));
    }

    private static Vocabulary parse(Path file, byte[] data) {
        ByteBuffer in = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        if (data.length < 4) {
            throw invalid(file, "file has " + data.length + " bytes, too short for a tokenizer.bin header");
        }
        int maxTokenLength = in.getInt();
        if (maxTokenLength <= 0) {
            throw invalid(file, "max_token_length is " + maxTokenLength + ", expected a positive value");
        }

        List<String> pieces = new ArrayList<>();
        List<Float> scores = new ArrayList<>();
        while (in.hasRemaining()) {
            if (in.remaining() < 8) {
                throw invalid(file, "file is truncated inside the entry of token " + pieces.size());
            }
            float score = in.getFloat();
            int length = in.getInt();
            if (length < 0 || length > maxTokenLength || length > in.remaining()) {
                throw invalid(file, "token " + pieces.size() + " has length " + length + " at offset " + (in.position() - 4)
                        + " (max_token_length " + maxTokenLength + ", " + in.remaining() + " bytes left); the file is corrupt");
            }
            byte[] bytes = new byte[length];
            in.get(bytes);
            pieces.add(new String(bytes, StandardCharsets.UTF_8).replace(' ', SentencePieceTokenizer.SPACE_MARKER));
            scores.add(score);
        }

        if (pieces.size() <= EOS_ID) {
            throw invalid(file, "tokenizer has " + pieces.size() + " tokens, fewer than the 3 special ones");
        }

        List<PieceType> types = new ArrayList<>();
        float[] scoreArray = new float[pieces.size()];
        for (int id = 0; id < pieces.size(); id++) {
            types.add(typeOf(id, pieces.get(id)));
            scoreArray[id] = scores.get(id);
        }
        return new Vocabulary(pieces, scoreArray, types, UNK_ID, BOS_ID, EOS_ID, true, false);
    }

    private static PieceType typeOf(int id, String piece) {
        if (id == UNK_ID) {
            return PieceType.UNKNOWN;
        }
        if (id == BOS_ID || id == EOS_ID) {
            return PieceType.CONTROL;
        }
        return SentencePieceTokenizer.byteValue(piece) >= 0 ? PieceType.BYTE : PieceType.NORMAL;
    }

    private static ModelFormatException invalid(Path file, String problem) {
        return new ModelFormatException(file, "invalid llama2.c tokenizer.bin: " + problem);
    }
}
