package io.gptq4j.engine.quant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gptq4j.engine.SharedData;
import io.gptq4j.engine.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Path;

/** One single-layer GPTQ reference case: tensors and sidecar JSON. */
record LayerFixture(String name, int rows, int cols, int nseq, int seqlen, float[] w, float[] x, float[] h,
                    float[] q, int[] qint, float[] scale, float[] zero, int[] gIdx, int[] perm, int[] rowExactUntil,
                    JsonNode json) {

    static final String[] CASES = {
        "C01_b4_gm1_sym", "C02_b4_g128_sym_act", "C03_b3_g64_asym_act", "C04_b4_g32_asym_act_c200",
        "C05_b4_g32_sym", "C06_b8_g128_sym_act_256x384", "C07_b4_g64_asym_act_static",
        "C08_b4_gm1_asym_act_dead5", "C09_b2_g32_asym_mse", "C10_b8_gm1_asym",
    };

    static LayerFixture load(String name) throws IOException {
        Path dir = SharedData.fixture("layers");
        SafeTensors st = SafeTensors.open(dir.resolve(name + ".safetensors"));
        JsonNode json = new ObjectMapper().readTree(dir.resolve(name + ".json").toFile());
        long[] wShape = st.info("W").shape();
        long[] xShape = st.info("X").shape();
        int cols = (int) wShape[1];
        int[] perm = st.contains("perm") ? st.ints("perm") : java.util.stream.IntStream.range(0, cols).toArray();
        return new LayerFixture(name, (int) wShape[0], cols, (int) xShape[0], (int) xShape[1], st.floats("W"),
                st.floats("X"), st.floats("H"), st.floats("Q"), st.ints("qint"), st.floats("scale"), st.floats("zero"),
                st.ints("g_idx"), perm, st.ints("row_exact_until"), json);
    }

    /** The configuration recorded in the sidecar, with AutoGPTQ's factorisation chain. */
    QuantConfig config() {
        JsonNode c = json.get("config");
        QuantConfig.Builder b = QuantConfig.bits(c.get("bits").asInt())
                .groupSize(c.get("group_size").asInt())
                .sym(c.get("sym").asBoolean())
                .descAct(c.get("desc_act").asBoolean())
                .staticGroups(c.get("static_groups").asBoolean())
                .dampPercent(c.get("damp_percent").asDouble())
                .blockSize(c.get("blocksize").asInt())
                .factorization(Factorization.AUTOGPTQ);
        JsonNode mse = c.get("mse");
        if (mse.get("enabled").asBoolean()) {
            b.mse(mse.get("norm").asDouble(), mse.get("grid").asInt(), mse.get("maxshrink").asDouble());
        }
        return b.build();
    }

    double expected(String key) {
        return json.get("expected").get(key).asDouble();
    }

    int nsamples() {
        return json.get("hessian").get("nsamples").asInt();
    }

    long ntokens() {
        return json.get("hessian").get("ntokens").asLong();
    }

    Hessian fixtureHessian() {
        return Hessian.of(name, h, cols, nsamples(), ntokens());
    }

    /** Hessian accumulated from X, one sequence at a time. */
    Hessian ownHessian() {
        Hessian hessian = new Hessian(name, cols);
        for (int s = 0; s < nseq; s++) {
            float[] seq = new float[seqlen * cols];
            System.arraycopy(x, s * seqlen * cols, seq, 0, seq.length);
            hessian.add(seq, seqlen);
        }
        return hessian;
    }
}
