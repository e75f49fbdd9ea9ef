package io.gptq4j.engine.tokenizer;

import java.util.List;
import java.util.Objects;

/**
 * A SentencePiece BPE vocabulary and its normalization flags, whatever file it came from.
 * Pieces use U+2581 ({@code ▁}) for spaces; byte pieces are written {@code <0xNN>}.
 *
 * @param pieces                 piece text by id
 * @param scores                 merge scores by id; a higher score merges first
 * @param types                  piece kinds by id
 * @param unkId                  id of the unknown piece, or -1
 * @param bosId                  beginning-of-sequence id, or -1
 * @param eosId                  end-of-sequence id, or -1
 * @param addDummyPrefix         whether non-empty text gets one leading space before encoding
 * @param removeExtraWhitespaces whether leading, trailing and repeated spaces are removed first
 */
public record Vocabulary(List<String> pieces, float[] scores, List<PieceType> types, int unkId, int bosId, int eosId,
        boolean addDummyPrefix, boolean removeExtraWhitespaces) {

    public Vocabulary {
        pieces = List.copyOf(pieces);
        types = List.copyOf(types);
        scores = scores.clone();
        Objects.requireNonNull(scores, "scores");
        if (pieces.size() != scores.length || pieces.size() != types.size()) {
            throw new IllegalArgumentException("vocabulary has " + pieces.size() + " pieces, " + scores.length
                    + " scores and " + types.size() + " types; they must have the same count");
        }
        for (int id : new int[] {unkId, bosId, eosId}) {
            if (id < -1 || id >= pieces.size()) {
                throw new IllegalArgumentException("special token id " + id + " is outside the vocabulary of "
                        + pieces.size() + " pieces");
            }
        }
    }

    @Override
    public float[] scores() {
        return scores.clone();
    }

    float score(int id) {
        return scores[id];
    }

    public int size() {
        return pieces.size();
    }
}
