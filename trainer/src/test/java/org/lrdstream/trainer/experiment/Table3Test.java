package org.lrdstream.trainer.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrdstream.trainer.offline.OfficeSlice;

/** The Table 3 grid's selection on dev and its report, on recorded runs made up for the test. */
class Table3Test {
  private static RunRecord run(String model, int seed, double dev, double test) {
    var m = Map.of("HR@5", test, "HR@10", test + 0.1, "NDCG@5", test - 0.1, "NDCG@10", test - 0.05);
    var d = Map.of("HR@5", dev + 0.1, "HR@10", dev + 0.2, "NDCG@5", dev, "NDCG@10", dev + 0.05);
    var ranks = new int[20];
    for (int u = 0; u < ranks.length; u++) {
      ranks[u] = (int) ((u * 7 + seed) % (test > 0.45 ? 6 : 12));
    }
    return new RunRecord(model, seed, 10, 5, 1, 1, d, m, null, Map.of(), ranks, List.of());
  }

  @Test
  void aBaselineIsSelectedOnDevOnlyOnceItsWholeSearchHasFinished() {
    var runs = new ArrayList<RunRecord>();
    var names = Table3.searchNames("sasrec");
    assertThat(names).hasSize(12).contains("sasrec@lr=1e-3@l2=0");
    for (int k = 0; k < names.size() - 1; k++) {
      // the best dev is lr=1e-3, l2=1e-5 (index 5); its test is the worst: selection never looks at test
      runs.add(run(names.get(k), 1, k == 5 ? 0.30 : 0.20, k == 5 ? 0.10 : 0.40));
    }
    assertThat(Table3.selected("sasrec", runs, 1)).isNull();
    runs.add(run(names.get(11), 1, 0.25, 0.50));
    assertThat(Table3.selected("sasrec", runs, 1)).isEqualTo("sasrec@lr=1e-3@l2=1e-5");
    runs.add(run("sasrec@lr=1e-3@l2=1e-5", 2, 0.31, 0.12));
    assertThat(Table3.rows(runs, 1).get("sasrec")).extracting(RunRecord::seed).containsExactly(1, 2);
    assertThat(Table3.rows(runs, 1).get("caser")).isEmpty();
  }

  @Test
  void theReportHasThePapersLayoutNumbersAndImprovements() {
    var runs = new ArrayList<RunRecord>();
    for (int s = 1; s <= 3; s++) {
      runs.add(run("kda", s, 0.3, 0.40 + 0.01 * s));
      runs.add(run("kda+lrd@lrd=reference@entropy=reference", s, 0.35, 0.48 + 0.012 * s));
      runs.add(run("kda+lrd", s, 0.5, 0.1)); // MODEL.md's form: not Table 3's row
    }
    var md = Table3.markdown("office", runs, 1);
    assertThat(md).contains("| KDA | 3 | 0.4200 ± 0.0100 (-5.7%) | 0.4453 |");
    assertThat(md).contains("| KDA+LRD | 3 | 0.5040 ± 0.0120 (+4.4%) | 0.4826 |").contains("lrd=reference@entropy=reference |");
    // +20.00 % on HR@5, paired by seed: the differences 0.082, 0.084, 0.086 are far from 0
    assertThat(md).containsPattern("\\| Improv\\. \\| 3 \\| \\+20\\.00% ‡ \\(p [0-9.e-]+\\) \\| \\+8\\.38% \\|");
    assertThat(md).contains("| SASRec | 0 | — | 0.4027 |").contains("search unfinished");
    assertThat(md).contains("| RCF | 0 | — | 0.4145 |").contains("not run yet");
  }

  @Test
  void theTableIsRewrittenAfterEveryFinishedRunOfTheGrid(@TempDir Path out) throws Exception {
    var data = OfficeSlice.users(50);
    var spec = new Experiment.Spec(data, List.of(), List.of(1, 2), out, 1, 10, 100, 0, c -> c);
    var seen = new ArrayList<String>();
    var listener = Table3.rewritingAfterEachRun(new Experiment.Listener() {
      @Override
      public void runDone(RunRecord r) {
        seen.add(r.model());
      }
    }, spec, 1, System.err);
    Files.createDirectories(out.resolve("runs"));
    var kda = run("kda", 1, 0.3, 0.41);
    // as Experiment does: the run file first, then the listener
    Files.write(Experiment.runFile(out, "kda", 1), new ObjectMapper().writeValueAsBytes(kda));
    listener.runDone(kda);
    assertThat(seen).containsExactly("kda");
    assertThat(Files.readString(out.resolve("table3.md"))).contains("# Table 3 on " + data.name(), "0.4100");
  }
}
