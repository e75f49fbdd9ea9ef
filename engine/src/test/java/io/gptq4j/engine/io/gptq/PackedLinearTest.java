package io.gptq4j.engine.io.gptq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gptq4j.engine.SharedData;
import io.gptq4j.engine.io.SafeTensors;
import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** GPTQ packing against the reference packs of three layer cases (3, 4 and 8 bit). */
class PackedLinearTest {

    private record Case(int rows, int cols, int bits, int[] qint, float[] scale, float[] zero, int[] gIdx) {
    }

    private static Case load(String name, int bits) throws IOException {
        SafeTensors st = SafeTensors.open(SharedData.fixture("layers/" + name + ".safetensors"));
        long[] shape = st.info("qint").shape();
        return new Case((int) shape[0], (int) shape[1], bits, st.ints("qint"), st.floats("scale"),
                st.floats("zero"), st.ints("g_idx"));
    }

    private static SafeTensors packs(String name, CheckpointFormat format) throws IOException {
        String suffix = format == CheckpointFormat.GPTQ ? ".packed_v1" : ".packed_v2";
        return SafeTensors.open(SharedData.fixture("layers/" + name + suffix + ".safetensors"));
    }

    @ParameterizedTest
    @CsvSource({"C03_b3_g64_asym_act,3", "C05_b4_g32_sym,4", "C10_b8_gm1_asym,8"})
    void packReproducesReferenceWords(String name, int bits) throws IOException {
        Case c = load(name, bits);
        for (CheckpointFormat format : CheckpointFormat.values()) {
            SafeTensors ref = packs(name, format);
            assertEquals(format.configName(), ref.metadata().get("checkpoint_format"));
            PackedLinear p = PackedLinear.pack(c.qint(), c.scale(), c.zero(), c.gIdx(), null,
                    c.rows(), c.cols(), bits, format);
            assertArrayEquals(ref.ints("qweight"), p.qweight(), name + " " + format + " qweight");
            assertArrayEquals(ref.ints("qzeros"), p.qzeros(), name + " " + format + " qzeros");
            assertArrayEquals(ref.halfBits("scales"), p.scales(), name + " " + format + " scales");
            assertArrayEquals(ref.ints("g_idx"), p.gIdx(), name + " " + format + " g_idx");
            assertArrayEquals(new long[] {(long) c.cols() * bits / 32, c.rows()}, ref.info("qweight").shape());
        }
    }

    @ParameterizedTest
    @CsvSource({"C03_b3_g64_asym_act,3", "C05_b4_g32_sym,4", "C10_b8_gm1_asym,8"})
    void unpackRecoversCodesZerosScales(String name, int bits) throws IOException {
        Case c = load(name, bits);
        int groups = c.scale().length / c.rows();
        for (CheckpointFormat format : CheckpointFormat.values()) {
            PackedLinear p = fromFixture(packs(name, format), c.rows(), c.cols(), bits, groups, format);
            assertArrayEquals(c.qint(), p.codes(), name + " " + format + " codes");
            int[] z = p.zeros();
            float[] s = p.scalesAsFloat();
            for (int o = 0; o < c.rows(); o++) {
                for (int g = 0; g < groups; g++) {
                    float expectedScale = c.scale()[o * groups + g];
                    assertEquals((int) c.zero()[o * groups + g], z[g * c.rows() + o], "zero row " + o + " group " + g);
                    // binary16 has an 11-bit significand: relative rounding error at most 2^-11.
                    assertEquals(expectedScale, s[g * c.rows() + o], Math.abs(expectedScale) * 0x1p-11f,
                            "scale row " + o + " group " + g);
                }
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"C03_b3_g64_asym_act,3", "C05_b4_g32_sym,4", "C10_b8_gm1_asym,8"})
    void dequantizeMatchesScaleTimesCodeMinusZero(String name, int bits) throws IOException {
        Case c = load(name, bits);
        int groups = c.scale().length / c.rows();
        for (CheckpointFormat format : CheckpointFormat.values()) {
            float[] w = fromFixture(packs(name, format), c.rows(), c.cols(), bits, groups, format).dequantize();
            for (int o = 0; o < c.rows(); o++) {
                for (int k = 0; k < c.cols(); k++) {
                    int g = o * groups + c.gIdx()[k];
                    double expected = (double) c.scale()[g] * (c.qint()[o * c.cols() + k] - c.zero()[g]);
                    assertEquals(expected, w[o * c.cols() + k], Math.abs(expected) * 0x1p-11 + 1e-12,
                            name + " " + format + " W[" + o + "," + k + "]");
                }
            }
        }
    }

    @Test
    void sym4BitZeroWords() {
        // Symmetric 4-bit: zero 8 everywhere, stored as 7 (v1) or 8 (v2) in every nibble.
        int rows = 16;
        int cols = 8;
        float[] scale = new float[rows];
        float[] zero = new float[rows];
        java.util.Arrays.fill(scale, 0.5f);
        java.util.Arrays.fill(zero, 8f);
        int[] qint = new int[rows * cols];
        PackedLinear v1 = PackedLinear.pack(qint, scale, zero, new int[cols], null, rows, cols, 4, CheckpointFormat.GPTQ);
        PackedLinear v2 = PackedLinear.pack(qint, scale, zero, new int[cols], null, rows, cols, 4, CheckpointFormat.GPTQ_V2);
        assertArrayEquals(new int[] {0x77777777, 0x77777777}, v1.qzeros());
        assertArrayEquals(new int[] {0x88888888, 0x88888888}, v2.qzeros());
    }

    @Test
    void v1RejectsZeroPointZero() {
        float[] zero = {3, 0, 5, 1, 2, 3, 4, 5};
        float[] scale = new float[8];
        java.util.Arrays.fill(scale, 0.1f);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                PackedLinear.pack(new int[8 * 8], scale, zero, new int[8], null, 8, 8, 4, CheckpointFormat.GPTQ));
        assertTrue(e.getMessage().contains("zero point 0 of output row 1, group 0"), e.getMessage());
        assertTrue(e.getMessage().contains("--format gptq_v2"), e.getMessage());
        // gptq_v2 stores the same zeros; row 1's nibble is 0 and its neighbours are intact.
        PackedLinear v2 = PackedLinear.pack(new int[8 * 8], scale, zero, new int[8], null, 8, 8, 4, CheckpointFormat.GPTQ_V2);
        assertArrayEquals(new int[] {3, 0, 5, 1, 2, 3, 4, 5}, v2.zeros());
    }

    static PackedLinear fromFixture(SafeTensors st, int rows, int cols, int bits, int groups, CheckpointFormat format)
            throws IOException {
        return new PackedLinear(rows, cols, bits, groups, format, st.ints("qweight"), st.ints("qzeros"),
                st.halfBits("scales"), st.ints("g_idx"), null);
    }

}
