package org.lrdstream.app;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.lrdstream.data.Dataset;
import org.lrdstream.data.HeldOut;
import org.lrdstream.data.ReChorusReader;
import org.lrdstream.model.ModelCheckpoint;
import org.lrdstream.scorer.serving.CheckpointLoader;
import org.lrdstream.scorer.serving.Retrieval;
import org.lrdstream.scorer.serving.ServingModel;
import org.lrdstream.state.checkpoint.CheckpointFiles;
import org.lrdstream.state.progress.ProgressBar;
import org.lrdstream.state.records.HistoryEntry;
import org.lrdstream.trainer.offline.Evaluator;
import org.lrdstream.trainer.offline.Metrics;
import org.lrdstream.trainer.offline.UserHistories;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lrd bench rerank}: what "candidates then rerank" costs in quality against scoring the
 * whole catalog with the full model, offline, on a data set's test split.
 */
@Command(
    name = "rerank",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Full-catalog quality of the scorer's candidates-then-rerank against the full model on all items.",
      "For the test row of each (sampled) user: the scorer's path (dot-product retrieval, relation",
      "neighbours and popular items, then the full model on N candidates; seen items excluded) and",
      "the full model on every item the user has not seen, both ranking the held-out item.",
      "Prints one JSON object as its last line."
    })
public final class RerankBenchCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--data", required = true, paramLabel = "DIR", description = "The data set the checkpoint was trained on.")
  Path data;

  @Option(names = "--checkpoint", required = true, paramLabel = "CKPT", description = "Checkpoint directory (e.g. OUT/checkpoints/kda+lrd-seed1).")
  Path checkpoint;

  @Option(names = "--candidates", split = ",", defaultValue = "50,100,200", paramLabel = "N[,N...]",
      description = "Candidate counts to measure. Default: ${DEFAULT-VALUE}.")
  List<Integer> candidates;

  @Option(names = "--retrieval", split = ",", defaultValue = "model", paramLabel = "R[,R...]",
      description = "How retrieval summarises the history: model (the forward pass with uniform intensities, the scorer's "
          + "default) or mean (mean item embedding); several to compare them on the same users. Default: ${DEFAULT-VALUE}.")
  List<Retrieval> retrievals;

  @Option(names = "--users", defaultValue = "500", paramLabel = "U",
      description = "A seeded sample of U test users, the same for every method (0 = all). Default: ${DEFAULT-VALUE}.")
  int users;

  @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed of the user sample. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Override
  public Integer call() throws Exception {
    var dataset = ReChorusReader.read(data);
    var c = CheckpointFiles.read(checkpoint);
    CheckpointData.checkSameItems(c, dataset, checkpoint, data);
    var rows = sample(dataset.test(), users, seed);
    var err = System.err;
    var out = new LinkedHashMap<String, Object>();
    out.put("benchmark", "rerank");
    out.put("dataset", dataset.name());
    out.put("checkpoint", checkpoint.toString());
    out.put("users", rows.size());
    var histories = new UserHistories(dataset);
    long t0 = System.nanoTime();
    Metrics full;
    try (var manager = NDManager.newBaseManager("PyTorch"); var model = ModelCheckpoint.fromCheckpoint(c, manager, null)) {
      var bar = new ProgressBar("full catalog", rows.size(), err);
      full = new Evaluator(histories, 16, 1).evaluateFullCatalog(model, rows, true, 0, seed, () -> bar.step(1));
      bar.done();
    }
    out.put("full_catalog", metrics(full, (System.nanoTime() - t0) / 1e9));
    var reranked = new ArrayList<Object>();
    try (var serving = CheckpointLoader.fromDirectory(checkpoint, 0)) {
      for (var retrieval : retrievals) {
        serving.retrieval(retrieval);
        for (int n : candidates) {
          long t = System.nanoTime();
          var acc = new Metrics.Accumulator();
          var bar = new ProgressBar("rerank " + n + " (" + retrieval.name().toLowerCase(Locale.ROOT) + ")", rows.size(), err);
          for (var row : rows) {
            acc.add(rank(serving, dataset, histories, row, n));
            bar.step(1);
          }
          bar.done();
          var m = metrics(acc.result(), (System.nanoTime() - t) / 1e9);
          m.put("candidates", n);
          m.put("retrieval", retrieval.name().toLowerCase(Locale.ROOT));
          m.put("hr10_vs_full", full.hr10() == 0 ? null : acc.result().hr10() / full.hr10());
          reranked.add(m);
        }
      }
    }
    out.put("rerank", reranked);
    spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(out));
    return 0;
  }

  /** The 0-based rank of the row's item in the scorer's top 10 (10 when absent). */
  static int rank(ServingModel serving, Dataset data, UserHistories histories, HeldOut row, int candidates) {
    int pos = histories.position(row.user(), true);
    var items = histories.itemsBefore(row.user(), pos);
    var times = histories.timesBefore(row.user(), pos);
    var history = new ArrayList<HistoryEntry>(items.length);
    for (int i = 0; i < items.length; i++) {
      history.add(new HistoryEntry(data.catalog().externalId(items[i]), times[i] * 1000L));
    }
    var target = data.catalog().externalId(row.item());
    var top = serving.recommend(Integer.toString(row.user()), history, row.time() * 1000L, candidates, 10, true, 3).items();
    for (int k = 0; k < top.size(); k++) {
      if (top.get(k).item().equals(target)) {
        return k;
      }
    }
    return 10;
  }

  static List<HeldOut> sample(List<HeldOut> rows, int users, long seed) {
    if (users <= 0 || users >= rows.size()) {
      return rows;
    }
    var idx = new SplittableRandom(seed).ints(0, rows.size()).distinct().limit(users).sorted().toArray();
    var out = new ArrayList<HeldOut>(idx.length);
    for (int i : idx) {
      out.add(rows.get(i));
    }
    return out;
  }

  private static LinkedHashMap<String, Object> metrics(Metrics m, double seconds) {
    var out = new LinkedHashMap<String, Object>();
    out.put("HR@5", m.hr5());
    out.put("NDCG@5", m.ndcg5());
    out.put("HR@10", m.hr10());
    out.put("NDCG@10", m.ndcg10());
    out.put("seconds", seconds);
    return out;
  }
}
