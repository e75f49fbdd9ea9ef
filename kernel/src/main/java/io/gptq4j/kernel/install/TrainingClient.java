package io.gptq4j.kernel.install;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/**
 * A minimal Jupyter client for the class-data archive's training run: it writes a connection
 * file, then sends the requests a notebook session starts with ({@code kernel_info}, one
 * {@code execute}) and a {@code shutdown}, each signed with HMAC-SHA256 as Jupyter messaging 5.3
 * specifies, and waits for each reply.
 */
final class TrainingClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] DELIMITER = "<IDS|MSG>".getBytes(StandardCharsets.US_ASCII);

    private final String key;
    private final String session = UUID.randomUUID().toString();
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final ZMQ.Context context = ZMQ.context(1);
    private ZMQ.Socket shell;
    private ZMQ.Socket control;

    TrainingClient() throws IOException {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.key = HexFormat.of().formatHex(secret);
        for (String port : List.of("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")) {
            ports.put(port, freePort());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Writes the connection file the kernel is started with. */
    void writeConnectionFile(Path file) throws IOException {
        Map<String, Object> connection = new LinkedHashMap<>(ports);
        connection.put("ip", "127.0.0.1");
        connection.put("transport", "tcp");
        connection.put("signature_scheme", "hmac-sha256");
        connection.put("key", key);
        JSON.writeValue(file.toFile(), connection);
    }

    /** Connects to the kernel's shell and control sockets; ZMQ queues requests until it binds. */
    void connect(long receiveTimeoutMillis) {
        shell = dealer("shell_port", receiveTimeoutMillis);
        control = dealer("control_port", receiveTimeoutMillis);
    }

    private ZMQ.Socket dealer(String port, long receiveTimeoutMillis) {
        ZMQ.Socket socket = context.socket(SocketType.DEALER);
        socket.setLinger(0);
        socket.setReceiveTimeOut((int) receiveTimeoutMillis);
        socket.connect("tcp://127.0.0.1:" + ports.get(port));
        return socket;
    }

    /** Sends {@code kernel_info}, one {@code execute} of {@code code}, then {@code shutdown}, each waiting for its reply. */
    void runSession(String code) throws IOException {
        request(shell, "kernel_info_request", Map.of());
        Map<String, Object> execute = new LinkedHashMap<>();
        execute.put("code", code);
        execute.put("silent", false);
        execute.put("store_history", true);
        execute.put("user_expressions", Map.of());
        execute.put("allow_stdin", false);
        execute.put("stop_on_error", true);
        request(shell, "execute_request", execute);
        request(control, "shutdown_request", Map.of("restart", false));
    }

    private void request(ZMQ.Socket socket, String type, Map<String, Object> content) throws IOException {
        String msgId = UUID.randomUUID().toString();
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("msg_id", msgId);
        header.put("session", session);
        header.put("username", "gptq4j-install");
        header.put("date", Instant.now().toString());
        header.put("msg_type", type);
        header.put("version", "5.3");
        List<byte[]> parts = List.of(JSON.writeValueAsBytes(header), "{}".getBytes(StandardCharsets.UTF_8),
                "{}".getBytes(StandardCharsets.UTF_8), JSON.writeValueAsBytes(content));
        socket.sendMore(DELIMITER);
        socket.sendMore(sign(parts));
        for (int i = 0; i < parts.size(); i++) {
            if (i < parts.size() - 1) {
                socket.sendMore(parts.get(i));
            } else {
                socket.send(parts.get(i));
            }
        }
        awaitReply(socket, type, msgId);
    }

    /** Reads messages until the reply to {@code msgId}; the parent header is the third frame after the delimiter. */
    private static void awaitReply(ZMQ.Socket socket, String type, String msgId) throws IOException {
        while (true) {
            List<byte[]> frames = new ArrayList<>();
            do {
                byte[] frame = socket.recv();
                if (frame == null) {
                    throw new IOException("no reply to " + type + " from the kernel in time");
                }
                frames.add(frame);
            } while (socket.hasReceiveMore());
            int delimiter = indexOfDelimiter(frames);
            if (delimiter >= 0 && frames.size() > delimiter + 3) {
                String parent = JSON.readTree(frames.get(delimiter + 3)).path("msg_id").asText();
                if (parent.equals(msgId)) {
                    return;
                }
            }
        }
    }

    private static int indexOfDelimiter(List<byte[]> frames) {
        for (int i = 0; i < frames.size(); i++) {
            if (Arrays.equals(DELIMITER, frames.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private byte[] sign(List<byte[]> parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
            parts.forEach(mac::update);
            return HexFormat.of().formatHex(mac.doFinal()).getBytes(StandardCharsets.US_ASCII);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JDK", e);
        }
    }

    @Override
    public void close() {
        if (shell != null) {
            shell.close();
        }
        if (control != null) {
            control.close();
        }
        context.close();
    }
}
