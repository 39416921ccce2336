package org.lrdstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TrainerCommandsTest {

  private static String[] run(String... args) {
    var cl = LrdCommand.commandLine();
    var out = new StringWriter();
    var err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int rc = cl.execute(args);
    return new String[] {Integer.toString(rc), out.toString(), err.toString()};
  }

  @Test
  void theTrainerAndItsBenchmarkAreRegistered() {
    var cl = LrdCommand.commandLine();
    assertThat(cl.getSubcommands()).containsKey("trainer");
    assertThat(cl.getSubcommands().get("bench").getSubcommands()).containsKey("online");
  }

  @Test
  void badFlagsAreOneClearLineBeforeAnythingStarts() {
    var r = run("trainer", "--bootstrap-servers", "127.0.0.1:1", "--batch-size", "0");
    assertThat(r[0]).isEqualTo("1");
    assertThat(r[2]).contains("error: --batch-size must be at least 1, got 0").doesNotContain("Exception");
    var warm = run("trainer", "--bootstrap-servers", "127.0.0.1:1", "--warm-start", "/no/such/ckpt");
    assertThat(warm[2]).contains("error: --warm-start /no/such/ckpt: no such checkpoint directory");
    var model = run("trainer", "--bootstrap-servers", "127.0.0.1:1", "--model", "nonsense");
    assertThat(model[0]).isEqualTo("1");
    assertThat(model[2]).contains("error: ").contains("nonsense").doesNotContain("Exception");
    var bench = run("bench", "online", "--data", "/no/such/data");
    assertThat(bench[2]).contains("error: --data /no/such/data: no such directory");
    var rate = run("bench", "online", "--data", ".", "--rate", "-1");
    assertThat(rate[2]).contains("error: --rate must not be negative");
  }

  @Test
  void flagsMakeTheTrainerConfiguration(@TempDir Path dir) {
    var command = new TrainerCommand();
    new CommandLine(command).parseArgs("--checkpoint-dir", dir.toString(), "--batch-size", "64", "--max-wait-ms", "250",
        "--checkpoint-steps", "7", "--checkpoint-seconds", "1.5", "--replay-buffer", "10", "--replay-ratio", "2",
        "--keep-checkpoints", "4", "--model", "rcf+lrd", "--model-name", "m", "--seed", "9");
    var c = command.config("b:9092");
    assertThat(c.bootstrapServers()).isEqualTo("b:9092");
    assertThat(c.checkpointDir()).isEqualTo(dir);
    assertThat(c.batchSize()).isEqualTo(64);
    assertThat(c.maxWait()).isEqualTo(Duration.ofMillis(250));
    assertThat(c.checkpointEverySteps()).isEqualTo(7);
    assertThat(c.checkpointInterval()).isEqualTo(Duration.ofMillis(1500));
    assertThat(c.replayBufferSize()).isEqualTo(10);
    assertThat(c.replayRatio()).isEqualTo(2.0);
    assertThat(c.keepCheckpoints()).isEqualTo(4);
    assertThat(c.model().backbone().name()).isEqualTo("RCF");
    assertThat(c.modelName()).isEqualTo("m");
    assertThat(c.seed()).isEqualTo(9);
  }
}
