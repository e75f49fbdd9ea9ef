package io.gptq4j.kernel.jshell;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.CompletionInfo;
import jdk.jshell.SourceCodeAnalysis.Completeness;
import jdk.jshell.UnresolvedReferenceException;
import jdk.jshell.DeclarationSnippet;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JShell instance that evaluates notebook cells in the kernel JVM through
 * {@link CellExecutionControl}, so cell values come back as objects. Not thread-safe except for
 * {@link #stop()}, which may be called from any thread while a cell runs.
 */
public final class JShellSession implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JShellSession.class);

    private final JShell shell;
    private final CellExecutionControl control;
    private final SourceCodeAnalysis analysis;
    private final JavadocLookup javadoc;
    /**
     * Expression and statement snippets JShell compiled, by source text. Evaluating the same source
     * again re-runs the compiled wrapper instead of compiling it again (the compiler dominates the
     * cost of a small cell). Any declaration, import or class path change clears it, because old
     * wrappers keep referring to the definitions they were compiled against.
     */
    private final Map<String, CompiledSnippet> compiled = new HashMap<>();
    private static final int MAX_COMPILED = 1000;

    /** A compiled snippet: its JShell id, its wrapper class and whether it yields a cell value. */
    private record CompiledSnippet(String snippetId, String wrapperClass, boolean hasValue) {
    }

    /**
     * Source location of a snippet: the execution count of its cell and the cell line of
     * the snippet's first line. Stack traces show it instead of JShell's {@code #12:3}.
     */
    private record SnippetOrigin(int executionCount, int firstLine) {
    }

    /** Origins by snippet id, for every snippet of a cell with a known execution count. */
    private final Map<String, SnippetOrigin> origins = new HashMap<>();

    private JShellSession(JShell shell, CellExecutionControl control) {
        this.shell = shell;
        this.control = control;
        this.analysis = shell.sourceCodeAnalysis();
        this.javadoc = new JavadocLookup(analysis);
    }

    /**
     * Starts JShell with {@code classPath} visible to cells and runs {@code imports}; an import of
     * a package that does not exist is skipped with a log line instead of failing.
     */
    public static JShellSession start(List<String> classPath, List<String> imports, PrintStream diagnosticsOut) {
        CellExecutionControl control = new CellExecutionControl();
        ExecutionControlProvider provider = new ExecutionControlProvider() {
            @Override
            public String name() {
                return "gptq4j-cell";
            }

            @Override
            public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
                return control;
            }
        };
        JShell shell = JShell.builder()
                .executionEngine(provider, Map.of())
                .out(diagnosticsOut)
                .err(diagnosticsOut)
                .build();
        for (String entry : classPath) {
            shell.addToClasspath(entry);
        }
        JShellSession session = new JShellSession(shell, control);
        for (String packageName : imports) {
            List<SnippetEvent> events = shell.eval("import " + packageName + ".*;");
            if (events.stream().anyMatch(e -> e.status() == Snippet.Status.REJECTED)) {
                LOG.info("Default import {}.* skipped: the package is not on the class path", packageName);
            }
        }
        return session;
    }

    /** Adds a jar or class folder to what cells can compile against and load. */
    public void addToClasspath(String path) {
        compiled.clear();
        shell.addToClasspath(path);
    }

    /**
     * Evaluates Java source holding one or more snippets, in order; stack traces show JShell's
     * snippet ids because the cell is unknown.
     *
     * @return the value of the last snippet when it is an expression, else {@link CellValue#NONE}
     * @throws CellFailure on a compile error, an exception thrown by the code, or an interrupt
     */
    public CellValue eval(String code) throws CellFailure {
        return eval(code, 0, 1);
    }

    /**
     * Evaluates Java source written in the cell with {@code executionCount} (0: unknown), starting
     * on the cell's line {@code firstLine}, so that stack traces name {@code In [3], line 2}.
     *
     * @return the value of the last snippet when it is an expression, else {@link CellValue#NONE}
     * @throws CellFailure on a compile error, an exception thrown by the code, or an interrupt
     */
    public CellValue eval(String code, int executionCount, int firstLine) throws CellFailure {
        CellValue last = CellValue.NONE;
        String remaining = code;
        while (!remaining.isBlank()) {
            int start = code.length() - remaining.length() + startOf(remaining);
            CompletionInfo info = analysis.analyzeCompletion(remaining);
            String source;
            if (info.completeness() == Completeness.EMPTY) {
                break;
            }
            if (info.completeness().isComplete()) {
                source = info.source();
                remaining = info.remaining();
            } else {
                // Incomplete or unparsable: let the compiler report the exact error.
                source = remaining;
                remaining = "";
            }
            int startLine = firstLine + (int) code.substring(0, start).chars().filter(c -> c == '\n').count();
            SnippetOrigin origin = executionCount > 0 ? new SnippetOrigin(executionCount, startLine) : null;
            last = evalSnippet(source, origin);
        }
        return last;
    }

    /**
     * Returns the offset in {@code remaining} of the line JShell numbers 1: JShell drops the
     * whitespace before a snippet, so its line 1 is the first non-blank line.
     */
    private static int startOf(String remaining) {
        int offset = 0;
        while (offset < remaining.length() && Character.isWhitespace(remaining.charAt(offset))) {
            offset++;
        }
        return offset;
    }

    /** Returns where the user wrote a snippet line, e.g. {@code In [3], line 2}, or null when unknown. */
    private String locate(String snippetId, int line) {
        SnippetOrigin origin = origins.get(snippetId);
        if (origin == null) {
            return null;
        }
        String cell = "In [" + origin.executionCount() + "]";
        return line > 0 ? cell + ", line " + (origin.firstLine() + line - 1) : cell;
    }

    private CellValue evalSnippet(String source, SnippetOrigin origin) throws CellFailure {
        CompiledSnippet cached = compiled.get(source);
        if (cached != null) {
            recordOrigin(cached.snippetId(), origin);
            return rerun(cached);
        }
        control.resetLastResult();
        List<SnippetEvent> events = shell.eval(source);
        if (control.lastStopped()) {
            throw interruptedFailure();
        }
        SnippetEvent main = events.stream().filter(e -> e.causeSnippet() == null).findFirst().orElse(null);
        if (main == null) {
            return CellValue.NONE;
        }
        Snippet snippet = main.snippet();
        recordOrigin(snippet.id(), origin);
        boolean rerunnable = isRerunnable(snippet);
        if (!rerunnable) {
            compiled.clear();
        }
        if (main.status() == Snippet.Status.REJECTED) {
            throw compileFailure(snippet);
        }
        if (main.exception() != null) {
            throw runtimeFailure(main.exception());
        }
        if (main.status() == Snippet.Status.RECOVERABLE_DEFINED || main.status() == Snippet.Status.RECOVERABLE_NOT_DEFINED) {
            warnUnresolved(snippet);
        }
        boolean hasValue = isValueSnippet(snippet);
        if (rerunnable && main.status() == Snippet.Status.VALID && control.lastInvokedClass() != null) {
            if (compiled.size() >= MAX_COMPILED) {
                compiled.clear();
            }
            compiled.put(source, new CompiledSnippet(snippet.id(), control.lastInvokedClass(), hasValue));
        }
        return hasValue ? CellValue.of(control.lastValue()) : CellValue.NONE;
    }

    private void recordOrigin(String snippetId, SnippetOrigin origin) {
        if (origin != null) {
            origins.put(snippetId, origin);
        } else {
            origins.remove(snippetId);
        }
    }

    private static boolean isRerunnable(Snippet snippet) {
        return snippet.kind() == Snippet.Kind.EXPRESSION
                || snippet.kind() == Snippet.Kind.STATEMENT
                || snippet.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND;
    }

    private CellValue rerun(CompiledSnippet snippet) throws CellFailure {
        control.resetLastResult();
        try {
            control.invoke(snippet.wrapperClass(), "do_it$");
        } catch (ExecutionControl.StoppedException e) {
            throw interruptedFailure();
        } catch (ExecutionControl.UserException e) {
            throw new CellFailure(e.causeExceptionClass(), e.getMessage() == null ? "" : e.getMessage(),
                    StackTraces.format(e, this::locate));
        } catch (ExecutionControl.ExecutionControlException e) {
            compiled.clear();
            String message = "re-running the compiled snippet failed: " + e.getMessage();
            throw new CellFailure(e.getClass().getSimpleName(), message, List.of(message));
        }
        return snippet.hasValue() ? CellValue.of(control.lastValue()) : CellValue.NONE;
    }

    /** Creates the error reported for a cell stopped by an interrupt request. */
    public static CellFailure interruptedFailure() {
        return new CellFailure("InterruptedException", "the cell was interrupted",
                List.of("java.lang.InterruptedException: the cell was interrupted"));
    }

    private static boolean isValueSnippet(Snippet snippet) {
        return switch (snippet.subKind()) {
            case TEMP_VAR_EXPRESSION_SUBKIND, VAR_VALUE_SUBKIND, OTHER_EXPRESSION_SUBKIND -> true;
            default -> false;
        };
    }

    private void warnUnresolved(Snippet snippet) {
        if (snippet instanceof DeclarationSnippet declaration) {
            String missing = shell.unresolvedDependencies(declaration).collect(Collectors.joining(", "));
            System.err.println("Defined " + declaration.name() + ", but it cannot be used until "
                    + missing + " is declared");
        }
    }

    private CellFailure compileFailure(Snippet snippet) {
        List<String> lines = new ArrayList<>();
        String firstMessage = null;
        String source = snippet.source();
        for (Diag diag : shell.diagnostics(snippet).toList()) {
            if (!diag.isError()) {
                continue;
            }
            String message = diag.getMessage(Locale.ROOT);
            if (firstMessage == null) {
                firstMessage = message;
            }
            lines.add("error: " + message);
            lines.addAll(SourceMarker.mark(source, (int) diag.getStartPosition(), (int) diag.getEndPosition()));
        }
        if (firstMessage == null) {
            firstMessage = "the snippet was rejected: " + source.strip();
            lines.add(firstMessage);
        }
        return new CellFailure("CompilationError", firstMessage, lines);
    }

    private CellFailure runtimeFailure(JShellException reported) {
        if (reported instanceof UnresolvedReferenceException unresolved) {
            DeclarationSnippet snippet = unresolved.getSnippet();
            String missing = shell.unresolvedDependencies(snippet).collect(Collectors.joining(", "));
            String message = snippet.name() + " cannot be used until " + missing + " is declared";
            return new CellFailure("UnresolvedReferenceException", message, List.of(message));
        }
        String name = reported instanceof EvalException eval ? eval.getExceptionClassName() : reported.getClass().getName();
        return new CellFailure(name, reported.getMessage() == null ? "" : reported.getMessage(), StackTraces.format(reported, this::locate));
    }

    /** Marks that a notebook cell runs, so that {@link #stop()} also stops its snippets that have not started yet. */
    public void beginCell() {
        control.beginCell();
    }

    /** Marks the end of the cell that {@link #beginCell()} started. */
    public void endCell() {
        control.endCell();
    }

    /** Stops the running cell, if any; safe to call from another thread. */
    public void stop() {
        shell.stop();
    }

    /**
     * Returns completions for the identifier before {@code cursor}.
     *
     * @param anchor receives the start of the text that the completions replace
     */
    public List<String> complete(String code, int cursor, int[] anchor) {
        Set<String> distinct = new LinkedHashSet<>();
        for (SourceCodeAnalysis.Suggestion suggestion : analysis.completionSuggestions(code, cursor, anchor)) {
            distinct.add(suggestion.continuation());
        }
        return List.copyOf(distinct);
    }

    /**
     * Returns the signatures, with Javadoc where known, of what the cursor is on; empty when the
     * cursor is on nothing JShell can resolve.
     */
    public List<String> documentation(String code, int cursor) {
        return javadoc.describe(code, cursor);
    }

    /** Classifies source for the {@code is_complete} request. */
    public Completion completeness(String code) {
        String remaining = code;
        while (!remaining.isBlank()) {
            CompletionInfo info = analysis.analyzeCompletion(remaining);
            switch (info.completeness()) {
                case EMPTY:
                    return Completion.COMPLETE;
                case COMPLETE:
                case COMPLETE_WITH_SEMI:
                    remaining = info.remaining();
                    break;
                case DEFINITELY_INCOMPLETE:
                case CONSIDERED_INCOMPLETE:
                    return Completion.INCOMPLETE;
                default:
                    return Completion.INVALID;
            }
        }
        return Completion.COMPLETE;
    }

    /** Status returned for the {@code is_complete} request. */
    public enum Completion { COMPLETE, INCOMPLETE, INVALID }

    @Override
    public void close() {
        shell.close();
    }
}
