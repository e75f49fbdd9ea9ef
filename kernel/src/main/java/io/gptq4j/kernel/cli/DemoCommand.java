package io.gptq4j.kernel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.gptq4j.dsl.DataFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code gptq4j demo}: runs {@code notebooks/01-quickstart.ipynb} headlessly on the gptq4j kernel
 * (installed into a private prefix by {@code gptq4j run}) and writes the executed notebook and an
 * HTML page with its plots and tables. The notebook is copied with the model and text paths made
 * absolute, so it runs in the output folder.
 */
@Command(name = "demo", description = "Run the quickstart notebook and write the executed notebook and an HTML page.")
public final class DemoCommand implements Callable<Integer> {
    static final String DEFAULT_MODEL = "stories260K.gguf";
    static final List<String> TEXTS = List.of("tinystories_valid_calib.txt", "tinystories_valid_eval.txt");
    private static final String NOTEBOOK = "01-quickstart.ipynb";

    @Option(names = "--model", paramLabel = "FILE",
            description = "Model to quantize (GGUF, llama2.c or Hugging Face folder; default: stories260K.gguf"
                    + " from $GPTQ4J_DATA or ../shared/data).")
    Path model;

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: build/demo in the repository).")
    Path out;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "1800",
            description = "Per-cell timeout in seconds (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Map<String, String> paths = new java.util.LinkedHashMap<>();
        paths.put(DEFAULT_MODEL, modelPath().toString());
        for (String text : TEXTS) {
            paths.put(text, find(text, "the calibration and evaluation texts").toString());
        }
        Path home = Path.of(System.getProperty("gptq4j.home", ".")).toAbsolutePath().normalize();
        Path notebook = home.resolve("notebooks").resolve(NOTEBOOK);
        if (!Files.isRegularFile(notebook)) {
            throw new IllegalStateException("the quickstart notebook is not at " + notebook
                    + "; run bin/gptq4j from a checkout of the repository");
        }
        Path dir = (out != null ? out : home.resolve("build").resolve("demo")).toAbsolutePath().normalize();
        Files.createDirectories(dir);
        Path executed = dir.resolve(NOTEBOOK);
        writeWithPaths(notebook, executed, paths);
        Path html = dir.resolve("01-quickstart.html");
        int status = Main.run("run", executed.toString(), "--out", executed.toString(), "--html", html.toString(),
                "--timeout", Integer.toString(timeoutSeconds));
        if (status != 0) {
            return status;
        }
        spec.commandLine().getOut().println("Demo written to " + dir + ":\n  " + executed + " (executed notebook)\n  "
                + html + " (plots and tables)\n  " + dir.resolve("quickstart-recipe.json") + " (recipe)");
        return 0;
    }

    private Path modelPath() {
        if (model != null) {
            if (!Files.exists(model)) {
                throw new IllegalArgumentException("model not found: " + model.toAbsolutePath());
            }
            return model.toAbsolutePath();
        }
        return find(DEFAULT_MODEL, "a model; or pass --model FILE");
    }

    /** Finds a data file in $GPTQ4J_DATA or ../shared/data, or fails saying where to put it. */
    private static Path find(String name, String what) {
        for (Path folder : DataFiles.dataFolders()) {
            Path candidate = folder.resolve(name);
            if (Files.isRegularFile(candidate)) {
                return candidate.toAbsolutePath();
            }
        }
        throw new IllegalArgumentException(name + " not found in " + DataFiles.dataFolders()
                + ". The demo needs " + what + ": put " + name + " into a folder and set GPTQ4J_DATA to it,"
                + " or into ../shared/data beside the repository");
    }

    /**
     * Copies the notebook, replacing each data file name in code cells by its absolute path: as a
     * Java string literal in Java cells, as a quoted word in {@code %%gptq} cells.
     */
    static void writeWithPaths(Path source, Path target, Map<String, String> paths) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = (ObjectNode) json.readTree(source.toFile());
        for (JsonNode cell : root.withArray("cells")) {
            if (!"code".equals(cell.path("cell_type").asText())) {
                continue;
            }
            JsonNode sourceNode = cell.get("source");
            String text = sourceNode.isArray() ? join((ArrayNode) sourceNode) : sourceNode.asText();
            boolean textForm = text.startsWith("%%gptq");
            for (Map.Entry<String, String> e : paths.entrySet()) {
                String quoted = "\"" + e.getValue().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
                text = textForm ? text.replace(" " + e.getKey(), " " + quoted)
                        : text.replace("\"" + e.getKey() + "\"", quoted);
            }
            ((ObjectNode) cell).set("source", new TextNode(text));
        }
        json.writerWithDefaultPrettyPrinter().writeValue(target.toFile(), root);
    }

    private static String join(ArrayNode lines) {
        StringBuilder s = new StringBuilder();
        lines.forEach(line -> s.append(line.asText()));
        return s.toString();
    }
}
