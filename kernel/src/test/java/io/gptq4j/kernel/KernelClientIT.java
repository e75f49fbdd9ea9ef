package io.gptq4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs the Python kernel tests ({@code src/test/python/kernel_client_test.py}) against the shaded
 * jar with Debian's jupyter_client, one test class per JUnit test so a failure names its area.
 * Needs {@code /usr/bin/python3} with jupyter_client, pyzmq, nbclient and nbconvert.
 */
class KernelClientIT {

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final long TIMEOUT_MINUTES = 15;

    @Test
    void executeCompleteInspectAndRender() throws Exception {
        runPythonTests("ExecuteTest");
    }

    @Test
    void interruptStopsBusyCells() throws Exception {
        runPythonTests("InterruptTest");
    }

    @Test
    void wrongSignaturesAndMalformedMessagesAreRejected() throws Exception {
        runPythonTests("SecurityTest");
    }

    @Test
    void kernelspecInstallAndNotebookRun() throws Exception {
        runPythonTests("CliTest");
    }

    @Test
    void classDataArchiveUsedAndSkippedWhenStale() throws Exception {
        runPythonTests("ClassDataArchiveTest");
    }

    private static void runPythonTests(String testClass) throws IOException, InterruptedException {
        Path root = Path.of(System.getProperty("gptq4j.root", "..")).toAbsolutePath().normalize();
        Path jar = Path.of(System.getProperty("gptq4j.kernelJar", "target/gptq4j-all.jar")).toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), "shaded jar missing: " + jar + " (run mvn package first)");
        assertTrue(Files.isExecutable(PYTHON), PYTHON + " missing: install python3-jupyter-client");
        Path log = Files.createTempFile("gptq4j-" + testClass, ".log");
        ProcessBuilder builder = new ProcessBuilder(PYTHON.toString(), "-m", "unittest", "-v",
                "kernel_client_test." + testClass)
                .directory(root.resolve("kernel/src/test/python").toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("GPTQ4J_KERNEL_JAR", jar.toString());
        builder.environment().put("GPTQ4J_ROOT", root.toString());
        builder.environment().put("GPTQ4J_JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        builder.environment().remove("JUPYTER_PATH");
        Process process = builder.start();
        boolean finished = process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES);
        if (!finished) {
            process.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        System.out.println(output);
        assertTrue(finished, testClass + " timed out after " + TIMEOUT_MINUTES + " min:\n" + output);
        assertEquals(0, process.exitValue(), testClass + " failed:\n" + output);
    }
}
