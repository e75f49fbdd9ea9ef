package io.gptq4j.engine.io.hf;

import java.io.IOException;
import java.net.http.HttpHeaders;

/**
 * File metadata returned by the Hub's resolve endpoint.
 *
 * @param commit commit hash the revision resolved to ({@code X-Repo-Commit}), or null
 * @param etag   content id, unquoted: the SHA-256 of a Git LFS file ({@code X-Linked-Etag}), else the Git blob id
 * @param size   bytes ({@code X-Linked-Size}, else {@code Content-Length})
 */
record HfFileMetadata(String commit, String etag, long size) {

    static HfFileMetadata from(HttpHeaders headers, HfHubLocation loc) throws IOException {
        String etag = headers.firstValue("X-Linked-Etag").or(() -> headers.firstValue("ETag")).orElse(null);
        String size = headers.firstValue("X-Linked-Size").or(() -> headers.firstValue("Content-Length")).orElse(null);
        if (etag == null || size == null) {
            throw new IOException("the Hub sent no ETag or size for " + loc + "; is HF_ENDPOINT a Hugging Face Hub?");
        }
        long bytes;
        try {
            bytes = Long.parseLong(size.trim());
        } catch (NumberFormatException e) {
            throw new IOException("the Hub sent an invalid size '" + size + "' for " + loc, e);
        }
        String commit = headers.firstValue("X-Repo-Commit").orElse(null);
        return new HfFileMetadata(commit, normalizeEtag(etag), bytes);
    }

    /** Strips a weak-validator prefix and the quotes: {@code W/"abc"} becomes {@code abc}. */
    static String normalizeEtag(String etag) {
        String e = etag.trim();
        if (e.startsWith("W/")) {
            e = e.substring(2);
        }
        if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) {
            e = e.substring(1, e.length() - 1);
        }
        return e;
    }

    /** Returns whether the ETag is a SHA-256 of the content, as for Git LFS files. */
    boolean isSha256() {
        return etag.matches("[0-9a-f]{64}");
    }
}
