package org.lrdstream.trainer.offline;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.lrdstream.model.Adam;
import org.lrdstream.model.LrdModel;
import org.lrdstream.model.ModelCheckpoint;
import org.lrdstream.state.checkpoint.Checkpoint;
import org.lrdstream.state.checkpoint.CheckpointFiles;
import org.lrdstream.state.checkpoint.DurableFiles;
import org.lrdstream.state.checkpoint.Tensor;

/**
 * The saved state of a training run after its last finished epoch: the model and optimizer
 * ({@code epoch-<E>/}), the best epoch's parameters ({@code best-<B>/}), and {@code state.json}
 * naming them, written last and atomically — a crash between writes leaves the previous state
 * valid.
 */
final class RunProgress {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path dir;

  RunProgress(Path dir) {
    this.dir = dir;
  }

  record State(int epoch, int bestEpoch, double bestNdcg, Map<String, float[]> best, List<EpochLog> curve) {}

  void save(LrdModel model, Adam adam, int epoch, int bestEpoch, double bestNdcg,
      Map<String, float[]> newBest, List<EpochLog> curve) {
    try {
      Files.createDirectories(dir);
      var meta = new ModelCheckpoint.Meta(epoch, List.of(), List.of(), Map.of(), Map.of(), Map.of());
      CheckpointFiles.write(ModelCheckpoint.toCheckpoint(model, adam, meta), dir.resolve("epoch-" + epoch));
      if (newBest != null) {
        var tensors = new ArrayList<Tensor>();
        newBest.forEach((k, v) -> tensors.add(Tensor.of(k, v, v.length)));
        CheckpointFiles.write(new Checkpoint(bestEpoch, System.currentTimeMillis(), JSON.createObjectNode(),
            List.of(), List.of(), List.of(), Map.of(), Map.of(), Map.of(), tensors), dir.resolve("best-" + bestEpoch));
      }
      var state = new LinkedHashMap<String, Object>();
      state.put("epoch", epoch);
      state.put("best_epoch", bestEpoch);
      state.put("best_ndcg5", bestNdcg);
      state.put("curve", curve);
      DurableFiles.writeAtomically(dir.resolve("state.json"), JSON.writeValueAsBytes(state));
      // older epochs and bests are no longer referenced
      try (Stream<Path> s = Files.list(dir)) {
        for (var p : s.toList()) {
          var n = p.getFileName().toString();
          if ((n.startsWith("epoch-") && !n.equals("epoch-" + epoch))
              || (n.startsWith("best-") && !n.equals("best-" + bestEpoch))) {
            DurableFiles.deleteTree(p);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the run's progress in " + dir, e);
    }
  }

  /** Restores model and optimizer from the saved state; null when there is none. */
  State load(LrdModel model, Adam adam) {
    var stateFile = dir.resolve("state.json");
    if (!Files.isRegularFile(stateFile)) {
      return null;
    }
    try {
      var s = read(stateFile);
      var current = CheckpointFiles.read(dir.resolve("epoch-" + s.epoch()));
      try (var loaded = ModelCheckpoint.fromCheckpoint(current, model.manager(), null)) {
        loaded.parameters().all().forEach((k, v) -> model.parameters().load(k, v.toFloatArray()));
      }
      ModelCheckpoint.restoreOptimizer(current, model.parameters(), adam);
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot resume from " + dir, e);
    }
  }

  /** state.json and the best epoch's parameters it names (null before any best). */
  private State read(Path stateFile) throws IOException {
    var s = JSON.readTree(stateFile.toFile());
    int epoch = s.path("epoch").asInt();
    int bestEpoch = s.path("best_epoch").asInt();
    Map<String, float[]> best = null;
    if (bestEpoch > 0) {
      best = new LinkedHashMap<>();
      for (var t : CheckpointFiles.read(dir.resolve("best-" + bestEpoch)).tensors()) {
        best.put(t.name(), t.floats());
      }
    }
    List<EpochLog> curve = JSON.convertValue(s.path("curve"),
        JSON.getTypeFactory().constructCollectionType(List.class, EpochLog.class));
    return new State(epoch, bestEpoch, s.path("best_ndcg5").asDouble(), best, curve);
  }

  /**
   * The best epoch saved so far, without touching a model: for reading the state of a run that may
   * still be going (it replaces {@code best-<B>} as it improves; a state that changed under the
   * read is read again). Null when nothing is saved or no epoch has finished.
   */
  State best() {
    var stateFile = dir.resolve("state.json");
    for (int attempt = 0; ; attempt++) {
      if (!Files.isRegularFile(stateFile)) {
        return null;
      }
      try {
        var s = read(stateFile);
        return s.bestEpoch() > 0 ? s : null;
      } catch (IOException | RuntimeException e) {
        if (attempt >= 2) {
          throw new IllegalStateException("cannot read the best epoch saved in " + dir + ": " + e.getMessage(), e);
        }
        try {
          Thread.sleep(500); // the run moved on between reading state.json and best-<B>
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted", ie);
        }
      }
    }
  }

  void clear() {
    try {
      DurableFiles.deleteTree(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + dir, e);
    }
  }
}
