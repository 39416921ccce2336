package org.lrdstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ScorerCommandsTest {

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
  void theScorerAndItsBenchmarkAreRegistered() {
    var cl = LrdCommand.commandLine();
    assertThat(cl.getSubcommands()).containsKey("scorer");
    assertThat(cl.getSubcommands().get("bench").getSubcommands()).containsKey("scorer");
  }

  @Test
  void aMissingCheckpointIsOneClearLine() {
    var r = run("scorer", "--bootstrap-servers", "127.0.0.1:1", "--checkpoint", "/no/such/ckpt");
    assertThat(r[0]).isEqualTo("1");
    assertThat(r[2]).contains("error: --checkpoint /no/such/ckpt: no such directory").doesNotContain("Exception");
    var bench = run("bench", "scorer", "--data", "/no/such/data", "--checkpoint", "/no/such/ckpt");
    assertThat(bench[0]).isEqualTo("1");
    assertThat(bench[2]).contains("error: checkpoint directory /no/such/ckpt does not exist").doesNotContain("Exception");
  }

  @Test
  void benchNeedsDataAndACheckpoint() {
    var r = run("bench", "scorer", "--data", "x");
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[2]).contains("--checkpoint");
  }

  @Test
  void scorerFlagsOverrideTheConfigFile(@TempDir Path dir) throws Exception {
    var file = dir.resolve("scorer.properties");
    Files.writeString(file, "scorer.candidates=50\nscorer.top-k=20\nscorer.threads=2\n");
    var command = new ScorerCommand();
    new CommandLine(command).parseArgs("--config", file.toString(), "--top-k", "5", "--include-seen",
        "--checkpoint", dir.toString());
    var config = command.config();
    assertThat(config.candidates()).isEqualTo(50);
    assertThat(config.topK()).isEqualTo(5);
    assertThat(config.threads()).isEqualTo(2);
    assertThat(config.excludeSeen()).isFalse();
    assertThat(config.checkpoint()).isEqualTo(dir);
  }
}
