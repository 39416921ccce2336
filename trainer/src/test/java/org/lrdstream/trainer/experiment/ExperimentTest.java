package org.lrdstream.trainer.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrdstream.data.Catalog;
import org.lrdstream.model.ModelCheckpoint;
import org.lrdstream.model.ModelConfig;
import org.lrdstream.model.ModelFactory;
import org.lrdstream.state.checkpoint.CheckpointFiles;
import org.lrdstream.trainer.offline.Fit;
import org.lrdstream.trainer.offline.FitListener;
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

  @Test
  void theBestEpochOfAnUnfinishedRunExportsAsAModelCheckpointWithDevMetricsOnly(@TempDir Path out) {
    var data = OfficeSlice.users(150);
    java.util.function.UnaryOperator<ModelConfig> small = c -> c.toBuilder().layers(1).dim(16).build();
    var spec = new Experiment.Spec(data, List.of("rcf+lrd"), List.of(1), out, 3, 10, 100, 0, small);
    var text = new FakeText();
    var experiment = new Experiment(spec, text, System.err);
    assertThatThrownBy(() -> experiment.exportBest("rcf+lrd", 1, out.resolve("x")))
        .hasMessageContaining("no saved epoch of rcf+lrd seed 1");

    // A run that saved three epochs and was not recorded as finished (as a killed or running one).
    var progress = out.resolve("progress").resolve("rcf+lrd-seed1");
    var cfg = small.apply(ModelConfig.forName("rcf+lrd"));
    try (var manager = NDManager.newBaseManager("PyTorch");
        var model = ModelFactory.create(cfg, data, text.vectors(data.catalog()), manager, 1)) {
      var result = new Fit(model, data, 100).run(new Fit.Options(3, 10, 100, 0, 1, progress), new FitListener() {});
      // Fit.run leaves the best epoch's parameters in the model: the export must hold the same.
      var dest = out.resolve("snapshot");
      int epoch = experiment.exportBest("rcf+lrd", 1, dest);
      assertThat(epoch).isEqualTo(result.bestEpoch());
      var ckpt = CheckpointFiles.read(dest);
      assertThat(ckpt.version()).isEqualTo(result.bestEpoch());
      assertThat(ckpt.metrics()).containsEntry("dev.NDCG@5", result.dev().asMap().get("NDCG@5"));
      assertThat(ckpt.metrics().keySet()).noneMatch(k -> k.startsWith("test."));
      assertThat(ckpt.items()).hasSize(data.numItems() + 1);
      assertThat(ckpt.relations()).contains("sequence", "latent-5");
      try (var m2 = NDManager.newBaseManager("PyTorch");
          var loaded = ModelCheckpoint.fromCheckpoint(ckpt, m2, null)) {
        for (var e : model.parameters().all().entrySet()) {
          assertThat(loaded.parameters().get(e.getKey()).toFloatArray()).as(e.getKey())
              .containsExactly(e.getValue().toFloatArray());
        }
      }
    }
  }
}
