package io.gptq4j.engine.io.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves {@code hf://OWNER/REPO[@REVISION][/PATH]} to local files through the Hugging Face Hub
 * cache, downloading what is missing. Talks to {@code HF_ENDPOINT} (default
 * {@code https://huggingface.co}) with {@code HF_TOKEN} as a bearer token, and works from the cache
 * alone when {@code HF_HUB_OFFLINE} is set or the endpoint cannot be reached.
 */
public final class HfHub {
    private static final Logger LOG = LoggerFactory.getLogger(HfHub.class);
    private static final Set<String> TRUE = Set.of("1", "true", "yes", "on");
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_REDIRECTS = 5;

    private final URI endpoint;
    private final String token;
    private final HfCache cache;
    private final boolean offline;
    private final HttpClient client;

    /**
     * @param endpoint Hub base URL, e.g. {@code https://huggingface.co}
     * @param token    access token, or null
     * @param cache    local cache
     * @param offline  never contact the endpoint
     */
    public HfHub(URI endpoint, String token, HfCache cache, boolean offline) {
        this.endpoint = URI.create(endpoint.toString().replaceAll("/+$", ""));
        this.token = token == null || token.isBlank() ? null : token.trim();
        this.cache = cache;
        this.offline = offline;
        this.client = HttpClient.newBuilder()
                .connectTimeout(METADATA_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** Creates a client configured from {@code HF_ENDPOINT}, {@code HF_TOKEN}, {@code HF_HUB_OFFLINE} and the cache variables. */
    public static HfHub fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    static HfHub fromEnvironment(Map<String, String> env) {
        String endpoint = env.getOrDefault("HF_ENDPOINT", "https://huggingface.co");
        boolean offline = TRUE.contains(env.getOrDefault("HF_HUB_OFFLINE", "").trim().toLowerCase(Locale.ROOT));
        return new HfHub(URI.create(endpoint), env.get("HF_TOKEN"), HfCache.fromEnvironment(env), offline);
    }

    /**
     * Returns a local path for {@code spec}: a {@code hf://} location is resolved through the Hub,
     * anything else is taken as a file system path.
     */
    public static Path resolveModelPath(String spec) throws IOException {
        return HfHubLocation.isHubLocation(spec) ? fromEnvironment().resolve(HfHubLocation.parse(spec)) : Path.of(spec);
    }

    /** Returns the snapshot path of a file, or of a folder with its model files, downloading as needed. */
    public Path resolve(HfHubLocation loc) throws IOException {
        if (offline) {
            return fromCache(loc, "HF_HUB_OFFLINE is set");
        }
        try {
            return loc.isFolder() ? downloadFolder(loc) : downloadFile(loc);
        } catch (ConnectException | HttpConnectTimeoutException | UnresolvedAddressException e) {
            LOG.warn("Cannot reach {} ({}); using the local cache for {}", endpoint, e, loc);
            return fromCache(loc, endpoint + " is unreachable (" + e + ")");
        }
    }

    private Path fromCache(HfHubLocation loc, String reason) throws IOException {
        Optional<Path> cached = cache.lookup(loc);
        if (cached.isEmpty()) {
            throw new IOException(loc + " is not in the Hugging Face cache " + cache.root() + " and " + reason
                    + "; download it once while online (unset HF_HUB_OFFLINE)");
        }
        return cached.get();
    }

    private Path downloadFile(HfHubLocation loc) throws IOException {
        HfFileMetadata meta = metadata(loc);
        String commit = meta.commit() != null ? meta.commit() : loc.revision();
        if (!HfCache.COMMIT.matcher(commit).matches()) {
            throw new IOException(endpoint + " did not send X-Repo-Commit for " + loc + "; is HF_ENDPOINT a Hugging Face Hub?");
        }
        Path blob = cache.blob(loc, meta.etag());
        if (!Files.isRegularFile(blob) || Files.size(blob) != meta.size()) {
            new HfDownload(client, token, endpoint).fetch(resolveUri(loc), blob, meta);
        }
        Path pointer = cache.link(loc, commit, blob);
        cache.writeRef(loc, commit);
        return pointer;
    }

    /** Downloads the model files of a folder: JSON files, safetensors and {@code tokenizer.model}. */
    private Path downloadFolder(HfHubLocation loc) throws IOException {
        URI api = URI.create(endpoint + "/api/models/" + loc.repoId() + "/revision/" + loc.revision());
        HttpResponse<String> response = send(HttpRequest.newBuilder(api).GET(), HttpResponse.BodyHandlers.ofString());
        checkStatus(response.statusCode(), loc);
        JsonNode info = new ObjectMapper().readTree(response.body());
        String commit = info.path("sha").asText("");
        if (!HfCache.COMMIT.matcher(commit).matches()) {
            throw new IOException(api + " returned no commit hash ('sha')");
        }
        String prefix = loc.path();
        int count = 0;
        for (JsonNode sibling : info.path("siblings")) {
            String name = sibling.path("rfilename").asText("");
            String rest = name.startsWith(prefix) ? name.substring(prefix.length()) : null;
            if (rest != null && !rest.contains("/") && isModelFile(rest)) {
                downloadFile(new HfHubLocation(loc.owner(), loc.repo(), commit, name));
                count++;
            }
        }
        if (count == 0) {
            throw new IOException(loc + " contains no config.json, safetensors or tokenizer files");
        }
        cache.writeRef(loc, commit);
        return cache.snapshot(loc.withPath(prefix), commit);
    }

    private static boolean isModelFile(String name) {
        return name.endsWith(".json") || name.endsWith(".safetensors") || name.equals("tokenizer.model");
    }

    private URI resolveUri(HfHubLocation loc) {
        return URI.create(endpoint + "/" + loc.repoId() + "/resolve/" + loc.revision() + "/" + loc.path());
    }

    /**
     * HEAD on the resolve URL. Relative redirects (a renamed repository) are followed; an absolute
     * redirect (a CDN for large files) is not, because the Hub sends the metadata of the target
     * ({@code X-Linked-Etag}, {@code X-Linked-Size}) with the redirect itself.
     */
    private HfFileMetadata metadata(HfHubLocation loc) throws IOException {
        URI uri = resolveUri(loc);
        for (int i = 0; i <= MAX_REDIRECTS; i++) {
            HttpRequest.Builder head = HttpRequest.newBuilder(uri)
                    .method("HEAD", HttpRequest.BodyPublishers.noBody())
                    .header("Accept-Encoding", "identity");
            HttpResponse<Void> r = send(head, HttpResponse.BodyHandlers.discarding());
            int status = r.statusCode();
            String location = r.headers().firstValue("Location").orElse(null);
            if (status >= 300 && status < 400 && location != null && !URI.create(location).isAbsolute()) {
                uri = uri.resolve(location);
                continue;
            }
            if (status >= 400) {
                checkStatus(status, loc);
            }
            return HfFileMetadata.from(r.headers(), loc);
        }
        throw new IOException("too many redirects resolving " + loc);
    }

    private <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> handler) throws IOException {
        request.timeout(METADATA_TIMEOUT);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            return client.send(request.build(), handler);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while contacting " + endpoint, e);
        } catch (HttpTimeoutException e) {
            throw new HttpConnectTimeoutException("request to " + endpoint + " timed out after " + METADATA_TIMEOUT.toSeconds() + " s");
        }
    }

    private void checkStatus(int status, HfHubLocation loc) throws IOException {
        if (status == 401 || status == 403) {
            throw new IOException("access to " + loc + " was denied (HTTP " + status + "); the repository is gated"
                    + " or private, so set HF_TOKEN to a token that has access" + (token == null ? "" : " (the current one has none)"));
        }
        if (status == 404) {
            throw new IOException(loc + " was not found (HTTP 404); check the repository, revision and path");
        }
        if (status >= 400) {
            throw new IOException("the Hub returned HTTP " + status + " for " + loc);
        }
    }
}
