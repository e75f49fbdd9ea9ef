package io.gptq4j.engine.tokenizer;

import java.nio.charset.StandardCharsets;

/** Text to token ids and back. Implementations are immutable and thread-safe. */
public interface Tokenizer {

    /** Encodes text without BOS or EOS. */
    int[] encode(String text);

    /** Decodes ids to text; BOS and EOS produce nothing. */
    String decode(int[] ids);

    /** Decodes one id as it would appear after {@code previous} in generated text. */
    String decodePiece(int previous, int id);

    /**
     * Returns the bytes of one id as it would appear after {@code previous}. A byte-fallback piece
     * gives its single raw byte, which {@link #decodePiece} cannot show when it is part of a
     * multi-byte character.
     */
    default byte[] decodePieceBytes(int previous, int id) {
        return decodePiece(previous, id).getBytes(StandardCharsets.UTF_8);
    }

    int bosId();

    int eosId();

    int vocabSize();
}
