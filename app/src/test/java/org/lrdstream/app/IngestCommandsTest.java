package org.lrdstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class IngestCommandsTest {

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
  void theIngestCommandsAreRegisteredWithBenchAsAGroup() {
    var cl = LrdCommand.commandLine();
    assertThat(cl.getSubcommands()).containsKeys("broker", "replay", "ingest", "bench");
    assertThat(cl.getSubcommands().get("bench").getSubcommands()).containsKey("ingest");
  }

  @Test
  void replayNeedsADataSetAndOneSpeed() {
    var missing = run("replay");
    assertThat(missing[0]).isEqualTo("2");
    assertThat(missing[2]).contains("--data");
    var both = run("replay", "--data", "x", "--rate", "100", "--max-speed");
    assertThat(both[0]).isEqualTo("2");
    assertThat(both[2]).contains("mutually exclusive");
  }

  @Test
  void aMissingDataSetIsOneClearLine() {
    var r = run("replay", "--data", "/no/such/dir", "--bootstrap-servers", "127.0.0.1:1");
    assertThat(r[0]).isEqualTo("1");
    assertThat(r[2]).contains("error: /no/such/dir: not a directory").doesNotContain("Exception");
  }

  @Test
  void ingestFlagsOverrideTheConfigFile(@TempDir Path dir) throws Exception {
    var file = dir.resolve("ingest.properties");
    Files.writeString(file, "ingest.history-length=50\ningest.grace=PT5M\ningest.threads=2\n");
    var command = new IngestCommand();
    new CommandLine(command).parseArgs("--config", file.toString(), "--history-length", "30",
        "--dedup-window", "60000", "--at-least-once");
    var config = command.config();
    assertThat(config.historyLength()).isEqualTo(30);
    assertThat(config.grace()).isEqualTo(Duration.ofMinutes(5));
    assertThat(config.threads()).isEqualTo(2);
    assertThat(config.dedupWindow()).isEqualTo(Duration.ofMinutes(1));
    assertThat(config.exactlyOnce()).isFalse();
  }
}
