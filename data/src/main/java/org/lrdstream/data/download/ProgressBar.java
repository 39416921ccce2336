package org.lrdstream.data.download;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A small progress bar for a download: redrawn in place ({@code '\r'}) on a terminal at most four
 * times a second, or one plain line per tenth of the work in a log. (The project's general bar,
 * {@code org.lrdstream.state.progress.ProgressBar}, was not on main when this was written; it can
 * replace this class.)
 */
public final class ProgressBar implements AutoCloseable {
  private static final long REDRAW_NANOS = 250_000_000L;
  private static final int WIDTH = 24;

  private final String task;
  private final long total;
  private final PrintStream out;
  private final boolean terminal;
  private final long start = System.nanoTime();
  private long done;
  private long lastDraw = Long.MIN_VALUE;
  private int lastTenth;
  private boolean closed;

  /** @param total bytes expected, or 0 or less when unknown */
  public ProgressBar(String task, long total, PrintStream out) {
    this(task, total, out, System.console() != null);
  }

  ProgressBar(String task, long total, PrintStream out, boolean terminal) {
    this.task = task;
    this.total = total;
    this.out = out;
    this.terminal = terminal;
  }

  public synchronized void step(long n) {
    done += n;
    long now = System.nanoTime();
    if (terminal) {
      if (now - lastDraw >= REDRAW_NANOS) {
        lastDraw = now;
        out.print("\r" + line());
        out.flush();
      }
    } else if (total > 0) {
      int tenth = (int) Math.min(10, done * 10 / total);
      if (tenth > lastTenth) {
        lastTenth = tenth;
        out.println(line());
      }
    }
  }

  String line() {
    double seconds = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
    var rate = String.format(Locale.ROOT, "%.1f MB/s", done / seconds / 1e6);
    if (total <= 0) {
      return String.format(Locale.ROOT, "%s %.1f MB %s", task, done / 1e6, rate);
    }
    int filled = (int) Math.min(WIDTH, done * WIDTH / total);
    return String.format(Locale.ROOT, "%s [%s%s] %3d%% %.1f/%.1f MB %s", task, "#".repeat(filled),
        " ".repeat(WIDTH - filled), Math.min(100, done * 100 / total), done / 1e6, total / 1e6, rate);
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (terminal) {
      out.println("\r" + line());
    } else if (total <= 0 || lastTenth < 10) {
      out.println(line());
    }
    out.flush();
  }
}
