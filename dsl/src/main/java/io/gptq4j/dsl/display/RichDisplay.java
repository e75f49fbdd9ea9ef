package io.gptq4j.dsl.display;

/**
 * An object that knows how to show itself in a notebook. The gptq4j kernel renders any cell value
 * implementing this interface through {@link #toMimeBundle()}, so DSL types stay free of kernel
 * dependencies.
 */
public interface RichDisplay {

    /** Returns this object's representations; should include {@code text/plain}. */
    MimeBundle toMimeBundle();
}
