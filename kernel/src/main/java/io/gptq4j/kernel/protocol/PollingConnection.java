package io.gptq4j.kernel.protocol;

import java.lang.reflect.Field;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.channels.ShellChannel;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A jjava-jupyter connection whose shell and control loops poll every {@link #POLL_MILLIS}. In
 * jjava-jupyter 1.0-a6 these loops check their socket without blocking and then sleep 50 ms, which
 * adds about 25 ms on average to every request; the library has a constructor parameter for the
 * sleep but {@link JupyterConnection} always passes 50, so it is set here before the loops start.
 */
public final class PollingConnection extends JupyterConnection {

    private static final Logger LOG = LoggerFactory.getLogger(PollingConnection.class);
    /** Sleep between two polls of the shell and control sockets, in milliseconds. */
    static final long POLL_MILLIS = 2;

    public PollingConnection(KernelConnectionProperties properties) throws NoSuchAlgorithmException, InvalidKeyException {
        super(properties);
        setPollSleep(shell);
        setPollSleep(control);
    }

    private static void setPollSleep(ShellChannel channel) {
        try {
            Field sleep = ShellChannel.class.getDeclaredField("sleep");
            sleep.setAccessible(true);
            sleep.setLong(channel, POLL_MILLIS);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("Cannot shorten the socket poll interval of the kernel library; requests wait up to 50 ms: {}",
                    e.toString());
        }
    }
}
