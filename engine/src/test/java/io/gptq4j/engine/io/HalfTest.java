package io.gptq4j.engine.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HalfTest {

    @Test
    void knownBitPatterns() {
        // Values from the IEEE 754 binary16 table: 1.0, -2.0, max finite, min subnormal.
        assertEquals(1.0f, Half.toFloat((short) 0x3C00));
        assertEquals(-2.0f, Half.toFloat((short) 0xC000));
        assertEquals(65504.0f, Half.toFloat((short) 0x7BFF));
        assertEquals(0x1p-24f, Half.toFloat((short) 0x0001));
        assertEquals((short) 0x3C00, Half.fromFloat(1.0f));
        assertEquals((short) 0x7C00, Half.fromFloat(70000f));
    }

    @Test
    void roundTripAllHalves() {
        for (int bits = 0; bits < 0x10000; bits++) {
            int exp = (bits >>> 10) & 0x1F;
            if (exp == 0x1F && (bits & 0x3FF) != 0) {
                continue; // NaN payloads need not round-trip bit for bit
            }
            assertEquals((short) bits, Half.fromFloat(Half.toFloat((short) bits)), "bits " + Integer.toHexString(bits));
        }
    }

    @Test
    void tiesRoundToEven() {
        // 1 + 2^-11 lies halfway between 1.0 (even mantissa) and 1 + 2^-10.
        assertEquals((short) 0x3C00, Half.fromFloat(1.0f + 0x1p-11f));
        // 1 + 3 * 2^-11 lies halfway between 1 + 2^-10 (odd) and 1 + 2^-9 (even).
        assertEquals((short) 0x3C02, Half.fromFloat(1.0f + 3 * 0x1p-11f));
    }
}
