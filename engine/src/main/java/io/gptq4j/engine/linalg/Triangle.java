package io.gptq4j.engine.linalg;

/** Which triangle of a square matrix a symmetric or triangular routine reads and writes. */
public enum Triangle {
    UPPER,
    LOWER;

    /** The LAPACK/CBLAS character for this triangle: 'U' or 'L'. */
    byte lapackChar() {
        return (byte) (this == UPPER ? 'U' : 'L');
    }
}
