package io.gptq4j.engine.io.hf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Hugging Face Hub cache layout shared with {@code huggingface_hub}: per repository
 * {@code models--OWNER--REPO/} contains {@code blobs/<etag>} (file contents, named by ETag),
 * {@code snapshots/<commit>/<path>} (relative symbolic links to the blobs) and
 * {@code refs/<revision>} (the commit a branch or tag pointed to when last resolved).
 */
public final class HfCache {
    static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");
    private static final Pattern SAFE_ETAG = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    private final Path root;

    public HfCache(Path root) {
        this.root = root;
    }

    /**
     * Returns the cache folder from the environment: {@code HF_HUB_CACHE}, else {@code HF_HOME/hub}, else
     * {@code ~/.cache/huggingface/hub}, the order {@code huggingface_hub} uses.
     */
    public static HfCache fromEnvironment(Map<String, String> env) {
        String hubCache = env.get("HF_HUB_CACHE");
        if (hubCache != null && !hubCache.isBlank()) {
            return new HfCache(Path.of(hubCache));
        }
        String home = env.get("HF_HOME");
        if (home != null && !home.isBlank()) {
            return new HfCache(Path.of(home, "hub"));
        }
        return new HfCache(Path.of(System.getProperty("user.home"), ".cache", "huggingface", "hub"));
    }

    public Path root() {
        return root;
    }

    Path repoDir(HfHubLocation loc) {
        return root.resolve(loc.cacheFolderName());
    }

    /** Blob path for an ETag; rejects ETags that are not plain file names. */
    Path blob(HfHubLocation loc, String etag) throws IOException {
        if (!SAFE_ETAG.matcher(etag).matches()) {
            throw new IOException("the Hub returned ETag '" + etag + "' for " + loc + ", which is not a safe file name");
        }
        return repoDir(loc).resolve("blobs").resolve(etag);
    }

    Path snapshot(HfHubLocation loc, String commit) {
        return repoDir(loc).resolve("snapshots").resolve(commit).resolve(loc.path());
    }

    /** Returns the commit a revision resolves to from the cache alone: the revision itself if it is a commit hash, else {@code refs/<revision>}. */
    Optional<String> cachedCommit(HfHubLocation loc) throws IOException {
        if (COMMIT.matcher(loc.revision()).matches()) {
            return Optional.of(loc.revision());
        }
        Path ref = repoDir(loc).resolve("refs").resolve(loc.revision());
        if (!Files.isRegularFile(ref)) {
            return Optional.empty();
        }
        String commit = Files.readString(ref, StandardCharsets.US_ASCII).trim();
        return COMMIT.matcher(commit).matches() ? Optional.of(commit) : Optional.empty();
    }

    /** Returns the cached snapshot path of {@code loc}, if the cache contains it. */
    Optional<Path> lookup(HfHubLocation loc) throws IOException {
        Optional<String> commit = cachedCommit(loc);
        if (commit.isEmpty()) {
            return Optional.empty();
        }
        Path p = snapshot(loc, commit.get());
        return Files.exists(p) ? Optional.of(p) : Optional.empty();
    }

    /** Records that {@code loc.revision()} pointed to {@code commit}. */
    void writeRef(HfHubLocation loc, String commit) throws IOException {
        if (loc.revision().equals(commit)) {
            return;
        }
        Path ref = repoDir(loc).resolve("refs").resolve(loc.revision());
        Files.createDirectories(ref.getParent());
        Files.writeString(ref, commit, StandardCharsets.US_ASCII);
    }

    /** Points {@code snapshots/<commit>/<path>} at the blob with a relative symbolic link (a copy where links are unsupported). */
    Path link(HfHubLocation loc, String commit, Path blob) throws IOException {
        Path pointer = snapshot(loc, commit);
        Files.createDirectories(pointer.getParent());
        if (Files.exists(pointer, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.delete(pointer);
        }
        try {
            Files.createSymbolicLink(pointer, pointer.getParent().relativize(blob));
        } catch (UnsupportedOperationException | IOException e) {
            Files.copy(blob, pointer);
        }
        return pointer;
    }
}
