package io.gptq4j.engine.tokenizer;

/** Text to token ids and back. Implementations are immutable and thread-safe. */
public interface Tokenizer {

    /** Encodes text without BOS or EOS. */
    int[] encode(String text);

    /** Decodes ids to text; BOS and EOS produce nothing. */
    String decode(int[] ids);

    /** Decodes one id as it would appear after {@code previous} in generated text. */
    String decodePiece(int previous, int id);

    int bosId();

    int eosId();

    int vocabSize();
}
