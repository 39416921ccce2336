package org.lrdstream.state.progress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
  private final AtomicLong clock = new AtomicLong();

  private String printed() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void logModePrintsOnePlainLinePerTenthAndNoCarriageReturns() {
    try (var bar = new ProgressBar("encode", 100, out, false, clock::get)) {
      for (int i = 0; i < 100; i++) {
        clock.addAndGet(10_000_000L); // 10 ms per item: 100 items/s
        bar.step(1);
      }
    }
    String[] lines = printed().split("\n");
    assertThat(printed()).doesNotContain("\r");
    assertThat(lines).hasSize(10);
    assertThat(lines[0]).isEqualTo("encode: 10/100 (10%) 100/s ETA 1s");
    assertThat(lines[9]).isEqualTo("encode: 100/100 (100%) 100/s in 1s");
  }

  @Test
  void logModeClosePrintsTheFinalStateWhenUnfinished() {
    try (var bar = new ProgressBar("encode", 1000, out, false, clock::get)) {
      clock.addAndGet(1_000_000_000L);
      bar.step(50);
    }
    assertThat(printed()).isEqualTo("encode: 50/1000 (5%) 50.0/s ETA 19s\n");
  }

  @Test
  void terminalModeRedrawsInPlaceAtMostFourTimesASecond() {
    try (var bar = new ProgressBar("train", 1000, out, true, clock::get)) {
      for (int i = 0; i < 999; i++) {
        clock.addAndGet(1_000_000L); // 1 ms per item: 999 steps in about 1 s
        bar.step(1);
      }
      clock.addAndGet(1_000_000L);
      bar.step(1);
    }
    String s = printed();
    long redraws = s.chars().filter(c -> c == '\r').count();
    // first step, then every 250 ms (3 more), the finishing step, and close
    assertThat(redraws).isBetween(5L, 7L);
    assertThat(s).endsWith("\n");
    assertThat(s.substring(s.lastIndexOf('\r') + 1).strip())
        .isEqualTo("train [########################] 1000/1000 (100%) 1000/s in 1s");
  }

  @Test
  void unknownTotalShowsCountAndRateOnly() {
    try (var bar = new ProgressBar("read", 0, out, false, clock::get)) {
      clock.addAndGet(2_000_000_000L);
      bar.step(10);
    }
    assertThat(printed()).isEqualTo("read: 10 5.0/s in 2s\n");
  }

  @Test
  void durationsReadWell() {
    assertThat(ProgressBar.formatDuration(59.4)).isEqualTo("59s");
    assertThat(ProgressBar.formatDuration(61)).isEqualTo("1m01s");
    assertThat(ProgressBar.formatDuration(7322)).isEqualTo("2h02m");
  }
}
