package org.lrdstream.app;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar on stderr: redrawn in place on a terminal, a line every 10 % otherwise
 * (logs and CI), so stdout stays free for results.
 */
final class ProgressBar {
  private final String what;
  private final PrintStream out;
  private final boolean terminal;
  private final long start = System.nanoTime();
  private long lastDraw;
  private int lastDecile = -1;

  ProgressBar(String what) {
    this.what = what;
    this.out = System.err;
    this.terminal = System.console() != null;
  }

  void update(long done, long total) {
    long now = System.nanoTime();
    double fraction = total == 0 ? 1 : (double) done / total;
    if (terminal) {
      if (now - lastDraw < 100_000_000L && done < total) {
        return;
      }
      lastDraw = now;
      int width = 30;
      int filled = (int) Math.round(fraction * width);
      out.print("\r" + "[" + "#".repeat(filled) + ".".repeat(width - filled) + "] " + line(done, total, now));
      if (done >= total) {
        out.println();
      }
      out.flush();
    } else {
      int decile = (int) (fraction * 10);
      if (decile != lastDecile) {
        lastDecile = decile;
        out.println(line(done, total, now));
      }
    }
  }

  private String line(long done, long total, long now) {
    double seconds = Math.max(1e-9, (now - start) / 1e9);
    return String.format(Locale.ROOT, "%3.0f%% %,d/%,d %s, %,.0f/s",
        total == 0 ? 100.0 : 100.0 * done / total, done, total, what, done / seconds);
  }
}
