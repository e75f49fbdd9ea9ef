package io.gptq4j.dsl.script;

import io.gptq4j.dsl.Calibration;
import io.gptq4j.dsl.Dsl;
import io.gptq4j.dsl.Eval;
import io.gptq4j.dsl.QuantSpec;
import io.gptq4j.dsl.Rule;
import io.gptq4j.dsl.Selection;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses the body of a {@code %%gptq} cell into commands, one per non-blank line; {@code #} starts a
 * comment. The whole cell is parsed before anything runs, so a typo on the last line runs nothing.
 * docs/dsl.md lists the grammar.
 */
final class ScriptParser {
    static final List<String> COMMANDS = List.of("load", "calibrate", "quantize", "undo", "plot", "losses", "eval",
            "sensitivity", "generate", "trend", "save", "replay");
    static final List<String> PLOTS = List.of("losses", "relative-error", "running-loss", "ppl");
    private static final List<String> QUANTIZE_OPTIONS = List.of("module", "modules", "bits", "group", "act-order",
            "sym", "asym", "static-groups", "damp", "mse", "skip", "rule");

    private ScriptParser() {
    }

    static List<Command> parse(String body) {
        List<Command> commands = new ArrayList<>();
        String[] lines = body.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String text = stripComment(lines[i]).strip();
            if (text.isEmpty()) {
                continue;
            }
            commands.add(parseLine(i + 1, text));
        }
        return commands;
    }

    private static Command parseLine(int line, String text) {
        Words w = new Words(line, text);
        String verb = w.next("command");
        Command command;
        try {
            command = switch (verb) {
                case "load" -> new Command.Load(line, text, w.next("model file"));
                case "calibrate" -> new Command.Calibrate(line, text, calibration(w));
                case "quantize" -> quantize(line, text, w);
                case "undo" -> new Command.Undo(line, text);
                case "plot" -> new Command.Plot(line, text, choice(w, "chart", PLOTS));
                case "losses" -> new Command.Losses(line, text);
                case "eval" -> {
                    w.expect("ppl");
                    w.expect("on");
                    yield new Command.EvalPerplexity(line, text, eval(w, w.next("evaluation text file")));
                }
                case "sensitivity" -> sensitivity(line, text, w);
                case "generate" -> generate(line, text, w);
                case "trend" -> new Command.Trend(line, text);
                case "save" -> {
                    w.expect("recipe");
                    yield new Command.SaveRecipe(line, text, w.next("recipe file"));
                }
                case "replay" -> new Command.Replay(line, text, w.next("recipe file"));
                default -> throw w.error(verb, "is not a command; valid commands: " + String.join(", ", COMMANDS));
            };
        } catch (ScriptException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            // Value checks of the DSL types (bits 5, group 0, an unknown module) name the value already.
            throw new ScriptException(line, e.getMessage(), e);
        }
        w.end();
        return command;
    }

    private static Calibration calibration(Words w) {
        Calibration c = Calibration.text(w.next("calibration text file"));
        while (w.hasNext()) {
            String option = w.next("option");
            c = switch (option) {
                case "samples" -> c.samples(w.nextInt("a sample count after 'samples'"));
                case "seqlen" -> c.seqLen(w.nextInt("a token count after 'seqlen'"));
                case "seed" -> c.seed(w.nextLong("a seed after 'seed'"));
                default -> throw w.error(option, "is not a calibrate option; valid options: samples, seqlen, seed");
            };
        }
        return c;
    }

    private static Command quantize(int line, String text, Words w) {
        Selection selection = target(w);
        Integer bits = null;
        QuantSpec options = Dsl.bits(4);
        List<Rule> rules = new ArrayList<>();
        while (w.hasNext()) {
            String option = w.next("option");
            switch (option) {
                case "module" -> selection = selection.module(w.next("module name after 'module'"));
                case "modules" -> selection = selection.modules(w.next("module pattern after 'modules'"));
                case "bits" -> bits = w.nextInt("2, 3, 4 or 8 after 'bits'");
                case "group" -> options = options.groupSize(w.nextInt("a group size after 'group'"));
                case "damp" -> options = options.dampPercent(w.nextDouble("a fraction after 'damp'"));
                case "act-order" -> options = options.descAct();
                case "sym" -> options = options.sym();
                case "asym" -> options = options.asym();
                case "static-groups" -> options = options.staticGroups();
                case "mse" -> options = options.mse();
                case "skip" -> rules.add(Rule.skip(w.next("module pattern after 'skip'")));
                case "rule" -> {
                    String pattern = w.next("module pattern after 'rule'");
                    w.expect("bits");
                    rules.add(Rule.match(pattern).bits(w.nextInt("2, 3, 4 or 8 after 'bits'")));
                }
                default -> throw w.error(option, "is not a quantize option; valid options: "
                        + String.join(", ", QUANTIZE_OPTIONS));
            }
        }
        if (bits == null) {
            throw new ScriptException(line, "quantize needs 'bits N' (2, 3, 4 or 8)");
        }
        return new Command.Quantize(line, text, selection, options.bits(bits), rules);
    }

    /** Parses {@code layers A..B}, {@code layers A}, {@code layer N} or {@code all}. */
    private static Selection target(Words w) {
        String kind = w.next("'layer', 'layers' or 'all'");
        switch (kind) {
            case "all":
                return Dsl.allLayers();
            case "layer":
                return Dsl.layer(w.nextInt("a layer index after 'layer'"));
            case "layers": {
                String range = w.next("a layer range such as 0..3 after 'layers'");
                int dots = range.indexOf("..");
                try {
                    if (dots < 0) {
                        return Dsl.layers(Integer.parseInt(range));
                    }
                    return Dsl.layers(Integer.parseInt(range.substring(0, dots)),
                            Integer.parseInt(range.substring(dots + 2)));
                } catch (NumberFormatException e) {
                    throw w.error(range, "is not a layer range; write FIRST..LAST, e.g. 0..3, or one index");
                }
            }
            default:
                throw w.error(kind, "is not a quantize target; valid targets: layer N, layers A..B, all");
        }
    }

    private static Eval eval(Words w, String file) {
        Eval e = Eval.text(file);
        while (w.hasNext()) {
            String option = w.next("option");
            e = switch (option) {
                case "seqlen" -> e.seqLen(w.nextInt("a token count after 'seqlen'"));
                case "windows" -> e.maxWindows(w.nextInt("a window count after 'windows'"));
                default -> throw w.error(option, "is not an eval option; valid options: seqlen, windows");
            };
        }
        return e;
    }

    /** Parses {@code sensitivity bits N [group G] [act-order] on FILE [seqlen N] [windows N]}. */
    private static Command sensitivity(int line, String text, Words w) {
        w.expect("bits");
        QuantSpec spec = Dsl.bits(w.nextInt("2, 3, 4 or 8 after 'bits'"));
        while (true) {
            String option = w.next("'on FILE'");
            switch (option) {
                case "group" -> spec = spec.groupSize(w.nextInt("a group size after 'group'"));
                case "act-order" -> spec = spec.descAct();
                case "asym" -> spec = spec.asym();
                case "on" -> {
                    return new Command.Sensitivity(line, text, spec, eval(w, w.next("evaluation text file")));
                }
                default -> throw w.error(option, "is not a sensitivity option; valid options: group, act-order, asym, on");
            }
        }
    }

    private static Command generate(int line, String text, Words w) {
        String prompt = w.next("a quoted prompt");
        int tokens = 40;
        if (w.hasNext()) {
            w.expect("tokens");
            tokens = w.nextInt("a token count after 'tokens'");
        }
        return new Command.Generate(line, text, prompt, tokens);
    }

    private static String choice(Words w, String what, List<String> valid) {
        String word = w.next(what + " (" + String.join(", ", valid) + ")");
        if (!valid.contains(word)) {
            throw w.error(word, "is not a " + what + "; valid choices: " + String.join(", ", valid));
        }
        return word;
    }

    private static String stripComment(String line) {
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '#' && !quoted) {
                return line.substring(0, i);
            }
        }
        return line;
    }
}
