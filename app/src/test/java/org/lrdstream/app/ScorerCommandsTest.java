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

  @Test
  void thePlotTakesOnePointPerScorerResultLineAndRefusesAFileWithout(@TempDir Path dir) throws Exception {
    var lines = java.util.List.of(
        "bench: some log line",
        "{\"benchmark\":\"scorer\",\"candidates\":200,\"layers\":5,\"candidates_per_second\":10642.0,\"online_hr10\":0.1475}",
        "{\"benchmark\":\"scorer\",\"candidates\":200,\"layers\":1,\"candidates_per_second\":27068.0,\"online_hr10\":0.1214}",
        "{\"benchmark\":\"ingest\",\"events_per_second\":17000}",
        "{\"benchmark\":\"scorer\",\"candidates\":200,\"layers\":5,\"candidates_per_second\":13159.0,\"online_hr10\":0.1475}");
    var points = ScorerPlotCommand.points(lines, "candidates_per_second", "online_hr10");
    assertThat(points).containsOnlyKeys("200 candidates, 5 layers", "200 candidates, 1 layers");
    assertThat(points.get("200 candidates, 5 layers")).hasSize(2);
    assertThat(points.get("200 candidates, 1 layers").get(0)).containsExactly(27068.0, 0.1214);

    var in = dir.resolve("scorer.jsonl");
    Files.write(in, lines);
    var png = dir.resolve("plot.png");
    var r = run("bench", "plot-scorer", "--in", in.toString(), "--out", png.toString());
    assertThat(r[0]).isEqualTo("0");
    assertThat(javax.imageio.ImageIO.read(png.toFile()).getWidth()).isEqualTo(700);

    var empty = dir.resolve("empty.jsonl");
    Files.writeString(empty, "no json here\n");
    var bad = run("bench", "plot-scorer", "--in", empty.toString(), "--out", dir.resolve("x.png").toString());
    assertThat(bad[0]).isEqualTo("1");
    assertThat(bad[2]).contains("no lrd bench scorer result line").doesNotContain("Exception");
  }
}
