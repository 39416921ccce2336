package org.lrdstream.scorer;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.lrdstream.data.Attribute;
import org.lrdstream.model.ItemTables;
import org.lrdstream.model.LrdModel;
import org.lrdstream.model.ModelCheckpoint;
import org.lrdstream.model.ModelConfig;
import org.lrdstream.model.RelationSchema;
import org.lrdstream.state.checkpoint.Checkpoint;
import org.lrdstream.state.checkpoint.CheckpointFiles;

/**
 * Tiny checkpoints built with the model API for the scorer's tests: 8 items {@code i1..i8} with a
 * two-valued colour (odd/even) and 3-dim text vectors, users {@code u1..u3}, a KDA+LRD model with
 * d = 4, one layer, history 3, two latent relations, parameters drawn from a seed (large enough
 * that scores are far apart).
 */
public final class TinyCheckpoints {
  private TinyCheckpoints() {}

  public static final int ITEMS = 8;
  public static final List<String> USERS = List.of("", "u1", "u2", "u3");

  public static List<String> itemIds() {
    var ids = new ArrayList<String>();
    ids.add("");
    for (int i = 1; i <= ITEMS; i++) {
      ids.add("i" + i);
    }
    return ids;
  }

  public static ItemTables tables() {
    var values = new int[ITEMS + 1][];
    var texts = new float[ITEMS + 1][];
    var rng = new SplittableRandom(5);
    for (int i = 0; i <= ITEMS; i++) {
      values[i] = i == 0 ? new int[0] : new int[] {1 + i % 2};
      texts[i] = new float[] {(float) rng.nextDouble(-1, 1), (float) rng.nextDouble(-1, 1), (float) rng.nextDouble(-1, 1)};
    }
    return ItemTables.of(ITEMS, List.of(new Attribute("color", 2, values)), texts);
  }

  public static ModelConfig config() {
    return ModelConfig.builder().dim(4).heads(2).layers(1).historyMax(3).latentRelations(2).lambdaLrd(1)
        .gammaKge(1).freqDim(3).dropout(0).build();
  }

  /** A model with seeded, well-spread parameters. */
  public static LrdModel model(NDManager m, long seed) {
    return model(m, seed, config());
  }

  /** As {@link #model(NDManager, long)} for another config (e.g. a baseline's, on the same catalog). */
  public static LrdModel model(NDManager m, long seed, ModelConfig cfg) {
    var schema = RelationSchema.of(List.of("share-color"), List.of("also-buy"), cfg.latentRelations());
    var model = new LrdModel(cfg, schema, tables(), USERS.size() - 1, m, seed, null);
    var rng = new SplittableRandom(seed + 100);
    for (var e : model.parameters().all().entrySet()) {
      var v = e.getValue().toFloatArray();
      boolean norm = e.getKey().contains("norm");
      for (int i = 0; i < v.length; i++) {
        v[i] = norm ? v[i] + (float) rng.nextDouble(-0.2, 0.2) : (float) rng.nextDouble(-0.8, 0.8);
      }
      model.parameters().load(e.getKey(), v);
    }
    return model;
  }

  public static Checkpoint checkpoint(long version, long seed, Map<String, Object> extra) {
    return checkpoint(version, seed, extra, config());
  }

  public static Checkpoint checkpoint(long version, long seed, Map<String, Object> extra, ModelConfig cfg) {
    try (var m = NDManager.newBaseManager(); var model = model(m, seed, cfg)) {
      return ModelCheckpoint.toCheckpoint(model, null, new ModelCheckpoint.Meta(version, USERS, itemIds(),
          Map.of(), Map.of(), new LinkedHashMap<>(extra)));
    }
  }

  /** Writes checkpoint {@code version} (parameters from {@code seed}) under {@code dir}; returns its sha256. */
  public static String write(Path dir, long version, long seed, Map<String, Object> extra) {
    return CheckpointFiles.write(checkpoint(version, seed, extra), dir);
  }
}
