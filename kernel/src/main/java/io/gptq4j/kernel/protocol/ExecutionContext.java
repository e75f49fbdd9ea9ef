package io.gptq4j.kernel.protocol;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.dflib.jjava.jupyter.channels.ReplyEnvironment;
import org.dflib.jjava.jupyter.messages.ContentType;
import org.dflib.jjava.jupyter.messages.publish.PublishStream;

/**
 * What the running cell's output goes to: the reply environment of its {@code execute_request}
 * and the {@code System.out}/{@code System.err} replacements that publish stream messages.
 * Output made outside a cell (by a background thread after its cell ended) goes to the most
 * recent cell.
 */
public final class ExecutionContext {

    private final PrintStream originalOut = System.out;
    private final PrintStream originalErr = System.err;
    private volatile ReplyEnvironment env;
    private volatile StreamPublisher out;
    private volatile StreamPublisher err;

    /** Sends {@code System.out}/{@code System.err} to {@code cellEnv} until {@link #detach()}. */
    public void attach(ReplyEnvironment cellEnv) {
        env = cellEnv;
        out = new StreamPublisher(text -> cellEnv.publish(new PublishStream(PublishStream.StreamType.OUT, text)));
        err = new StreamPublisher(text -> cellEnv.publish(new PublishStream(PublishStream.StreamType.ERR, text)));
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    /** Publishes pending text, so it appears before the cell's result or error. */
    public void flush() {
        System.out.flush();
        System.err.flush();
        StreamPublisher currentOut = out;
        StreamPublisher currentErr = err;
        if (currentOut != null) {
            currentOut.publishPending();
        }
        if (currentErr != null) {
            currentErr.publishPending();
        }
    }

    /** Restores the process streams; the environment stays for late output. */
    public void detach() {
        flush();
        System.setOut(originalOut);
        System.setErr(originalErr);
    }

    /** Publishes {@code content} on IOPub with the current cell as parent; dropped before any cell ran. */
    public <T extends ContentType<T>> void publish(T content) {
        ReplyEnvironment current = env;
        if (current != null) {
            current.publish(content);
        }
    }
}
