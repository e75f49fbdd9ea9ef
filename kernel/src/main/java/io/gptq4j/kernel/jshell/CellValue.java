package io.gptq4j.kernel.jshell;

/** Result of a cell: either no value (a statement, a declaration) or a value, possibly null. */
public record CellValue(boolean present, Object value) {

    public static final CellValue NONE = new CellValue(false, null);

    public static CellValue of(Object value) {
        return new CellValue(true, value);
    }
}
