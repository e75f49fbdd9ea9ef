package io.gptq4j.kernel;

import io.gptq4j.kernel.protocol.LoopGuard;
import io.gptq4j.kernel.protocol.ParentWatcher;
import io.gptq4j.kernel.protocol.PollingConnection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the kernel on the sockets of a Jupyter connection file until a shutdown request. Sockets
 * bind to the file's {@code ip} (jupyter_client writes 127.0.0.1 unless configured otherwise).
 */
public final class KernelServer {

    private static final Logger LOG = LoggerFactory.getLogger(KernelServer.class);

    private KernelServer() {
    }

    public static void run(Path connectionFile) throws IOException {
        KernelConnectionProperties properties;
        try {
            properties = KernelConnectionProperties.parse(Files.readString(connectionFile, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("Invalid connection file " + connectionFile + ": " + e.getMessage(), e);
        }
        if (properties.getKey() == null || properties.getKey().isEmpty()) {
            LOG.warn("Connection file {} has no key: messages are not signed or checked", connectionFile);
        }
        JupyterConnection connection;
        try {
            connection = new PollingConnection(properties);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("Unsupported signature scheme " + properties.getSignatureScheme()
                    + " in " + connectionFile, e);
        }
        GptqKernel kernel = GptqKernel.create();
        kernel.becomeHandlerForConnection(connection);
        connection.connect();
        kernel.startJShell();
        int guarded = LoopGuard.install();
        kernel.onStartup();
        ParentWatcher.start();
        LOG.info("Kernel listening on {}://{} (shell {}, control {}, {} socket loops guarded)",
                properties.getTransport(), properties.getIp(), properties.getShellPort(), properties.getControlPort(), guarded);
        connection.waitUntilClose();
        LOG.info("Kernel stopped");
    }
}
