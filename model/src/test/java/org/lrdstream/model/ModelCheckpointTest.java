package org.lrdstream.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrdstream.state.checkpoint.CheckpointFiles;

class ModelCheckpointTest {
  @Test
  void aSavedModelScoresExactlyTheSameAfterLoading(@TempDir Path tmp) {
    var cfg = TinyModels.config().build();
    var batch = TinyModels.batch().examples();
    try (var m = NDManager.newBaseManager("PyTorch"); var model = TinyModels.model(cfg, m, 11)) {
      var adam = new Adam(cfg.learningRate(), cfg.l2());
      float[] before;
      try (var s = new NDScope()) {
        before = model.scores(m, batch, model.keyTable(), false).toFloatArray();
      }
      var meta = new ModelCheckpoint.Meta(5, List.of("", "u1", "u2"), List.of("", "a", "b", "c", "d", "e", "f"),
          Map.of(), Map.of("dev.NDCG@5", 0.5), Map.of());
      CheckpointFiles.write(ModelCheckpoint.toCheckpoint(model, adam, meta), tmp.resolve("c"));
      var read = CheckpointFiles.read(tmp.resolve("c"));
      try (var loaded = ModelCheckpoint.fromCheckpoint(read, m, new Adam(cfg.learningRate(), cfg.l2()))) {
        assertThat(loaded.config()).isEqualTo(cfg);
        assertThat(loaded.schema()).isEqualTo(model.schema());
        float[] after;
        try (var s = new NDScope()) {
          after = loaded.scores(m, batch, loaded.keyTable(), false).toFloatArray();
        }
        assertThat(after).containsExactly(before);
      }
    }
  }
}
