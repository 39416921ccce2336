package org.lrdstream.state.progress;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A dependency-free progress bar for long loops (encoding item texts, training epochs, evaluation).
 *
 * <p>On a terminal it redraws one line in place with {@code '\r'}, at most about four times a
 * second, so that a fast loop does not spend its time printing. When the stream is not a terminal
 * (a log file, CI), {@code '\r'} would pile up into one unreadable line, so it prints a plain line
 * each time another tenth of the work is done instead. Each line shows the items done out of the
 * total, the rate and the estimated time left.
 *
 * <p>Thread-safe: several workers may call {@link #step(long)} on one bar.
 */
public final class ProgressBar implements AutoCloseable {
  static final long REDRAW_INTERVAL_NANOS = 250_000_000L;
  private static final int BAR_WIDTH = 24;

  private final String task;
  private final long total;
  private final PrintStream out;
  private final boolean terminal;
  private final LongSupplier nanoClock;
  private final long startNanos;

  private long done;
  private long lastDrawNanos;
  private int lastTenthPrinted;
  private int lastLineLength;
  private boolean closed;

  /**
   * A bar that redraws in place when the JVM has a console ({@code System.console() != null}) and
   * prints a line every tenth otherwise.
   *
   * @param task what is being done, shown first on every line
   * @param total the number of items expected; 0 or less when unknown (no percentage, no ETA)
   * @param out where to draw, usually {@code System.err}
   */
  public ProgressBar(String task, long total, PrintStream out) {
    this(task, total, out, System.console() != null, System::nanoTime);
  }

  /** As {@link #ProgressBar(String, long, PrintStream)}, with the terminal mode and clock given. */
  public ProgressBar(
      String task, long total, PrintStream out, boolean terminal, LongSupplier nanoClock) {
    this.task = task;
    this.total = total;
    this.out = out;
    this.terminal = terminal;
    this.nanoClock = nanoClock;
    this.startNanos = nanoClock.getAsLong();
    this.lastDrawNanos = Long.MIN_VALUE;
  }

  /** Records {@code n} more items done and redraws if it is time to. */
  public synchronized void step(long n) {
    if (n < 0) {
      throw new IllegalArgumentException("step must not be negative: " + n);
    }
    if (closed) {
      return;
    }
    done += n;
    long now = nanoClock.getAsLong();
    if (terminal) {
      boolean finished = total > 0 && done >= total;
      if (finished || lastDrawNanos == Long.MIN_VALUE || now - lastDrawNanos >= REDRAW_INTERVAL_NANOS) {
        redraw(now);
      }
    } else if (total > 0) {
      int tenth = (int) Math.min(10, done * 10 / total);
      if (tenth > lastTenthPrinted) {
        lastTenthPrinted = tenth;
        out.println(line(now));
        out.flush();
      }
    }
  }

  /** The number of items done so far. */
  public synchronized long done() {
    return done;
  }

  /** Draws the final state and ends the line. Further calls (and steps) do nothing. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    long now = nanoClock.getAsLong();
    if (terminal) {
      redraw(now);
      out.println();
    } else if (total <= 0 || lastTenthPrinted < 10) {
      out.println(line(now));
    }
    out.flush();
  }

  private void redraw(long now) {
    lastDrawNanos = now;
    String line = line(now);
    // pad with blanks so a shorter line fully covers the previous one
    int pad = Math.max(0, lastLineLength - line.length());
    lastLineLength = line.length();
    out.print('\r' + line + " ".repeat(pad));
    out.flush();
  }

  String line(long now) {
    double seconds = Math.max(1e-9, (now - startNanos) / 1e9);
    double rate = done / seconds;
    var sb = new StringBuilder(task);
    if (total > 0) {
      int filled = (int) Math.min(BAR_WIDTH, done * BAR_WIDTH / total);
      sb.append(terminal ? " [" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "]" : ":");
      sb.append(String.format(Locale.ROOT, " %d/%d (%d%%)", done, total, Math.min(100, done * 100 / total)));
    } else {
      sb.append(terminal ? " " : ": ").append(done);
    }
    sb.append(String.format(Locale.ROOT, " %s/s", formatRate(rate)));
    if (total > 0 && done < total) {
      sb.append(" ETA ").append(rate > 0 ? formatDuration((total - done) / rate) : "?");
    } else {
      sb.append(" in ").append(formatDuration(seconds));
    }
    return sb.toString();
  }

  static String formatRate(double rate) {
    return rate >= 100 ? String.format(Locale.ROOT, "%.0f", rate) : String.format(Locale.ROOT, "%.1f", rate);
  }

  static String formatDuration(double seconds) {
    long s = Math.round(seconds);
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
  }
}
