package io.gptq4j.engine.tokenizer;

/**
 * Kinds of vocabulary pieces, numbered as SentencePiece's {@code ModelProto.SentencePiece.Type}
 * and llama.cpp's {@code tokenizer.ggml.token_type} number them.
 */
public enum PieceType {
    NORMAL(1), UNKNOWN(2), CONTROL(3), USER_DEFINED(4), UNUSED(5), BYTE(6);

    private final int id;

    PieceType(int id) {
        this.id = id;
    }

    public int id() {
        return id;
    }

    /** Returns the type with this id; 0 (llama.cpp's "undefined") counts as NORMAL. */
    public static PieceType byId(int id) {
        if (id == 0) {
            return NORMAL;
        }
        for (PieceType t : values()) {
            if (t.id == id) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown piece type " + id + "; valid types are 0 to 6");
    }

    /** True for pieces that BPE merges may produce. */
    boolean mergeable() {
        return this == NORMAL || this == USER_DEFINED;
    }
}
