package io.gptq4j.kernel.protocol;

import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.channels.Loop;
import org.dflib.jjava.jupyter.channels.ShellChannel;
import org.dflib.jjava.jupyter.channels.ShellHandler;
import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.MessageType;
import org.dflib.jjava.jupyter.messages.publish.PublishStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.ZMQ;

/**
 * A jjava-jupyter connection whose shell and control sockets are served by threads that block in
 * a ZMQ poll until a request arrives. jjava-jupyter 1.0-a6 checks these sockets without blocking
 * and sleeps 50 ms between checks, which adds 25 ms on average to every request and wakes the
 * process 20 times a second per socket even when idle.
 *
 * <p>The serving threads are the library's {@link Loop}, so {@link LoopGuard} guards them, and they
 * dispatch to the handlers registered with {@link #setHandler} the way the library's own shell
 * loop does. Heartbeat, stdin and IOPub stay as the library binds them.
 */
public final class PollingConnection extends JupyterConnection {

    private static final Logger LOG = LoggerFactory.getLogger(PollingConnection.class);
    /** Maximum time one poll blocks, in milliseconds, so a stopped loop ends within this time. */
    static final long POLL_TIMEOUT_MILLIS = 100;
    /** How long {@link #close()} waits for the other loop to leave its poll before closing sockets. */
    private static final long CLOSE_WAIT_MILLIS = 2 * POLL_TIMEOUT_MILLIS;

    private final KernelConnectionProperties properties;
    /**
     * Creates the pollers' selectors and nothing else, so it starts no threads. The library keeps
     * its socket context private, and a JeroMQ poller only needs a context to open a selector.
     */
    private final ZMQ.Context pollerContext = ZMQ.context(1);
    private final List<Loop> loops = new ArrayList<>();
    private boolean connected;
    private boolean closed;

    public PollingConnection(KernelConnectionProperties properties) throws NoSuchAlgorithmException, InvalidKeyException {
        super(properties);
        this.properties = properties;
    }

    /** Binds all five sockets, starts serving shell and control, and publishes the starting status. */
    @Override
    public synchronized void connect() {
        if (connected) {
            return;
        }
        heartbeat.bind(properties);
        loops.add(serve(shell, "Shell", properties.getShellPort()));
        loops.add(serve(control, "Control", properties.getControlPort()));
        stdin.bind(properties);
        iopub.bind(properties);
        iopub.sendMessage(new Message<>(null, PublishStatus.MESSAGE_TYPE, PublishStatus.STARTING));
        connected = true;
    }

    private Loop serve(ShellChannel channel, String name, int port) {
        String address = properties.getTransport() + "://" + properties.getIp() + ":" + port;
        channel.bind(address);
        ZMQ.Poller poller = pollerContext.poller(1);
        poller.register(channel, ZMQ.Poller.POLLIN);
        // No sleep between iterations: the poll itself waits.
        Loop loop = new Loop(name, 0, () -> {
            if (poller.poll(POLL_TIMEOUT_MILLIS) > 0) {
                handleNext(channel, name);
            }
        });
        loop.onClose(poller::close);
        loop.start();
        LOG.debug("Serving {} on {}", name, address);
        return loop;
    }

    private void handleNext(ShellChannel channel, String name) {
        Message<?> message = channel.readMessage();
        if (message == null) {
            return;
        }
        MessageType<?> type = message.getHeader().getType();
        ShellHandler<?> handler = getHandler(type);
        if (handler == null) {
            LOG.warn("No handler for {} on {}; request ignored", type.getName(), name);
            return;
        }
        ShellReplyEnvironment env = prepareReplyEnv(channel, message);
        try {
            dispatch(handler, env, message);
        } catch (RuntimeException e) {
            LOG.warn("Handling {} on {} failed", type.getName(), name, e);
        } finally {
            env.resolveDeferrals();
        }
        if (env.isMarkedForShutdown()) {
            close();
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> void dispatch(ShellHandler<T> handler, ShellReplyEnvironment env, Message<?> message) {
        handler.handle(env, (Message<T>) message);
    }

    /**
     * Stops the loops and closes all sockets. A loop that is still running a request after
     * {@link #CLOSE_WAIT_MILLIS} (a cell that ignores the shutdown) is left to finish; what it
     * sends after that is dropped, because the library ignores sends on closed sockets.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        loops.forEach(Loop::shutdown);
        for (Loop loop : loops) {
            if (loop != Thread.currentThread()) {
                try {
                    loop.join(CLOSE_WAIT_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        super.close();
        pollerContext.close();
    }

    /** Blocks until both loops have ended, then until the library's own socket threads have. */
    @Override
    public void waitUntilClose() {
        for (Loop loop : loops) {
            try {
                loop.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        super.waitUntilClose();
    }
}
