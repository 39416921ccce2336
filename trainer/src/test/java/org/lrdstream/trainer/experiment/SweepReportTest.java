package org.lrdstream.trainer.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrdstream.state.checkpoint.DurableFiles;

class SweepReportTest {
  static RunRecord run(String model, int seed, double dev, double test) {
    var d = Map.of("HR@5", 0.4, "NDCG@5", dev, "HR@10", 0.5, "NDCG@10", 0.3);
    var t = Map.of("HR@5", 0.45, "NDCG@5", test, "HR@10", 0.55, "NDCG@10", 0.35);
    return new RunRecord(model, seed, 10, 5, 1.0, 1.0, d, t, null, Map.of(), null, List.of());
  }

  @Test
  void sweepRunsAreGroupedByModelAndKeyAveragedOverSeedsAndSortedByValue() {
    var runs = List.of(
        run("kda", 1, 0.20, 0.21),
        run("kda+lrd@latent=10", 1, 0.30, 0.31),
        run("kda+lrd@latent=5", 1, 0.25, 0.26),
        run("kda+lrd@latent=5", 2, 0.27, 0.28),
        run("kda+lrd@lambda=0.1", 1, 0.22, 0.23),
        run("kda+lrd@lambda=1", 1, 0.23, 0.24),
        run("kda@ema=0.999", 1, 0.21, 0.22));
    var s = ExperimentReport.sweeps(runs);
    assertThat(s).containsOnlyKeys("kda+lrd, latent", "kda+lrd, lambda");
    var latent = s.get("kda+lrd, latent");
    assertThat(latent).extracting(ExperimentReport.SweepPoint::value).containsExactly(5.0, 10.0);
    assertThat(latent.get(0).seeds()).isEqualTo(2);
    assertThat(latent.get(0).dev()).isEqualTo((0.25 + 0.27) / 2);
    var md = ExperimentReport.markdown("office", "fake", runs);
    assertThat(md).contains("## Sensitivity: kda+lrd, latent", "| 10 (best on dev) | 1 | 0.3000 | 0.3100 |", "| 5 | 2 |");
  }

  @Test
  void theSweptSettingIsTheNamesLastAndASearchGridIsNoSweep() {
    var runs = List.of(
        run("kda+lrd@lrd=reference@entropy=reference@latent=5", 1, 0.25, 0.26),
        run("kda+lrd@lrd=reference@entropy=reference@latent=10", 1, 0.30, 0.31),
        run("sasrec@lr=1e-3@l2=0", 1, 0.20, 0.21),
        run("sasrec@lr=1e-3@l2=1e-4", 1, 0.21, 0.22));
    var s = ExperimentReport.sweeps(runs);
    assertThat(s).containsOnlyKeys("kda+lrd@lrd=reference@entropy=reference, latent");
    assertThat(s.get("kda+lrd@lrd=reference@entropy=reference, latent"))
        .extracting(ExperimentReport.SweepPoint::value).containsExactly(5.0, 10.0);
  }

  @Test
  void theReportDrawsTheSweep(@TempDir Path out) throws Exception {
    Files.createDirectories(out.resolve("runs"));
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    for (var r : List.of(run("kda+lrd@latent=5", 1, 0.25, 0.26), run("kda+lrd@latent=6", 1, 0.26, 0.27))) {
      DurableFiles.writeAtomically(Experiment.runFile(out, r.model(), r.seed()), json.writeValueAsBytes(r));
    }
    ExperimentReport.write(out, "office", "fake", System.err);
    assertThat(out.resolve("sweep.png")).isNotEmptyFile();
  }
}
