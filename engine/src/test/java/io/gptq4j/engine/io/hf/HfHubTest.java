package io.gptq4j.engine.io.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.gptq4j.engine.forward.LlamaForward;
import io.gptq4j.engine.forward.TinyModels;
import io.gptq4j.engine.io.ModelLoader;
import io.gptq4j.engine.model.LlamaConfig;
import io.gptq4j.engine.model.LlamaModel;
import io.gptq4j.engine.model.RopeLayout;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hf:// client against a local Hub imitation on 127.0.0.1 that this test starts. */
class HfHubTest {
    private static final String TOKEN = "hf_test_token";
    private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    @TempDir
    Path tmp;

    private HttpServer server;
    private int port;
    private final Map<String, byte[]> files = new LinkedHashMap<>();
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean dropNextBody = new AtomicBoolean();
    private String badSha;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
        port = server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    private HfHub hub(String token, boolean offline) {
        return new HfHub(endpoint(), token, new HfCache(tmp.resolve("cache")), offline);
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String range = ex.getRequestHeaders().getFirst("Range");
        requests.add(ex.getRequestMethod() + " " + path + (range == null ? "" : " " + range));
        if (!("Bearer " + TOKEN).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            ex.sendResponseHeaders(401, -1);
            ex.close();
            return;
        }
        if (path.equals("/api/models/owner/repo/revision/main")) {
            StringBuilder json = new StringBuilder("{\"sha\":\"" + COMMIT + "\",\"siblings\":[");
            json.append("{\"rfilename\":\"README.md\"}");
            for (String name : files.keySet()) {
                json.append(",{\"rfilename\":\"").append(name).append("\"}");
            }
            byte[] body = json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
            return;
        }
        String prefix = "/owner/repo/resolve/";
        String rest = path.startsWith(prefix) ? path.substring(prefix.length()) : "";
        String name = rest.contains("/") ? rest.substring(rest.indexOf('/') + 1) : "";
        byte[] data = files.get(name);
        if (data == null) {
            ex.sendResponseHeaders(404, -1);
            ex.close();
            return;
        }
        ex.getResponseHeaders().add("X-Repo-Commit", COMMIT);
        ex.getResponseHeaders().add("ETag", "\"" + (badSha != null ? badSha : sha256(data)) + "\"");
        ex.getResponseHeaders().add("X-Linked-Size", Long.toString(data.length));
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.sendResponseHeaders(200, -1);
            ex.close();
            return;
        }
        int from = 0;
        if (range != null) {
            from = Integer.parseInt(range.replaceAll("bytes=(\\d+)-", "$1"));
            ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (data.length - 1) + "/" + data.length);
        }
        ex.sendResponseHeaders(range == null ? 200 : 206, data.length - from);
        OutputStream out = ex.getResponseBody();
        if (dropNextBody.getAndSet(false)) {
            // Send the first 40 % and drop the connection, as a network failure would.
            out.write(data, from, (data.length - from) * 2 / 5);
            out.flush();
            closeAbruptly(ex);
            return;
        }
        out.write(data, from, data.length - from);
        ex.close();
    }

    private static void closeAbruptly(HttpExchange ex) {
        try {
            ex.close();
        } catch (RuntimeException expected) {
            // The server complains that fewer bytes than announced were written; that is the point.
        }
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new Random(7).nextBytes(b);
        return b;
    }

    @Test
    void downloadsIntoCacheLayout() throws IOException {
        byte[] data = randomBytes(100_000);
        files.put("sub/weights.bin", data);
        Path p = hub(TOKEN, false).resolve(HfHubLocation.parse("hf://owner/repo/sub/weights.bin"));

        Path repoDir = tmp.resolve("cache/models--owner--repo");
        assertEquals(repoDir.resolve("snapshots/" + COMMIT + "/sub/weights.bin"), p);
        assertTrue(Files.isSymbolicLink(p));
        assertEquals(Path.of("../../../blobs/" + sha256(data)), Files.readSymbolicLink(p));
        assertArrayEquals(data, Files.readAllBytes(p));
        assertEquals(COMMIT, Files.readString(repoDir.resolve("refs/main")));
        assertFalse(Files.exists(repoDir.resolve("blobs/" + sha256(data) + ".incomplete")));
    }

    @Test
    void resumesAfterDroppedConnection() throws IOException {
        byte[] data = randomBytes(200_000);
        files.put("model.safetensors", data);
        dropNextBody.set(true);
        Path p = hub(TOKEN, false).resolve(HfHubLocation.parse("hf://owner/repo/model.safetensors"));
        assertArrayEquals(data, Files.readAllBytes(p));
        List<String> gets = requests.stream().filter(r -> r.startsWith("GET")).toList();
        assertEquals(2, gets.size(), "one dropped GET, one resumed GET: " + requests);
        assertEquals("GET /owner/repo/resolve/main/model.safetensors", gets.get(0));
        assertTrue(gets.get(1).matches("GET /owner/repo/resolve/main/model.safetensors bytes=[1-9]\\d*-"), gets.get(1));
    }

    @Test
    void resumesPartialFileFromEarlierRun() throws IOException {
        byte[] data = randomBytes(50_000);
        files.put("model.safetensors", data);
        Path blobs = tmp.resolve("cache/models--owner--repo/blobs");
        Files.createDirectories(blobs);
        Files.write(blobs.resolve(sha256(data) + ".incomplete"), java.util.Arrays.copyOf(data, 12_345));
        Path p = hub(TOKEN, false).resolve(HfHubLocation.parse("hf://owner/repo/model.safetensors"));
        assertArrayEquals(data, Files.readAllBytes(p));
        assertTrue(requests.contains("GET /owner/repo/resolve/main/model.safetensors bytes=12345-"), requests.toString());
    }

    @Test
    void missingTokenIsExplained() {
        files.put("config.json", "{}".getBytes(StandardCharsets.UTF_8));
        IOException e = assertThrows(IOException.class,
                () -> hub(null, false).resolve(HfHubLocation.parse("hf://owner/repo/config.json")));
        assertTrue(e.getMessage().contains("HTTP 401"), e.getMessage());
        assertTrue(e.getMessage().contains("set HF_TOKEN"), e.getMessage());
    }

    @Test
    void checksumMismatchIsRejected() {
        files.put("model.safetensors", randomBytes(1000));
        badSha = "ab".repeat(32);
        IOException e = assertThrows(IOException.class,
                () -> hub(TOKEN, false).resolve(HfHubLocation.parse("hf://owner/repo/model.safetensors")));
        assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("cache/models--owner--repo/blobs/" + badSha)));
        assertFalse(Files.exists(tmp.resolve("cache/models--owner--repo/blobs/" + badSha + ".incomplete")));
    }

    @Test
    void worksOfflineFromCache() throws IOException {
        byte[] data = randomBytes(1000);
        files.put("config.json", data);
        HfHubLocation loc = HfHubLocation.parse("hf://owner/repo/config.json");
        Path online = hub(TOKEN, false).resolve(loc);
        int seen = requests.size();

        assertEquals(online, hub(TOKEN, true).resolve(loc));
        assertEquals(seen, requests.size(), "offline mode sends no request");

        server.stop(0);
        server = null;
        assertEquals(online, hub(TOKEN, false).resolve(loc), "an unreachable endpoint falls back to the cache");

        IOException e = assertThrows(IOException.class,
                () -> hub(TOKEN, true).resolve(HfHubLocation.parse("hf://owner/repo/other.json")));
        assertTrue(e.getMessage().contains("is not in the Hugging Face cache"), e.getMessage());
    }

    @Test
    void folderOfHfModelLoads() throws IOException {
        LlamaConfig config = TinyModels.config(16, 24, 1, 4, 2, 32, RopeLayout.HALF_SPLIT);
        LlamaModel model = TinyModels.random(config, 9, false);
        Path exported = tmp.resolve("exported");
        HfCheckpointWriter.write(model, exported, HfCheckpointWriter.Precision.F32);
        try (var list = Files.list(exported)) {
            for (Path f : list.toList()) {
                files.put(f.getFileName().toString(), Files.readAllBytes(f));
            }
        }
        Path dir = hub(TOKEN, false).resolve(HfHubLocation.parse("hf://owner/repo"));
        assertEquals(tmp.resolve("cache/models--owner--repo/snapshots/" + COMMIT), dir);
        assertFalse(Files.exists(dir.resolve("README.md")), "only model files are fetched");
        int[] tokens = {1, 2, 3};
        assertArrayEquals(LlamaForward.logits(model, tokens), LlamaForward.logits(ModelLoader.load(dir), tokens));
    }

    @Test
    void locationParsing() {
        HfHubLocation l = HfHubLocation.parse("hf://TheBloke/Llama-2-7B-GPTQ@gptq-4bit-32g/sub/model.safetensors");
        assertEquals("TheBloke", l.owner());
        assertEquals("Llama-2-7B-GPTQ", l.repo());
        assertEquals("gptq-4bit-32g", l.revision());
        assertEquals("sub/model.safetensors", l.path());
        assertEquals("main", HfHubLocation.parse("hf://a/b").revision());
        assertTrue(HfHubLocation.parse("hf://a/b").isFolder());
        assertThrows(IllegalArgumentException.class, () -> HfHubLocation.parse("hf://a/b/../../etc/passwd"));
        assertThrows(IllegalArgumentException.class, () -> HfHubLocation.parse("hf://a"));
    }

    @Test
    void environmentSelectsCacheAndEndpoint() {
        assertEquals(Path.of("/x/hub"), HfCache.fromEnvironment(Map.of("HF_HOME", "/x")).root());
        assertEquals(Path.of("/y"), HfCache.fromEnvironment(Map.of("HF_HOME", "/x", "HF_HUB_CACHE", "/y")).root());
    }
}
