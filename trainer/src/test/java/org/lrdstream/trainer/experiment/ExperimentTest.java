package org.lrdstream.trainer.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrdstream.data.Catalog;
import org.lrdstream.state.checkpoint.CheckpointFiles;
import org.lrdstream.trainer.offline.OfficeSlice;

class ExperimentTest {
  static final class FakeText implements TextVectorSource {
    int calls;

    @Override
    public String id() {
      return "fake-16";
    }

    @Override
    public float[][] vectors(Catalog catalog) {
      calls++;
      return OfficeSlice.randomText(catalog.numItems(), 16, 9);
    }
  }

  @Test
  void aGridWritesResultsChecksAndSkipsFinishedRunsWhenRerun(@TempDir Path out) throws Exception {
    var data = OfficeSlice.users(150);
    var spec = new Experiment.Spec(data, List.of("rcf", "rcf+lrd"), List.of(1, 2), out, 1, 10, 100, 0,
        c -> c.toBuilder().layers(1).dim(16).build());
    var text = new FakeText();
    var runs = new Experiment(spec, text, System.err).run(new Experiment.Listener() {});
    assertThat(runs).hasSize(4);

    var json = new ObjectMapper().readTree(out.resolve("results.json").toFile());
    assertThat(json.path("dataset").asText()).isEqualTo(data.name());
    assertThat(json.path("encoder").asText()).isEqualTo("fake-16");
    var row = json.path("rows").get(0);
    for (var field : List.of("model", "seed", "epochs", "train_seconds_per_epoch", "eval_seconds", "dev", "test")) {
      assertThat(row.has(field)).as(field).isTrue();
    }
    for (var metric : List.of("HR@5", "NDCG@5", "HR@10", "NDCG@10")) {
      assertThat(row.path("test").path(metric).isNumber()).as(metric).isTrue();
    }
    var md = Files.readString(out.resolve("results.md"));
    assertThat(md).contains("| rcf | 2 |", "| rcf+lrd | 2 |", "rcf+lrd vs rcf");
    assertThat(out.resolve("curves.png")).isRegularFile();
    var ckpt = CheckpointFiles.read(out.resolve("checkpoints").resolve("rcf+lrd-seed2"));
    assertThat(ckpt.relations()).contains("sequence", "also-buy", "latent-5");
    assertThat(out.resolve("progress").resolve("rcf-seed1")).doesNotExist();

    // Re-running the same command skips the four finished runs and does no work.
    var skipped = new ArrayList<String>();
    new Experiment(spec, text, System.err).run(new Experiment.Listener() {
      @Override
      public void runSkipped(String model, int seed) {
        skipped.add(model + "/" + seed);
      }
    });
    assertThat(skipped).containsExactly("rcf/1", "rcf/2", "rcf+lrd/1", "rcf+lrd/2");
    assertThat(text.calls).isEqualTo(1);
  }
}
