package io.gptq4j.kernel.magic;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves Maven coordinates with their runtime dependencies by running Maven
 * ({@code mvn dependency:build-classpath}) on a generated POM, so the user's
 * {@code ~/.m2/settings.xml}, local repository and mirrors apply. Jars stay in the local repository.
 */
final class MavenResolver {

    private static final Logger LOG = LoggerFactory.getLogger(MavenResolver.class);
    private static final Pattern COORDINATES = Pattern.compile("[\\w.\\-]+:[\\w.\\-]+(:[\\w.\\-]+)?:[\\w.\\-]+");
    private static final String DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1";
    private static final long TIMEOUT_SECONDS = 300;

    private MavenResolver() {
    }

    /**
     * Returns the jar paths of {@code coordinates} ({@code group:artifact:version} or
     * {@code group:artifact:classifier:version}) and their dependencies.
     *
     * @param repositories extra repository URLs searched after the user's configured ones
     */
    static List<Path> resolve(List<String> coordinates, List<String> repositories) throws IOException, InterruptedException {
        for (String coordinate : coordinates) {
            if (!COORDINATES.matcher(coordinate).matches()) {
                throw new IllegalArgumentException("Invalid Maven coordinates " + coordinate
                        + "; expected group:artifact:version, e.g. com.google.guava:guava:33.0.0-jre");
            }
        }
        Path work = Files.createTempDirectory("gptq4j-maven-");
        try {
            Path pom = work.resolve("pom.xml");
            Files.writeString(pom, pom(coordinates, repositories), StandardCharsets.UTF_8);
            Path classpathFile = work.resolve("classpath.txt");
            Path log = work.resolve("mvn.log");
            List<String> command = List.of(mavenExecutable(), "-B", "-f", pom.toString(),
                    DEPENDENCY_PLUGIN + ":build-classpath", "-Dmdep.outputFile=" + classpathFile, "-Dmdep.includeScope=runtime");
            LOG.info("Resolving {} with {}", coordinates, command);
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("Maven did not resolve " + coordinates + " within " + TIMEOUT_SECONDS + " s");
            }
            if (process.exitValue() != 0 || !Files.exists(classpathFile)) {
                throw new IllegalStateException("Maven could not resolve " + coordinates + ":\n" + errorLines(log));
            }
            String classpath = Files.readString(classpathFile, StandardCharsets.UTF_8).strip();
            List<Path> jars = new ArrayList<>();
            if (!classpath.isEmpty()) {
                Arrays.stream(classpath.split(java.io.File.pathSeparator)).map(Path::of).forEach(jars::add);
            }
            return jars;
        } finally {
            deleteRecursively(work);
        }
    }

    private static String mavenExecutable() {
        String configured = System.getenv("GPTQ4J_MVN");
        return configured != null && !configured.isBlank() ? configured : "mvn";
    }

    private static String errorLines(Path log) throws IOException {
        List<String> errors = Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                .filter(line -> line.contains("ERROR"))
                .limit(10)
                .toList();
        return String.join("\n", errors);
    }

    private static String pom(List<String> coordinates, List<String> repositories) {
        StringBuilder xml = new StringBuilder("""
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>io.gptq4j.notebook</groupId>
                  <artifactId>maven-magic</artifactId>
                  <version>1</version>
                  <dependencies>
                """);
        for (String coordinate : coordinates) {
            String[] parts = coordinate.split(":");
            xml.append("    <dependency><groupId>").append(parts[0]).append("</groupId><artifactId>").append(parts[1])
                    .append("</artifactId>");
            if (parts.length == 4) {
                xml.append("<classifier>").append(parts[2]).append("</classifier>");
            }
            xml.append("<version>").append(parts[parts.length - 1]).append("</version></dependency>\n");
        }
        xml.append("  </dependencies>\n  <repositories>\n");
        for (int i = 0; i < repositories.size(); i++) {
            xml.append("    <repository><id>notebook-").append(i).append("</id><url>")
                    .append(escapeXml(repositories.get(i))).append("</url></repository>\n");
        }
        xml.append("  </repositories>\n</project>\n");
        return xml.toString();
    }

    private static String escapeXml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static void deleteRecursively(Path folder) {
        try (var paths = Files.walk(folder)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            LOG.debug("Cannot delete {}: {}", folder, e.toString());
        }
    }
}
