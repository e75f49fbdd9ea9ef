package io.gptq4j.engine.linalg;

/** The triangle of a square matrix that a symmetric or triangular routine reads and writes. */
public enum Triangle {
    UPPER,
    LOWER;

    /** Returns the LAPACK/CBLAS character for this triangle: 'U' or 'L'. */
    byte lapackChar() {
        return (byte) (this == UPPER ? 'U' : 'L');
    }
}
