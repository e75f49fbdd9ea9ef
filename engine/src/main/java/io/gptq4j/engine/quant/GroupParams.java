package io.gptq4j.engine.quant;

/** Grid scales and zero points in the output layout: row-major rows x ngroups. */
record GroupParams(float[] scale, float[] zero) {

    /** Converts from the sweep's layout (ngroups x rows). */
    static GroupParams fromTransposed(float[] scaleT, float[] zeroT, int rows, int ngroups) {
        float[] scale = new float[rows * ngroups];
        float[] zero = new float[rows * ngroups];
        for (int group = 0; group < ngroups; group++) {
            for (int r = 0; r < rows; r++) {
                scale[r * ngroups + group] = scaleT[group * rows + r];
                zero[r * ngroups + group] = zeroT[group * rows + r];
            }
        }
        return new GroupParams(scale, zero);
    }
}
