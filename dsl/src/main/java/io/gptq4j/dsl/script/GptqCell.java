package io.gptq4j.dsl.script;

import io.gptq4j.dsl.Session;
import io.gptq4j.dsl.spi.GptqTextForm;
import java.util.List;

/**
 * The {@code %%gptq} magic's entry point, found by the kernel through {@link java.util.ServiceLoader}.
 * The kernel may create a new instance for every cell, so all instances share one
 * {@link GptqScript}: a session loaded in one cell is there in the next.
 */
public final class GptqCell implements GptqTextForm {
    private static final GptqScript SHARED = new GptqScript();

    /** Runs one {@code %%gptq} cell on the shared script. */
    @Override
    public Object run(List<String> arguments, String body) {
        synchronized (SHARED) {
            return SHARED.run(arguments, body);
        }
    }

    /** Returns the session the {@code %%gptq} cells built, or null before {@code load}; for Java cells. */
    public static Session session() {
        synchronized (SHARED) {
            return SHARED.session();
        }
    }
}
