package io.gptq4j.dsl.script;

import io.gptq4j.dsl.Dsl;
import io.gptq4j.dsl.Recipe;
import io.gptq4j.dsl.Replay;
import io.gptq4j.dsl.Rule;
import io.gptq4j.dsl.Session;
import io.gptq4j.dsl.display.Display;
import io.gptq4j.engine.model.LlamaModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;

/**
 * The text form of the DSL: runs {@code %%gptq} cells (through {@link GptqCell}), whose lines map one to one onto
 * {@link Session} calls ({@code load}, {@code calibrate}, {@code quantize}, {@code undo},
 * {@code losses}, {@code plot}, {@code eval ppl on}, {@code sensitivity}, {@code generate},
 * {@code trend}, {@code save recipe}, {@code replay}). The session lives on across cells of one kernel.
 * A cell is parsed completely before it runs; a line that fails at run time stops the cell, and the
 * lines before it stay applied. Every result but the last is shown as it is produced; the last is the
 * cell's value.
 */
public final class GptqScript {
    private LlamaModel model;
    private Session session;

    /**
     * Runs one cell and returns the last result; the others are shown with {@link Display#show}.
     * {@code arguments} must be empty (the magic takes none).
     */
    public Object run(List<String> arguments, String body) {
        if (!arguments.isEmpty()) {
            throw new IllegalArgumentException("%%gptq takes no arguments, got " + arguments
                    + "; put commands on the lines below it");
        }
        // Each result is shown when the next one arrives, so a long cell reports as it goes.
        Object[] pending = {null};
        execute(body, result -> {
            if (pending[0] != null) {
                Display.show(pending[0]);
            }
            pending[0] = result;
        });
        return pending[0];
    }

    /**
     * Parses and runs a script, returning the result of every line that produces one.
     *
     * @throws ScriptException naming the line when a line is invalid or fails
     */
    public List<Object> execute(String body) {
        List<Object> results = new ArrayList<>();
        execute(body, results::add);
        return results;
    }

    /**
     * Parses and runs a script, handing the result of every line that produces one to
     * {@code onResult} as soon as the line finishes.
     *
     * @throws ScriptException naming the line when a line is invalid or fails
     */
    public void execute(String body, Consumer<Object> onResult) {
        List<Command> commands = ScriptParser.parse(body);
        for (Command c : commands) {
            Object result;
            try {
                result = run(c);
            } catch (ScriptException | CancellationException e) {
                throw e;
            } catch (IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException e) {
                throw new ScriptException(c.line(), e.getMessage() + " (in: " + c.text() + ")", e);
            }
            if (result != null) {
                onResult.accept(result);
            }
        }
    }

    /** Returns the session the cells built, or null before {@code load}; Java cells can continue from it. */
    public Session session() {
        return session;
    }

    private Object run(Command command) {
        if (command instanceof Command.Load c) {
            model = Dsl.loadModel(c.file());
            session = Session.of(model);
            return "loaded " + model.source().getFileName() + ": " + model.config().nLayers() + " layers, dim "
                    + model.config().dim() + ", vocabulary " + model.config().vocabSize();
        }
        if (command instanceof Command.Replay c) {
            return replay(c);
        }
        Session s = requireSession(command);
        if (command instanceof Command.Calibrate c) {
            s.calibration(c.calibration());
            return "calibration: " + c.calibration().samples() + " windows of " + c.calibration().seqLen()
                    + " tokens from " + c.calibration().file();
        } else if (command instanceof Command.Quantize c) {
            return s.quantize(c.selection(), c.spec(), c.rules().toArray(Rule[]::new));
        } else if (command instanceof Command.Undo) {
            return s.undo();
        } else if (command instanceof Command.Losses) {
            return s.losses();
        } else if (command instanceof Command.Plot c) {
            return plot(s, c.chart());
        } else if (command instanceof Command.EvalPerplexity c) {
            return s.compare(c.eval());
        } else if (command instanceof Command.Sensitivity c) {
            return s.sensitivity(c.spec(), c.eval());
        } else if (command instanceof Command.Generate c) {
            return s.generate(c.prompt(), c.tokens());
        } else if (command instanceof Command.Trend) {
            return s.lossTrend();
        } else if (command instanceof Command.SaveRecipe c) {
            Recipe recipe = s.recipe();
            Path file = Path.of(c.file());
            recipe.save(file);
            return "saved recipe with " + recipe.steps().size() + " steps to " + file.toAbsolutePath();
        }
        throw new IllegalStateException("no interpreter for " + command);
    }

    private Replay replay(Command.Replay c) {
        if (model == null) {
            throw new ScriptException(c.line(), "no model loaded; put 'load FILE' before 'replay'");
        }
        // A replay needs the original weights, so it reloads the model instead of reusing this session's.
        Replay replay = Session.replay(Recipe.load(Path.of(c.file())), Dsl.loadModel(model.source().toString()));
        model = replay.session().model();
        session = replay.session();
        return replay;
    }

    private static Object plot(Session s, String chart) {
        return switch (chart) {
            case "losses" -> s.plotLosses();
            case "relative-error" -> s.plotRelativeError();
            case "running-loss" -> s.plotRunningLoss();
            default -> s.plotPerplexity();
        };
    }

    private Session requireSession(Command c) {
        if (session == null) {
            throw new ScriptException(c.line(), "no model loaded; start the cell with 'load FILE'");
        }
        return session;
    }
}
