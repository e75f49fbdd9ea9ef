package io.gptq4j.dsl.display;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One value in several MIME representations, as a notebook front end receives it: text types
 * ({@code text/plain}, {@code text/html}, {@code image/svg+xml}) map to a {@link String},
 * binary types ({@code image/png}) to the raw bytes, which the kernel base64-encodes.
 * A front end shows the richest type it supports, so {@code text/plain} should always be present.
 */
public final class MimeBundle {

    public static final String TEXT_PLAIN = "text/plain";
    public static final String TEXT_HTML = "text/html";
    public static final String IMAGE_PNG = "image/png";
    public static final String IMAGE_SVG = "image/svg+xml";

    private final Map<String, Object> data;

    private MimeBundle(Map<String, Object> data) {
        this.data = Collections.unmodifiableMap(data);
    }

    /** Creates a bundle with only a {@code text/plain} representation. */
    public static MimeBundle text(String plain) {
        return new MimeBundle(Map.of()).with(TEXT_PLAIN, plain);
    }

    /**
     * Returns a copy of this bundle with {@code mimeType} set to {@code value}.
     *
     * @param value a {@link String} for text types, a {@code byte[]} for binary types
     * @throws IllegalArgumentException when the value is neither a String nor a byte array
     */
    public MimeBundle with(String mimeType, Object value) {
        Objects.requireNonNull(mimeType, "mimeType");
        if (!(value instanceof String) && !(value instanceof byte[])) {
            throw new IllegalArgumentException("MIME value for " + mimeType
                    + " must be a String or byte[], got " + (value == null ? "null" : value.getClass().getName()));
        }
        Map<String, Object> copy = new LinkedHashMap<>(data);
        copy.put(mimeType, value);
        return new MimeBundle(copy);
    }

    /** Returns the representations keyed by MIME type, in insertion order; unmodifiable. */
    public Map<String, Object> data() {
        return data;
    }

    @Override
    public String toString() {
        Object plain = data.get(TEXT_PLAIN);
        return plain instanceof String s ? s : "MimeBundle" + data.keySet();
    }
}
