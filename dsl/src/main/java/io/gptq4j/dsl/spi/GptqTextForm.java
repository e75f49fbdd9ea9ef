package io.gptq4j.dsl.spi;

/**
 * Runs the text form of the quantization DSL, the body of a {@code %%gptq} notebook cell. The
 * kernel finds the implementation with {@link java.util.ServiceLoader}; register it in
 * {@code META-INF/services/io.gptq4j.dsl.spi.GptqTextForm}.
 */
public interface GptqTextForm {

    /**
     * Runs one cell.
     *
     * @param arguments the words after {@code %%gptq} on the first line
     * @param body      the rest of the cell
     * @return the value to display as the cell result, or {@code null} for none
     * @throws Exception any error, shown as the cell's error
     */
    Object run(java.util.List<String> arguments, String body) throws Exception;
}
