package io.gptq4j.kernel.cli;

import io.gptq4j.engine.io.ModelFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns the errors a user can fix (bad files, bad values) into one line on stderr and exit code 1,
 * instead of a stack trace. Anything else is a bug and keeps its stack trace.
 */
final class CliErrors implements IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) throws Exception {
        if (isUserError(ex)) {
            cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": error: " + describe(ex));
            cmd.getErr().flush();
            return 1;
        }
        throw ex;
    }

    /** Returns whether {@code ex} reports bad input that the user can fix, rather than a bug. */
    static boolean isUserError(Exception ex) {
        return ex instanceof ModelFormatException
                || ex instanceof IllegalArgumentException
                || ex instanceof IOException
                || ex instanceof UncheckedIOException
                || ex instanceof IllegalStateException;
    }

    /** Returns the one-line description printed for a user error. */
    static String describe(Exception ex) {
        if (ex instanceof java.nio.file.NoSuchFileException nsf) {
            return "file not found: " + nsf.getFile();
        }
        if (ex instanceof UncheckedIOException u && u.getCause() != null) {
            return describe(u.getCause());
        }
        String msg = ex.getMessage();
        return msg != null ? msg : ex.getClass().getSimpleName();
    }
}
