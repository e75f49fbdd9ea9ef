package io.gptq4j.kernel.display;

import io.gptq4j.dsl.display.MimeBundle;
import java.util.Base64;
import java.util.Map;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;

/** Converts a {@link MimeBundle} to the kernel library's {@link DisplayData}, base64-encoding binary data. */
public final class DisplayDataConverter {

    private DisplayDataConverter() {
    }

    public static DisplayData toDisplayData(MimeBundle bundle) {
        DisplayData data = new DisplayData();
        for (Map.Entry<String, Object> entry : bundle.data().entrySet()) {
            Object value = entry.getValue();
            data.putData(entry.getKey(), value instanceof byte[] bytes ? Base64.getEncoder().encodeToString(bytes) : value);
        }
        return data;
    }
}
