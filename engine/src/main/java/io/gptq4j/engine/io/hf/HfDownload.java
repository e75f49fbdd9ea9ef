package io.gptq4j.engine.io.hf;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads one file into {@code <blob>.incomplete}, resuming with an HTTP Range request after a
 * dropped connection or an earlier interrupted run, checks its size (and SHA-256 when the ETag is
 * one), then renames it to the blob path.
 */
final class HfDownload {
    private static final Logger LOG = LoggerFactory.getLogger(HfDownload.class);
    private static final int MAX_ATTEMPTS = 5;
    private static final int MAX_REDIRECTS = 5;
    private static final Duration READ_TIMEOUT = Duration.ofMinutes(5);

    private final HttpClient client;
    private final String token;
    private final URI endpoint;

    HfDownload(HttpClient client, String token, URI endpoint) {
        this.client = client;
        this.token = token;
        this.endpoint = endpoint;
    }

    void fetch(URI uri, Path blob, HfFileMetadata meta) throws IOException {
        Files.createDirectories(blob.getParent());
        Path partial = blob.resolveSibling(blob.getFileName() + ".incomplete");
        IOException last = null;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            long have = Files.exists(partial) ? Files.size(partial) : 0;
            if (have > meta.size()) {
                Files.delete(partial);
                have = 0;
            }
            try {
                if (have < meta.size() || meta.size() == 0) {
                    transfer(uri, partial, have);
                }
                last = null;
                break;
            } catch (IOException e) {
                last = e;
                LOG.warn("Download of {} stopped after {} of {} bytes (attempt {} of {}): {}", uri,
                        Files.exists(partial) ? Files.size(partial) : 0, meta.size(), attempt, MAX_ATTEMPTS, e.toString());
            }
        }
        if (last != null) {
            throw new IOException("download of " + uri + " failed " + MAX_ATTEMPTS + " times; the partial file "
                    + partial + " is kept and the next run resumes it", last);
        }
        verify(partial, meta, uri);
        Files.move(partial, blob, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Sends one GET from byte {@code have} on, appending to {@code partial}; follows redirects by hand. */
    private void transfer(URI uri, Path partial, long have) throws IOException {
        URI current = uri;
        for (int i = 0; i <= MAX_REDIRECTS; i++) {
            HttpRequest.Builder get = HttpRequest.newBuilder(current).GET().timeout(READ_TIMEOUT)
                    .header("Accept-Encoding", "identity");
            // The token goes only to the Hub itself, never to a CDN host it redirects to.
            if (token != null && sameHost(current, endpoint)) {
                get.header("Authorization", "Bearer " + token);
            }
            if (have > 0) {
                get.header("Range", "bytes=" + have + "-");
            }
            HttpResponse<InputStream> r = send(get.build());
            int status = r.statusCode();
            if (status >= 300 && status < 400) {
                String location = r.headers().firstValue("Location")
                        .orElseThrow(() -> new IOException("HTTP " + status + " without Location from " + uri));
                r.body().close();
                current = current.resolve(location);
                continue;
            }
            try (InputStream in = r.body()) {
                if (status == 200) {
                    copy(in, partial, false);
                } else if (status == 206) {
                    checkContentRange(r, have);
                    copy(in, partial, true);
                } else if (status != 416) {
                    throw new IOException("HTTP " + status + " downloading " + uri);
                }
            }
            return;
        }
        throw new IOException("too many redirects downloading " + uri);
    }

    private static void checkContentRange(HttpResponse<?> r, long have) throws IOException {
        String range = r.headers().firstValue("Content-Range").orElse("");
        if (!range.startsWith("bytes " + have + "-")) {
            throw new IOException("server resumed at '" + range + "' instead of byte " + have);
        }
    }

    private static void copy(InputStream in, Path partial, boolean append) throws IOException {
        try (OutputStream out = Files.newOutputStream(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
            in.transferTo(out);
        }
    }

    private static void verify(Path partial, HfFileMetadata meta, URI uri) throws IOException {
        long size = Files.size(partial);
        if (size != meta.size()) {
            Files.delete(partial);
            throw new IOException("downloaded " + size + " bytes of " + uri + " but the Hub announced " + meta.size()
                    + "; the partial file was removed, retry the download");
        }
        if (meta.isSha256()) {
            String sha = sha256(partial);
            if (!sha.equals(meta.etag())) {
                Files.delete(partial);
                throw new IOException("SHA-256 of " + uri + " is " + sha + " but the Hub announced " + meta.etag()
                        + "; the download was corrupted and removed, retry it");
            }
        }
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM provides no SHA-256", e);
        }
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                digest.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private HttpResponse<InputStream> send(HttpRequest request) throws IOException {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while downloading " + request.uri(), e);
        }
    }

    private static boolean sameHost(URI a, URI b) {
        return a.getHost() != null && a.getHost().equalsIgnoreCase(b.getHost()) && a.getPort() == b.getPort();
    }
}
