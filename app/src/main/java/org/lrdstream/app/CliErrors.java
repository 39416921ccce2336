package org.lrdstream.app;

import picocli.CommandLine;

/**
 * Turns an exception from a command into one line a person can act on. The stack trace is printed
 * only with {@code LRD_DEBUG=1}: a user error (bad file, bad flag) is not a crash.
 */
final class CliErrors implements CommandLine.IExecutionExceptionHandler {
  @Override
  public int handleExecutionException(
      Exception ex, CommandLine cmd, CommandLine.ParseResult parseResult) {
    var msg = new StringBuilder("error: ").append(describe(ex));
    for (Throwable c = ex.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
      if (c.getMessage() != null && !msg.toString().contains(c.getMessage())) {
        msg.append("\n  caused by: ").append(describe(c));
      }
    }
    cmd.getErr().println(msg);
    if ("1".equals(System.getenv("LRD_DEBUG"))) {
      ex.printStackTrace(cmd.getErr());
    } else {
      cmd.getErr().println("  (set LRD_DEBUG=1 for the stack trace)");
    }
    return 1;
  }

  private static String describe(Throwable t) {
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
