package org.lrdstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrdstream.state.checkpoint.Checkpoint;
import org.lrdstream.state.checkpoint.CheckpointFiles;

/**
 * The demo as a user runs it, in its own JVM from the packaged {@code lrd.jar}: Ctrl-C (SIGINT)
 * stops every part through the shutdown path, the trainer's last checkpoint and the replay
 * position are on disk, and running the same command again resumes from them — the replay goes on
 * where it stopped, the scorer serves the resumed model from its first event, and the trainer's
 * offsets only move forward.
 */
class DemoResumeIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void ctrlCStopsEveryPartAndTheNextRunResumes(@TempDir Path tmp) throws Exception {
    var jar = Path.of("target/lrd.jar").toAbsolutePath();
    assertThat(jar).as("mvn package builds the jar before the integration tests").exists();
    var office = Files.isDirectory(Path.of("../../shared/data/office")) ? "../../shared/data/office" : "../shared/data/office";
    var dir = tmp.resolve("demo");

    // first run: no event limit, stopped by Ctrl-C once it is past the warm-up and has a model
    var first = start(jar, tmp.resolve("first"), "demo", "--data", office, "--data-dir", dir.toString(), "--rate", "100",
        "--port", "-1", "--show-every", "0");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
    while (first.isAlive() && System.nanoTime() < deadline && (position(dir) < 300 || newest(dir) == null)) {
      Thread.sleep(500);
    }
    assertThat(first.isAlive()).as("the first run is still running: %s", log(tmp.resolve("first"))).isTrue();
    assertThat(position(dir)).as("replayed before Ctrl-C").isGreaterThanOrEqualTo(300);
    // Ctrl-C is SIGINT; a JVM started with SIGINT ignored (a background job of a non-interactive
    // shell, as a detached build is) never sees it, so there the same shutdown path is taken by
    // SIGTERM (exit 143 instead of 130)
    boolean intIgnored = signalIgnored(first.pid(), 2);
    new ProcessBuilder("kill", intIgnored ? "-TERM" : "-INT", Long.toString(first.pid())).inheritIO().start().waitFor();
    boolean stopped = first.waitFor(120, TimeUnit.SECONDS);
    if (!stopped) {
      // what it is stuck on: a thread dump of the demo JVM (jstack's output goes to the test log)
      new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jstack").toString(), Long.toString(first.pid()))
          .redirectOutput(tmp.resolve("first").resolve("threads").toFile()).start().waitFor(60, TimeUnit.SECONDS);
      var threads = tmp.resolve("first").resolve("threads");
      first.destroyForcibly();
      assertThat(stopped).as("stopped within 2 minutes of Ctrl-C; its log:%n%s%nits threads:%n%s", log(tmp.resolve("first")),
          Files.exists(threads) ? Files.readString(threads) : "(no thread dump)").isTrue();
    }
    var firstLog = log(tmp.resolve("first"));
    assertThat(first.exitValue()).as(firstLog).isEqualTo(intIgnored ? 143 : 130); // 128 + the signal, after the shutdown hooks
    assertThat(firstLog).doesNotContain("Exception", "ERROR");

    long stoppedAt = position(dir);
    Checkpoint last = newest(dir);
    assertThat(last).as("the trainer's checkpoint on disk").isNotNull();
    long trainedOffsets = last.offsets().values().stream().mapToLong(Long::longValue).sum();
    assertThat(trainedOffsets).as("events the stopped trainer covered").isPositive();

    // second run, same command plus an event limit: resumes
    var second = start(jar, tmp.resolve("second"), "demo", "--data", office, "--data-dir", dir.toString(), "--rate", "200",
        "--port", "-1", "--show-every", "0", "--max-events", "100");
    assertThat(second.waitFor(300, TimeUnit.SECONDS)).as("the second run ends after its 100 events").isTrue();
    var secondLog = log(tmp.resolve("second"));
    assertThat(second.exitValue()).as(secondLog).isZero();
    assertThat(secondLog).contains(String.format("from position %,d", stoppedAt)).doesNotContain("Exception", "ERROR");
    var out = Files.readAllLines(tmp.resolve("second").resolve("stdout"), StandardCharsets.UTF_8);
    var summary = JSON.readTree(out.get(out.size() - 1));
    assertThat(summary.path("events").asLong()).isEqualTo(100);
    assertThat(summary.path("recommendations").asLong()).as(secondLog).isPositive();
    assertThat(summary.path("model_version").asLong()).as("the scorer serves the resumed model").isGreaterThanOrEqualTo(last.version());
    assertThat(position(dir)).isEqualTo(stoppedAt + 100);
    var after = newest(dir);
    for (Map.Entry<String, Long> e : last.offsets().entrySet()) {
      assertThat(after.offsets().getOrDefault(e.getKey(), 0L)).as("trainer offset of %s after the resumed run", e.getKey())
          .isGreaterThanOrEqualTo(e.getValue());
    }
  }

  private static Process start(Path jar, Path logs, String... args) throws IOException {
    Files.createDirectories(logs);
    var cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx2g",
        "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-jar", jar.toString()));
    cmd.addAll(List.of(args));
    var pb = new ProcessBuilder(cmd).redirectOutput(logs.resolve("stdout").toFile()).redirectError(logs.resolve("stderr").toFile());
    pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
    return pb.start();
  }

  /** Whether signal {@code sig} is ignored by process {@code pid} (its SigIgn mask in /proc). */
  private static boolean signalIgnored(long pid, int sig) throws IOException {
    var status = Path.of("/proc", Long.toString(pid), "status");
    if (!Files.exists(status)) {
      return false;
    }
    for (var line : Files.readAllLines(status)) {
      if (line.startsWith("SigIgn:")) {
        long mask = Long.parseUnsignedLong(line.substring("SigIgn:".length()).strip(), 16);
        return (mask & (1L << (sig - 1))) != 0;
      }
    }
    return false;
  }

  private static String log(Path logs) throws IOException {
    var f = logs.resolve("stderr");
    return Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : "";
  }

  private static long position(Path dir) throws IOException {
    var f = dir.resolve("replay-position");
    try {
      return Files.isRegularFile(f) ? Long.parseLong(Files.readString(f).strip()) : 0;
    } catch (NumberFormatException e) {
      return 0; // written atomically, so this is not expected; retried by the caller's loop
    }
  }

  /** The newest complete checkpoint in the demo's checkpoint directory, or null. */
  private static Checkpoint newest(Path dir) throws IOException {
    var checkpoints = dir.resolve("checkpoints");
    if (!Files.isDirectory(checkpoints)) {
      return null;
    }
    List<Path> versions;
    try (Stream<Path> s = Files.list(checkpoints)) {
      versions = s.filter(p -> p.getFileName().toString().matches("v\\d+")).sorted().toList();
    }
    for (int i = versions.size() - 1; i >= 0; i--) {
      try {
        return CheckpointFiles.read(versions.get(i));
      } catch (RuntimeException e) {
        // being written (or pruned) right now: take the one before
      }
    }
    return null;
  }
}
