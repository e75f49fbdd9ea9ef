package io.gptq4j.kernel.jshell;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import jdk.jshell.execution.DirectExecutionControl;

/**
 * Runs JShell snippets inside the kernel JVM, each on its own thread, and keeps the real result
 * object so the kernel can render it. JShell's own local engine hands back
 * only {@code toString()} of a value.
 *
 * <p>{@link #stop()} interrupts the snippet thread, then, if it has not finished within
 * {@link #STOP_GRACE_MILLIS}, stops it with {@link Thread#stop()}: a loop that never checks the
 * interrupt flag ({@code while (true) {}}) ends only that way. {@code Thread.stop} is deprecated
 * for removal but still works on Java 17, where it throws {@link ThreadDeath} in the target thread.
 * NOTE: threads the snippet itself started keep running after a stop.
 */
public final class CellExecutionControl extends DirectExecutionControl {

    /** How long an interrupted snippet may take to end by itself before it is stopped. */
    static final long STOP_GRACE_MILLIS = 150;

    private final Object lock = new Object();
    private Thread running;
    private boolean stopRequested;
    /** True between {@link #beginCell()} and {@link #endCell()}. */
    private boolean inCell;
    /**
     * A stop arrived during a cell while none of its snippets ran (JShell was compiling one), so the
     * cell's next snippet stops before it starts. Without this, an interrupt during the compilation
     * of a slow cell such as {@code Thread.sleep(60_000)} would be lost.
     */
    private boolean stopPending;

    private volatile Object lastValue;
    private volatile String lastInvokedClass;
    private volatile boolean lastStopped;

    /** Clears the stashed result before a new snippet runs. */
    void resetLastResult() {
        lastValue = null;
        lastInvokedClass = null;
        lastStopped = false;
    }

    /** Value returned by the last snippet's wrapper method: the expression or variable value. */
    Object lastValue() {
        return lastValue;
    }

    /** Returns the wrapper class JShell generated for the last snippet, e.g. {@code REPL.$JShell$12}. */
    String lastInvokedClass() {
        return lastInvokedClass;
    }

    /** Marks that a cell runs: from now on a {@link #stop()} reaches its next snippet too. */
    void beginCell() {
        synchronized (lock) {
            inCell = true;
        }
    }

    /** Marks the end of the cell and drops a stop that no snippet received. */
    void endCell() {
        synchronized (lock) {
            inCell = false;
            stopPending = false;
        }
    }

    /** Returns whether the last snippet ended because of {@link #stop()}. */
    boolean lastStopped() {
        return lastStopped;
    }

    @Override
    public String invoke(String className, String methodName)
            throws RunException, EngineTerminationException, InternalException {
        lastInvokedClass = className;
        return super.invoke(className, methodName);
    }

    @Override
    protected String invoke(Method doitMethod) throws Exception {
        Object[] result = new Object[1];
        Throwable[] failure = new Throwable[1];
        Thread snippetThread = new Thread(() -> {
            try {
                result[0] = doitMethod.invoke(null);
            } catch (InvocationTargetException e) {
                failure[0] = e.getCause();
            } catch (Throwable e) {
                failure[0] = e;
            }
        }, "gptq4j-cell");
        snippetThread.setContextClassLoader(doitMethod.getDeclaringClass().getClassLoader());
        synchronized (lock) {
            if (stopPending) {
                stopPending = false;
                lastStopped = true;
                throw new StoppedException();
            }
            running = snippetThread;
            stopRequested = false;
        }
        boolean stopped;
        try {
            snippetThread.start();
            snippetThread.join();
        } finally {
            synchronized (lock) {
                running = null;
                stopped = stopRequested;
            }
        }
        if (stopped) {
            lastStopped = true;
            throw new StoppedException();
        }
        if (failure[0] != null) {
            throw new InvocationTargetException(failure[0]);
        }
        lastValue = result[0];
        return describe(result[0]);
    }

    /**
     * Returns the text JShell reports as the snippet value. Only strings, numbers, booleans and
     * characters are converted; other objects are reported by class name, so no user
     * {@code toString()} runs here. The kernel renders the object itself.
     */
    private static String describe(Object value) {
        if (value == null || value instanceof String || value instanceof Number
                || value instanceof Boolean || value instanceof Character) {
            return valueString(value);
        }
        return value.getClass().getName();
    }

    @Override
    @SuppressWarnings("removal")
    public void stop() {
        Thread target;
        synchronized (lock) {
            target = running;
            if (target == null) {
                stopPending = inCell;
                return;
            }
            stopRequested = true;
        }
        target.interrupt();
        try {
            target.join(STOP_GRACE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (target.isAlive()) {
            target.stop();
        }
    }
}
