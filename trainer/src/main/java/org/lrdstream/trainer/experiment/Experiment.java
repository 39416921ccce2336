package org.lrdstream.trainer.experiment;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.lrdstream.data.Dataset;
import org.lrdstream.model.ModelCheckpoint;
import org.lrdstream.model.ModelConfig;
import org.lrdstream.model.ModelFactory;
import org.lrdstream.state.checkpoint.CheckpointFiles;
import org.lrdstream.state.checkpoint.DurableFiles;
import org.lrdstream.trainer.offline.EpochLog;
import org.lrdstream.trainer.offline.Fit;
import org.lrdstream.trainer.offline.FitListener;

/**
 * A grid of models × seeds on one data set with the paper's protocol. Each finished run is
 * recorded at once in {@code OUT/runs/<model>-seed<N>.json} with its checkpoint in {@code
 * OUT/checkpoints/<model>-seed<N>/}, and the report ({@code results.json}, {@code results.md},
 * {@code curves.png}) is rewritten; running the same grid again skips finished runs, and a run
 * that was killed resumes from its last finished epoch ({@code OUT/progress/}).
 */
public final class Experiment {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * @param overrides applied to every model's config after its defaults (CLI hyper-parameters)
   */
  public record Spec(Dataset data, List<String> models, List<Integer> seeds, Path out, int maxEpochs,
      int patience, int evalBatchUsers, int fullCatalogUsers, UnaryOperator<ModelConfig> overrides,
      org.lrdstream.trainer.offline.EarlyStop earlyStop) {
    public Spec {
      if (earlyStop == null) {
        earlyStop = org.lrdstream.trainer.offline.EarlyStop.PATIENCE;
      }
    }

    public Spec(Dataset data, List<String> models, List<Integer> seeds, Path out, int maxEpochs,
        int patience, int evalBatchUsers, int fullCatalogUsers, UnaryOperator<ModelConfig> overrides) {
      this(data, models, seeds, out, maxEpochs, patience, evalBatchUsers, fullCatalogUsers, overrides, null);
    }
  }

  /** Progress of the grid, for the CLI's progress bars. */
  public interface Listener extends FitListener {
    default void runStarted(String model, int seed, int index, int total, int batchesPerEpoch, int maxEpochs) {}

    default void runSkipped(String model, int seed) {}

    default void runDone(RunRecord record) {}
  }

  private final Spec spec;
  private final TextVectorSource text;
  private final PrintStream log;

  public Experiment(Spec spec, TextVectorSource text, PrintStream log) {
    this.spec = spec;
    this.text = text;
    this.log = log;
  }

  public static Path runFile(Path out, String model, int seed) {
    return out.resolve("runs").resolve(model + "-seed" + seed + ".json");
  }

  public List<RunRecord> run(Listener listener) {
    var data = spec.data();
    // Validate every model name before spending any time.
    var configs = new LinkedHashMap<String, ModelConfig>();
    for (var m : spec.models()) {
      configs.put(m, spec.overrides().apply(ModelConfig.forName(m)));
    }
    try {
      Files.createDirectories(spec.out().resolve("runs"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + spec.out(), e);
    }
    float[][] vectors = null;
    int total = configs.size() * spec.seeds().size();
    int index = 0;
    for (var entry : configs.entrySet()) {
      for (int seed : spec.seeds()) {
        index++;
        var name = entry.getKey();
        var file = runFile(spec.out(), name, seed);
        if (Files.exists(file)) {
          listener.runSkipped(name, seed);
          continue;
        }
        if (vectors == null) {
          vectors = text.vectors(data.catalog());
        }
        var cfg = entry.getValue();
        try (var manager = NDManager.newBaseManager("PyTorch");
            var model = ModelFactory.create(cfg, data, vectors, manager, seed)) {
          var fit = new Fit(model, data, spec.evalBatchUsers());
          int batches = (fit.sampler().exampleCount() + cfg.batchSize() - 1) / cfg.batchSize();
          listener.runStarted(name, seed, index, total, batches, spec.maxEpochs());
          var progressDir = spec.out().resolve("progress").resolve(name + "-seed" + seed);
          var result = fit.run(new Fit.Options(spec.maxEpochs(), spec.patience(), spec.evalBatchUsers(),
              spec.fullCatalogUsers(), seed, progressDir, spec.earlyStop()), listener);
          var record = new RunRecord(name, seed, result.epochs(), result.bestEpoch(),
              result.trainSecondsPerEpoch(), result.evalSeconds(), result.dev().asMap(),
              result.test().asMap(), result.testFullCatalog() == null ? null : result.testFullCatalog().asMap(),
              JSON.convertValue(model.config(), Map.class), result.testRanks(), curve(result.curve()));
          var users = userIds(data);
          var items = itemIds(data);
          var metrics = new LinkedHashMap<String, Double>();
          result.dev().asMap().forEach((k, v) -> metrics.put("dev." + k, v));
          result.test().asMap().forEach((k, v) -> metrics.put("test." + k, v));
          var extra = new LinkedHashMap<String, Object>();
          extra.put("dataset", data.name());
          extra.put("encoder", text.id());
          extra.put("model_name", name);
          extra.put("seed", seed);
          extra.put("best_epoch", result.bestEpoch());
          var checkpoint = ModelCheckpoint.toCheckpoint(model, fit.optimizer(),
              new ModelCheckpoint.Meta(result.bestEpoch(), users, items, Map.of(), metrics, extra));
          CheckpointFiles.write(checkpoint, spec.out().resolve("checkpoints").resolve(name + "-seed" + seed));
          DurableFiles.writeAtomically(file, JSON.writeValueAsBytes(record));
          Fit.clearProgress(progressDir);
          listener.runDone(record);
          ExperimentReport.write(spec.out(), data.name(), text.id(), log);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot record run " + name + " seed " + seed + " in " + spec.out(), e);
        }
      }
    }
    return ExperimentReport.write(spec.out(), data.name(), text.id(), log);
  }

  /**
   * Writes the best epoch a run has saved so far (in {@code OUT/progress/<model>-seed<N>/}; the run
   * may still be going, or have been stopped) as a model checkpoint in {@code dest}, as the run
   * itself will write its final one, but without test metrics (the test split is looked at only
   * when a run ends) and without optimizer state. Its metrics are the dev metrics of that epoch;
   * {@code extra.in_progress_after_epoch} says how far the run had got.
   *
   * @return the epoch written
   */
  public int exportBest(String model, int seed, Path dest) {
    var cfg = spec.overrides().apply(ModelConfig.forName(model));
    var progressDir = spec.out().resolve("progress").resolve(model + "-seed" + seed);
    var saved = Fit.savedBest(progressDir);
    if (saved == null) {
      var done = Files.exists(runFile(spec.out(), model, seed));
      throw new IllegalArgumentException(done
          ? model + " seed " + seed + " has finished: its checkpoint is " + spec.out().resolve("checkpoints").resolve(model + "-seed" + seed)
          : "no saved epoch of " + model + " seed " + seed + " in " + progressDir
              + " (is the run in this OUT, with this model name and seed?)");
    }
    var data = spec.data();
    var vectors = text.vectors(data.catalog());
    try (var manager = NDManager.newBaseManager("PyTorch");
        var m = ModelFactory.create(cfg, data, vectors, manager, seed)) {
      var params = m.parameters();
      for (var name : params.all().keySet()) {
        if (!saved.parameters().containsKey(name)) {
          throw new IllegalArgumentException(progressDir + " has no parameter '" + name + "' of " + model
              + ": was it trained with other settings (e.g. --latent, --layers)?");
        }
      }
      saved.parameters().forEach(params::load);
      var metrics = new LinkedHashMap<String, Double>();
      if (saved.log() != null) {
        saved.log().dev().asMap().forEach((k, v) -> metrics.put("dev." + k, v));
      }
      var extra = new LinkedHashMap<String, Object>();
      extra.put("dataset", data.name());
      extra.put("encoder", text.id());
      extra.put("model_name", model);
      extra.put("seed", seed);
      extra.put("best_epoch", saved.epoch());
      extra.put("in_progress_after_epoch", saved.lastEpoch());
      var checkpoint = ModelCheckpoint.toCheckpoint(m, null,
          new ModelCheckpoint.Meta(saved.epoch(), userIds(data), itemIds(data), Map.of(), metrics, extra));
      CheckpointFiles.write(checkpoint, dest);
      return saved.epoch();
    }
  }

  /** The external user ids of a data set's rows (row 0 = ""): the ids in its files. */
  public static List<String> userIds(Dataset data) {
    var users = new ArrayList<String>();
    users.add("");
    IntStream.rangeClosed(1, data.numUsers()).forEach(u -> users.add(Integer.toString(u)));
    return users;
  }

  /** The external item ids of a data set's rows (row 0 = ""): original ids where known. */
  public static List<String> itemIds(Dataset data) {
    var items = new ArrayList<String>();
    items.add("");
    for (int i = 1; i <= data.numItems(); i++) {
      items.add(data.catalog().externalId(i));
    }
    return items;
  }

  private static List<Map<String, Object>> curve(List<EpochLog> logs) {
    var out = new ArrayList<Map<String, Object>>();
    for (var l : logs) {
      var m = new LinkedHashMap<String, Object>();
      m.put("epoch", l.epoch());
      m.put("loss", l.loss());
      m.put("rec", l.rec());
      m.put("kge", l.kge());
      m.put("lrd", l.lrd());
      m.put("entropy", l.entropy());
      m.put("dev", l.dev().asMap());
      m.put("train_seconds", l.trainSeconds());
      m.put("eval_seconds", l.evalSeconds());
      out.add(m);
    }
    return out;
  }
}
