package io.gptq4j.kernel.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamPublisherTest {

    @Test
    void splitUtf8SequenceWaitsForItsLastByte() {
        List<String> published = new ArrayList<>();
        StreamPublisher publisher = new StreamPublisher(published::add);
        byte[] bytes = "aé€".getBytes(StandardCharsets.UTF_8); // 1 + 2 + 3 bytes
        publisher.write(bytes, 0, 4); // "a", "é", first byte of "€"
        publisher.publishPending();
        publisher.write(bytes, 4, 2);
        publisher.publishPending();
        assertEquals(List.of("aé", "€"), published);
    }

    @Test
    void nothingPublishedWhenEmpty() {
        List<String> published = new ArrayList<>();
        StreamPublisher publisher = new StreamPublisher(published::add);
        publisher.publishPending();
        assertEquals(List.of(), published);
    }
}
