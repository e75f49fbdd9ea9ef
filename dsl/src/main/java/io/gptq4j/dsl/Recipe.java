package io.gptq4j.dsl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.gptq4j.dsl.display.MimeBundle;
import io.gptq4j.dsl.display.RichDisplay;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A session's applied steps as JSON: for each step its selection, settings and rules, and the
 * losses it produced; the model and calibration files with their SHA-256; the perplexities measured
 * after the last step; and the gptq4j version. {@link Session#replay} rebuilds the session from it.
 * Doubles are written in Java's shortest round-trip form, so replayed losses compare bit for bit.
 */
public final class Recipe implements RichDisplay {
    /** Identifies the JSON layout; bumped when it changes incompatibly. */
    public static final String FORMAT = "gptq4j-recipe/1";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Map<String, Object> content;

    private Recipe(Map<String, Object> content) {
        this.content = content;
    }

    static Recipe of(Session session) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", FORMAT);
        root.put("gptq4jVersion", version());
        Path source = session.model().source();
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("file", source == null ? null : source.getFileName().toString());
        model.put("sha256", source == null || !Files.isRegularFile(source) ? null : DataFiles.sha256(source));
        root.put("model", model);
        Map<String, Object> calibration = new LinkedHashMap<>(session.calibration().toMap());
        calibration.put("sha256", session.calibrationWindows().sha256());
        root.put("calibration", calibration);
        List<Map<String, Object>> steps = new ArrayList<>();
        for (Session.AppliedStep s : session.appliedSteps()) {
            Map<String, Object> step = new LinkedHashMap<>();
            step.put("step", s.index);
            step.put("selection", s.selection.toMap());
            step.put("config", s.spec.toMap());
            step.put("rules", s.rules.stream().map(Rule::toMap).toList());
            step.put("modules", s.results.stream().map(Recipe::moduleMap).toList());
            steps.add(step);
        }
        root.put("steps", steps);
        List<Map<String, Object>> evaluations = new ArrayList<>();
        for (Comparison c : session.evaluations().currentComparisons()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("eval", c.eval().toMap());
            e.put("originalPerplexity", c.original());
            e.put("perplexity", c.quantized());
            evaluations.add(e);
        }
        root.put("evaluations", evaluations);
        return new Recipe(root);
    }

    /** Parses a recipe from its JSON text. */
    public static Recipe parse(String json) {
        try {
            Map<String, Object> root = JSON.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() { });
            if (!FORMAT.equals(root.get("format"))) {
                throw new IllegalArgumentException("not a gptq4j recipe: format is " + root.get("format")
                        + ", expected " + FORMAT);
            }
            return new Recipe(root);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("invalid recipe JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Reads a recipe file written by {@link #save(Path)}. */
    public static Recipe load(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read recipe " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes the recipe as indented JSON. */
    public void save(Path file) {
        try {
            Files.writeString(file, toJson(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write recipe " + file + ": " + e.getMessage(), e);
        }
    }

    /** Returns the recipe as indented JSON. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(content);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("recipe is not serializable: " + e.getMessage(), e);
        }
    }

    /** Returns the parsed JSON tree: maps, lists, strings, numbers and booleans. */
    public Map<String, Object> content() {
        return content;
    }

    /** Returns the steps as stored: selection, config, rules, modules. */
    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> steps() {
        return (List<Map<String, Object>>) content.get("steps");
    }

    @SuppressWarnings("unchecked")
    static Replay replay(Recipe recipe, io.gptq4j.engine.model.LlamaModel model) {
        Map<String, Object> modelInfo = (Map<String, Object>) recipe.content.get("model");
        String expectedModel = (String) modelInfo.get("sha256");
        Path source = model.source();
        if (expectedModel != null && source != null && Files.isRegularFile(source)) {
            String actual = DataFiles.sha256(source);
            if (!expectedModel.equals(actual)) {
                throw new IllegalArgumentException("the recipe was made with a model of SHA-256 " + expectedModel
                        + ", but " + source + " has " + actual + "; load the model the recipe names ("
                        + modelInfo.get("file") + ")");
            }
        }
        Map<String, Object> cal = (Map<String, Object>) recipe.content.get("calibration");
        Calibration calibration = Calibration.text((String) cal.get("file"))
                .samples(((Number) cal.get("samples")).intValue()).seqLen(((Number) cal.get("seqLen")).intValue());
        if (cal.get("seed") != null) {
            calibration = calibration.seed(((Number) cal.get("seed")).longValue());
        }
        Session session = Session.of(model).calibration(calibration);
        List<String> differences = new ArrayList<>();
        if (!cal.get("sha256").equals(session.calibrationWindows().sha256())) {
            differences.add("calibration text " + session.calibrationWindows().path() + " has SHA-256 "
                    + session.calibrationWindows().sha256() + ", the recipe's has " + cal.get("sha256"));
        }
        for (Map<String, Object> step : recipe.steps()) {
            List<Rule> rules = ((List<Map<String, Object>>) step.get("rules")).stream().map(Rule::fromMap).toList();
            StepResult result = session.quantize(Selection.fromMap((Map<String, Object>) step.get("selection")),
                    QuantSpec.fromMap((Map<String, Object>) step.get("config")), rules.toArray(Rule[]::new));
            compareModules(step, result, differences);
        }
        for (Map<String, Object> e : (List<Map<String, Object>>) recipe.content.get("evaluations")) {
            Map<String, Object> evalMap = (Map<String, Object>) e.get("eval");
            Eval eval = Eval.text((String) evalMap.get("file")).seqLen(((Number) evalMap.get("seqLen")).intValue())
                    .maxWindows(((Number) evalMap.get("maxWindows")).intValue());
            Comparison c = session.compare(eval);
            double expected = ((Number) e.get("perplexity")).doubleValue();
            if (Double.compare(expected, c.quantized()) != 0) {
                differences.add("perplexity on " + eval.file() + ": recipe " + expected + ", replay " + c.quantized());
            }
        }
        return new Replay(session, differences);
    }

    @SuppressWarnings("unchecked")
    private static void compareModules(Map<String, Object> step, StepResult result, List<String> differences) {
        List<Map<String, Object>> expected = (List<Map<String, Object>>) step.get("modules");
        if (expected.size() != result.modules().size()) {
            differences.add("step " + step.get("step") + ": recipe has " + expected.size() + " modules, replay "
                    + result.modules().size());
            return;
        }
        for (int i = 0; i < expected.size(); i++) {
            ModuleResult actual = result.modules().get(i);
            double loss = ((Number) expected.get(i).get("avgLoss")).doubleValue();
            if (Double.compare(loss, actual.avgLoss()) != 0) {
                differences.add(actual.fullName() + " avg loss: recipe " + loss + ", replay " + actual.avgLoss());
            }
        }
    }

    private static Map<String, Object> moduleMap(ModuleResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("layer", r.layer());
        m.put("module", r.module());
        m.put("bits", r.spec().bits());
        m.put("groupSize", r.spec().groupSize());
        m.put("avgLoss", r.avgLoss());
        m.put("relativeError", r.relativeError());
        m.put("dampPercentUsed", r.dampPercentUsed());
        return m;
    }

    /** Returns the gptq4j version the build stamped into the DSL jar. */
    static String version() {
        try (InputStream in = Recipe.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    @Override
    public MimeBundle toMimeBundle() {
        return MimeBundle.text(toJson()).with(MimeBundle.TEXT_HTML, "<pre>" + Html.escape(toJson()) + "</pre>");
    }

    @Override
    public String toString() {
        return toJson();
    }
}
