package org.lrdstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExperimentCommandTest {
  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    var out = new StringWriter();
    var err = new StringWriter();
    var cl = LrdCommand.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void helpListsTheExperimentCommandAndItsContractFlags() {
    var top = run("--help");
    assertThat(top.exit()).isZero();
    assertThat(top.out()).contains("experiment");
    var help = run("experiment", "--help");
    assertThat(help.out()).contains("--data", "--models", "--seeds", "--out", "--max-epochs", "--patience");
  }

  @Test
  void aMissingDataSetIsOneClearErrorNotAStackTrace(@TempDir Path tmp) {
    var r = run("experiment", "--data", tmp.resolve("nope").toString(), "--out", tmp.resolve("out").toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith("error: ").contains("nope").contains("not a directory");
    assertThat(r.err()).doesNotContain("\tat org.");
  }

  @Test
  void enumOptionsAcceptLowerCase(@TempDir Path tmp) {
    var r = run("experiment", "--data", tmp.resolve("nope").toString(), "--out", tmp.resolve("out").toString(),
        "--entropy", "minimise", "--freq-init", "random");
    // the options parse; the run then stops at the missing data set
    assertThat(r.err()).doesNotContain("Invalid value").contains("not a directory");
  }

  @Test
  void aSweepExpandsTheLrdModelsAndKeepsTheBaseline() {
    var cmd = new ExperimentCommand();
    assertThat(cmd.sweepModels(java.util.List.of("kda", "kda+lrd"), "latent=5,6"))
        .containsExactly("kda", "kda+lrd@latent=5", "kda+lrd@latent=6");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> cmd.sweepModels(java.util.List.of("kda+lrd"), "depth=1,2"))
        .hasMessageContaining("unknown key 'depth'");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> cmd.sweepModels(java.util.List.of("kda+lrd"), "lambda=x"))
        .hasMessageContaining("'x' is not a number");
    cmd.lambda = 1f;
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> cmd.sweepModels(java.util.List.of("kda+lrd"), "lambda=1,2"))
        .hasMessageContaining("give one");
  }

  @Test
  void anUnknownModelIsRefusedBeforeAnyWork(@TempDir Path tmp) throws Exception {
    var office = Path.of("../../shared/data/office");
    if (!Files.isDirectory(office)) {
      office = Path.of("../shared/data/office");
    }
    var r = run("experiment", "--data", office.toString(), "--models", "kda,sasrex",
        "--out", tmp.resolve("out").toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("unknown model 'sasrex'");
  }
}
