package io.gptq4j.engine.linalg;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Chooses and caches the process-wide {@link Blas}. */
final class BlasFactory {
    /** System property that forces an implementation: {@code java} or {@code openblas}. */
    static final String PROPERTY = "gptq4j.blas";

    private static final Logger LOG = LoggerFactory.getLogger(BlasFactory.class);
    private static volatile Blas instance;

    private BlasFactory() {
    }

    static Blas instance() {
        Blas b = instance;
        if (b == null) {
            synchronized (BlasFactory.class) {
                b = instance;
                if (b == null) {
                    b = choose(System.getProperty(PROPERTY, "").trim().toLowerCase(Locale.ROOT));
                    instance = b;
                }
            }
        }
        return b;
    }

    static Blas choose(String forced) {
        switch (forced) {
            case "java":
                LOG.info("Using the pure-Java BLAS ({}=java)", PROPERTY);
                return new JavaBlas();
            case "openblas":
                // Forced: a loading failure is an error, not a silent fallback.
                return OpenBlas.load();
            case "":
                break;
            default:
                throw new IllegalArgumentException("invalid -D" + PROPERTY + "=" + forced
                        + "; valid values: java, openblas");
        }
        try {
            return OpenBlas.load();
        } catch (LinkageError | RuntimeException e) {
            LOG.warn("OpenBLAS native library failed to load ({}); falling back to the slower pure-Java BLAS", e.toString());
            return new JavaBlas();
        }
    }
}
