package io.gptq4j.engine.io.hf;

import java.util.regex.Pattern;

/**
 * A file or folder in a Hugging Face Hub model repository, written
 * {@code hf://OWNER/REPO[@REVISION][/PATH]}. An empty path, or one ending in {@code /}, names a folder.
 *
 * @param owner    user or organisation
 * @param repo     repository name
 * @param revision branch, tag or commit hash; {@code main} when not given
 * @param path     path inside the repository, {@code /}-separated, possibly empty
 */
public record HfHubLocation(String owner, String repo, String revision, String path) {
    public static final String SCHEME = "hf://";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern REVISION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    public HfHubLocation {
        check(NAME.matcher(owner).matches(), "owner", owner);
        check(NAME.matcher(repo).matches(), "repository name", repo);
        check(REVISION.matcher(revision).matches() && !revision.contains(".."), "revision", revision);
        for (String segment : path.split("/", -1)) {
            check(!segment.equals("..") && !segment.equals(".") && !segment.contains("\\"), "path", path);
        }
        check(!path.startsWith("/"), "path", path);
    }

    private static void check(boolean ok, String what, String value) {
        if (!ok) {
            throw new IllegalArgumentException("invalid " + what + " '" + value + "' in a Hugging Face Hub location;"
                    + " expected hf://OWNER/REPO[@REVISION][/PATH]");
        }
    }

    /** Returns whether {@code spec} uses the {@code hf://} scheme. */
    public static boolean isHubLocation(String spec) {
        return spec.startsWith(SCHEME);
    }

    /** Parses {@code hf://OWNER/REPO[@REVISION][/PATH]}. */
    public static HfHubLocation parse(String spec) {
        if (!isHubLocation(spec)) {
            throw new IllegalArgumentException("'" + spec + "' is not a Hugging Face Hub location; expected "
                    + "hf://OWNER/REPO[@REVISION][/PATH]");
        }
        String rest = spec.substring(SCHEME.length());
        int slash = rest.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("'" + spec + "' has no repository name; expected hf://OWNER/REPO[@REVISION][/PATH]");
        }
        String owner = rest.substring(0, slash);
        rest = rest.substring(slash + 1);
        int end = rest.indexOf('/');
        String repoAndRevision = end < 0 ? rest : rest.substring(0, end);
        String path = end < 0 ? "" : rest.substring(end + 1);
        String repo = repoAndRevision;
        String revision = "main";
        int at = repoAndRevision.indexOf('@');
        if (at >= 0) {
            repo = repoAndRevision.substring(0, at);
            revision = repoAndRevision.substring(at + 1);
        }
        return new HfHubLocation(owner, repo, revision, path);
    }

    /** Returns whether this names a folder (empty path or trailing {@code /}) rather than one file. */
    public boolean isFolder() {
        return path.isEmpty() || path.endsWith("/");
    }

    /** {@code OWNER/REPO}. */
    public String repoId() {
        return owner + "/" + repo;
    }

    /** Folder name of the repository in the Hugging Face cache: {@code models--OWNER--REPO}. */
    public String cacheFolderName() {
        return "models--" + owner + "--" + repo;
    }

    /** Returns the same repository and revision with another path. */
    public HfHubLocation withPath(String otherPath) {
        return new HfHubLocation(owner, repo, revision, otherPath);
    }

    @Override
    public String toString() {
        return SCHEME + repoId() + (revision.equals("main") ? "" : "@" + revision) + (path.isEmpty() ? "" : "/" + path);
    }
}
