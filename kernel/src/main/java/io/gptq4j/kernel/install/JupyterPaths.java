package io.gptq4j.kernel.install;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Where Jupyter looks for kernelspecs on Linux, in its search order. */
public final class JupyterPaths {

    private JupyterPaths() {
    }

    /** The user's Jupyter data folder: {@code $JUPYTER_DATA_DIR}, else {@code $XDG_DATA_HOME/jupyter}, else {@code ~/.local/share/jupyter}. */
    public static Path userDataDir() {
        String dataDir = System.getenv("JUPYTER_DATA_DIR");
        if (dataDir != null && !dataDir.isBlank()) {
            return Path.of(dataDir);
        }
        String xdg = System.getenv("XDG_DATA_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".local", "share");
        return base.resolve("jupyter");
    }

    /** The kernels folder under an installation prefix: {@code PREFIX/share/jupyter/kernels}. */
    public static Path prefixKernelsDir(Path prefix) {
        return prefix.resolve("share").resolve("jupyter").resolve("kernels");
    }

    /** Kernels folders searched by Jupyter: {@code $JUPYTER_PATH} entries, the user's, then the system's. */
    public static List<Path> kernelsSearchPath() {
        Set<Path> dirs = new LinkedHashSet<>();
        String jupyterPath = System.getenv("JUPYTER_PATH");
        if (jupyterPath != null) {
            for (String entry : jupyterPath.split(File.pathSeparator)) {
                if (!entry.isBlank()) {
                    dirs.add(Path.of(entry).resolve("kernels"));
                }
            }
        }
        dirs.add(userDataDir().resolve("kernels"));
        dirs.add(Path.of("/usr/local/share/jupyter/kernels"));
        dirs.add(Path.of("/usr/share/jupyter/kernels"));
        return new ArrayList<>(dirs);
    }
}
