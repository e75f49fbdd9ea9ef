package io.gptq4j.kernel.install;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The kernelspec folder Jupyter launches the kernel from: {@code kernel.json} and two logos.
 * The launch command runs this jar with {@code kernel start {connection_file}} and the
 * {@link ClassDataArchive} next to the jar, which the JVM skips while it is missing or stale.
 */
public final class KernelSpec {

    public static final String DEFAULT_NAME = "gptq4j";
    public static final String DISPLAY_NAME = "Java (gptq4j)";

    /** JVM options every kernel gets; headless because there is no display behind a kernel. */
    static final List<String> REQUIRED_JVM_OPTIONS = List.of("-Djava.awt.headless=true");
    /** Heap default: a share of physical memory, so the same spec works on small and large machines. */
    public static final List<String> DEFAULT_JVM_OPTIONS = List.of("-XX:MaxRAMPercentage=60");

    private KernelSpec() {
    }

    /** Returns {@code kernel.json} content launching {@code jar} with {@code java}. */
    static Map<String, Object> kernelJson(Path java, Path jar, List<String> jvmOptions, String displayName) {
        List<String> argv = new ArrayList<>();
        argv.add(java.toString());
        argv.addAll(REQUIRED_JVM_OPTIONS);
        argv.addAll(jvmOptions);
        argv.addAll(ClassDataArchive.jvmOptions(ClassDataArchive.pathFor(java, jar, jvmOptions)));
        argv.add("-jar");
        argv.add(jar.toString());
        argv.add("kernel");
        argv.add("start");
        argv.add("{connection_file}");
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("argv", argv);
        json.put("display_name", displayName);
        json.put("language", "java");
        json.put("interrupt_mode", "message");
        json.put("metadata", Map.of("debugger", false));
        // Idle OpenBLAS threads otherwise spin for about 0.1 s after each call and take cores from
        // the Java threads that run between calls. OpenBLAS reads the variable once, at JVM start.
        json.put("env", Map.of("OPENBLAS_THREAD_TIMEOUT", "4"));
        return json;
    }

    /**
     * Writes the kernelspec into {@code kernelsDir/name}, replacing an existing one.
     *
     * @return the kernelspec folder
     */
    public static Path write(Path kernelsDir, String name, Path java, Path jar, List<String> jvmOptions,
            String displayName) throws IOException {
        if (!name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("Invalid kernel name '" + name + "': use letters, digits, '.', '_' and '-'");
        }
        Path dir = kernelsDir.resolve(name);
        Files.createDirectories(dir);
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        mapper.writeValue(dir.resolve("kernel.json").toFile(), kernelJson(java, jar, jvmOptions, displayName));
        Files.write(dir.resolve("logo-64x64.png"), Logo.png(64));
        Files.write(dir.resolve("logo-32x32.png"), Logo.png(32));
        return dir;
    }

    /** Returns the running JVM's {@code java} launcher. */
    public static Path currentJava() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /** Returns the jar this class was loaded from: {@code gptq4j-all.jar} when run through {@code bin/gptq4j}. */
    public static Path currentJar() {
        try {
            Path location = Path.of(KernelSpec.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!Files.isRegularFile(location)) {
                throw new IllegalStateException("The kernel is not running from a jar (" + location
                        + "); build it with mvn -DskipTests package and use bin/gptq4j");
            }
            return location.toAbsolutePath();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("Cannot locate the kernel jar: " + e.getMessage(), e);
        }
    }
}
