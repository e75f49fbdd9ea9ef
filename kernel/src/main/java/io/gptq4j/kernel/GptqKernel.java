package io.gptq4j.kernel;

import io.gptq4j.dsl.display.Display;
import io.gptq4j.kernel.display.DisplayDataConverter;
import io.gptq4j.kernel.display.NotebookDisplay;
import io.gptq4j.kernel.display.Renderers;
import io.gptq4j.kernel.jshell.CellFailure;
import io.gptq4j.kernel.jshell.CellValue;
import io.gptq4j.kernel.jshell.JShellSession;
import io.gptq4j.kernel.magic.CellSegments;
import io.gptq4j.kernel.magic.KernelMagics;
import io.gptq4j.kernel.protocol.ExecutionContext;
import io.gptq4j.kernel.protocol.InMemoryHistory;
import io.gptq4j.kernel.protocol.ProtocolReplies;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.HelpLink;
import org.dflib.jjava.jupyter.kernel.JupyterIO;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.comm.CommManager;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.magic.MagicParser;
import org.dflib.jjava.jupyter.kernel.magic.MagicTranspiler;
import org.dflib.jjava.jupyter.kernel.magic.MagicsRegistry;
import org.dflib.jjava.jupyter.kernel.magic.UndefinedMagicException;
import org.dflib.jjava.jupyter.kernel.util.StringStyler;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.MessageType;
import org.dflib.jjava.jupyter.messages.publish.PublishError;
import org.dflib.jjava.jupyter.messages.publish.PublishExecuteInput;
import org.dflib.jjava.jupyter.messages.publish.PublishExecuteResult;
import org.dflib.jjava.jupyter.messages.reply.ErrorReply;
import org.dflib.jjava.jupyter.messages.reply.ExecuteReply;
import org.dflib.jjava.jupyter.messages.request.ExecuteRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gptq4j Jupyter kernel: Java cells evaluated by JShell inside this JVM, rich rendering of
 * cell values, magics, and interrupts that stop busy loops. JShell starts in the background once
 * the sockets are bound, so the kernel replies to {@code kernel_info} before it is ready; requests
 * that need JShell wait for it.
 */
public final class GptqKernel extends BaseKernel {

    private static final Logger LOG = LoggerFactory.getLogger(GptqKernel.class);

    /** Packages imported into every notebook; those missing from the class path are skipped. */
    static final List<String> DEFAULT_IMPORTS = List.of(
            "java.util", "java.util.function", "java.util.stream", "java.io", "java.math", "java.nio.file",
            "io.gptq4j.engine.model", "io.gptq4j.dsl", "io.gptq4j.dsl.display",
            "org.knowm.xchart", "tech.tablesaw.api");

    private static final String VERSION = "0.1.0";

    private final ExecutionContext context = new ExecutionContext();
    private final InMemoryHistory history;
    private final CompletableFuture<JShellSession> session = new CompletableFuture<>();
    /** True while an execute request is being handled. */
    private volatile boolean executing;
    /** Execution count of the running cell (0 outside an execute request), for stack trace locations. */
    private int runningCell;
    /** Cell line on which the running segment's body starts. */
    private int runningSegmentLine = 1;
    /**
     * An interrupt arrived during the running cell. Checked before each Java segment starts, which
     * covers a cell still waiting for JShell to start.
     */
    private final AtomicBoolean interruptRequested = new AtomicBoolean();

    private GptqKernel(InMemoryHistory history, MagicsRegistry magics) {
        super("gptq4j", VERSION, languageInfo(),
                List.of(new HelpLink("Java 17 API", "https://docs.oracle.com/en/java/javase/17/docs/api/")),
                history, new JupyterIO(StandardCharsets.UTF_8), new CommManager(), new Renderer(),
                new MagicParser("^\\s*%", "%%", new MagicTranspiler()), magics, false,
                new StringStyler.Builder().build());
        this.history = history;
        NotebookDisplay display = new NotebookDisplay(context);
        Display.install(display::show, display);
    }

    /** Creates the kernel; call {@link #startJShell()} once its sockets are bound. */
    public static GptqKernel create() {
        MagicsRegistry magics = new MagicsRegistry();
        KernelMagics.register(magics);
        return new GptqKernel(new InMemoryHistory(), magics);
    }

    /**
     * Starts JShell on a background thread. Requests that need it wait until it is ready. Calling
     * this after the sockets are bound keeps JShell's start, several seconds of CPU, from delaying
     * the bind and the first {@code kernel_info} reply.
     */
    public void startJShell() {
        Thread thread = new Thread(() -> {
            try {
                session.complete(startSession());
            } catch (RuntimeException | Error e) {
                LOG.error("JShell failed to start; cells cannot run", e);
                session.completeExceptionally(e);
            }
        }, "gptq4j-jshell-start");
        thread.setDaemon(true);
        thread.start();
    }

    private static LanguageInfo languageInfo() {
        return new LanguageInfo.Builder("java")
                .version(Runtime.version().toString())
                .mimetype("text/x-java-source")
                .fileExtension(".jshell")
                .pygments("java")
                .codemirror("text/x-java")
                .build();
    }

    private static JShellSession startSession() {
        long start = System.nanoTime();
        List<String> classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.isBlank())
                .toList();
        JShellSession started = JShellSession.start(classPath, DEFAULT_IMPORTS, System.err);
        LOG.info("JShell ready in {} ms", (System.nanoTime() - start) / 1_000_000);
        return started;
    }

    private JShellSession session() {
        return session.join();
    }

    /** Returns the session for running a cell's Java code; fails if the cell was interrupted already. */
    private JShellSession sessionForCell() throws CellFailure {
        JShellSession ready = session.join();
        ready.beginCell();
        if (interruptRequested.get()) {
            throw JShellSession.interruptedFailure();
        }
        return ready;
    }

    /** Adds a jar or class folder for later cells. */
    public void addToClasspath(Path path) {
        session().addToClasspath(path.toString());
    }

    /**
     * Evaluates Java source (no magics) in the notebook's JShell. Stack traces locate its lines in
     * the running cell, taking {@code code} to start where the running segment's body starts.
     */
    public CellValue evalJava(String code) throws CellFailure {
        return sessionForCell().eval(code, runningCell, runningSegmentLine);
    }

    /** Runs a cell: its Java code and magics in order; the value is that of the last part. */
    CellValue executeCell(String code) throws CellFailure {
        CellValue last = CellValue.NONE;
        List<CellSegments.Segment> segments;
        try {
            segments = CellSegments.parse(code);
        } catch (IllegalArgumentException e) {
            throw new CellFailure("MagicSyntaxError", e.getMessage(), List.of(e.getMessage()));
        }
        for (CellSegments.Segment segment : segments) {
            runningSegmentLine = segment.firstLine();
            last = switch (segment.kind()) {
                case JAVA -> evalJava(segment.body());
                case LINE_MAGIC, CELL_MAGIC -> runMagic(segment);
            };
        }
        return last;
    }

    private CellValue runMagic(CellSegments.Segment segment) throws CellFailure {
        boolean cellMagic = segment.kind() == CellSegments.Kind.CELL_MAGIC;
        String prefix = cellMagic ? "%%" : "%";
        try {
            Object result = cellMagic
                    ? magicsRegistry.evalCellMagic(this, segment.name(), segment.arguments(), segment.body())
                    : magicsRegistry.evalLineMagic(this, segment.name(), segment.arguments());
            return result == null ? CellValue.NONE : CellValue.of(result);
        } catch (UndefinedMagicException e) {
            String known = cellMagic ? magicsRegistry.getCellMagicNames().toString() : magicsRegistry.getLineMagicNames().toString();
            String message = "Unknown magic " + prefix + segment.name() + "; available: " + known;
            throw new CellFailure("UndefinedMagicException", message, List.of(message));
        } catch (CellFailure e) {
            throw e;
        } catch (Exception e) {
            String message = prefix + segment.name() + ": " + e.getMessage();
            throw new CellFailure(e.getClass().getName(), message, List.of(message));
        }
    }

    @Override
    public void becomeHandlerForConnection(JupyterConnection connection) {
        super.becomeHandlerForConnection(connection);
        connection.setHandler(MessageType.COMM_INFO_REQUEST,
                (env, request) -> ProtocolReplies.commInfo(commManager, env, request));
        connection.setHandler(MessageType.HISTORY_REQUEST, (env, request) -> ProtocolReplies.history(history, env, request));
    }

    @Override
    protected void handleExecuteRequest(ShellReplyEnvironment env, Message<ExecuteRequest> message) {
        commManager.setMessageContext(message);
        ExecuteRequest request = message.getContent();
        boolean store = request.shouldStoreHistory() && !request.isSilent();
        int count = store ? executionCount.getAndIncrement() : executionCount.get();
        env.setBusyDeferIdle();
        env.publish(new PublishExecuteInput(request.getCode(), count));
        if (store) {
            history.add(count, request.getCode());
        }
        context.attach(env);
        executing = true;
        runningCell = count;
        try {
            CellValue value = executeCell(request.getCode());
            context.flush();
            if (value.present() && value.value() != null && !request.isSilent()) {
                DisplayData data = DisplayDataConverter.toDisplayData(Renderers.render(value.value()));
                env.publish(new PublishExecuteResult(count, data));
            }
            env.defer().reply(new ExecuteReply(count, Map.of()));
        } catch (CellFailure failure) {
            replyError(env, count, failure);
        } catch (RuntimeException e) {
            // Rendering or a bug in the kernel: report it in the cell, keep serving.
            LOG.warn("Cell {} failed outside user code", count, e);
            replyError(env, count, new CellFailure(e.getClass().getName(), String.valueOf(e.getMessage()),
                    List.of(e.toString())));
        } finally {
            executing = false;
            runningCell = 0;
            interruptRequested.set(false);
            if (session.isDone() && !session.isCompletedExceptionally()) {
                session.join().endCell();
            }
            context.detach();
        }
    }

    private void replyError(ShellReplyEnvironment env, int count, CellFailure failure) {
        context.flush();
        env.publish(new PublishError(failure.errorName(), failure.errorValue(), failure.traceback()));
        ErrorReply reply = new ErrorReply(failure.errorName(), failure.errorValue(), failure.traceback());
        reply.setExecutionCount(count);
        env.defer().replyError(ExecuteReply.MESSAGE_TYPE.error(), reply);
    }

    @Override
    public Object evalRaw(String source) {
        try {
            CellValue value = executeCell(source);
            return value.present() ? value.value() : null;
        } catch (CellFailure e) {
            throw new IllegalStateException(e.errorName() + ": " + e.errorValue(), e);
        }
    }

    @Override
    public DisplayData inspect(String code, int at, boolean extraDetail) {
        if (isMagicLine(code, at)) {
            return null;
        }
        List<String> entries = session().documentation(code, CodePoints.toCharIndex(code, at));
        if (entries.isEmpty()) {
            return null;
        }
        return new DisplayData(String.join("\n\n", entries));
    }

    @Override
    public ReplacementOptions complete(String code, int at) {
        if (isMagicLine(code, at)) {
            return null;
        }
        int cursor = CodePoints.toCharIndex(code, at);
        int[] anchor = {cursor};
        List<String> options = session().complete(code, cursor, anchor);
        return new ReplacementOptions(options, CodePoints.toCodePointIndex(code, anchor[0]), at);
    }

    @Override
    public String isComplete(String code) {
        if (code.stripLeading().startsWith("%")) {
            return IS_COMPLETE_YES;
        }
        return switch (session().completeness(code)) {
            case COMPLETE -> IS_COMPLETE_YES;
            case INVALID -> IS_COMPLETE_BAD;
            case INCOMPLETE -> "    ".repeat(Math.max(0, CodePoints.openBraces(code)));
        };
    }

    private static boolean isMagicLine(String code, int at) {
        int cursor = Math.min(code.length(), CodePoints.toCharIndex(code, at));
        int lineStart = code.lastIndexOf('\n', Math.max(0, cursor - 1)) + 1;
        return code.substring(lineStart).stripLeading().startsWith("%") || code.stripLeading().startsWith("%%");
    }

    @Override
    public void interrupt() {
        LOG.info("Interrupt requested");
        if (executing) {
            interruptRequested.set(true);
        }
        if (session.isDone() && !session.isCompletedExceptionally()) {
            session.join().stop();
        }
    }

    @Override
    public void onShutdown(boolean isRestarting) {
        LOG.info("Shutting down (restart: {})", isRestarting);
        if (session.isDone() && !session.isCompletedExceptionally()) {
            session.join().stop();
            session.join().close();
        }
        super.onShutdown(isRestarting);
    }
}
