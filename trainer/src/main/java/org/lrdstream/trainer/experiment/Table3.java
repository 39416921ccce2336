package org.lrdstream.trainer.experiment;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.lrdstream.state.checkpoint.DurableFiles;
import org.lrdstream.trainer.offline.EpochLog;
import org.lrdstream.trainer.offline.Metrics;

/**
 * The paper's whole Table 3 on one data set ({@code lrd experiment --table3}): the four baselines,
 * each with the hyper-parameter search the LRD paper states (learning rate × L2, on the first seed,
 * selected on dev NDCG@5), then the selected setting on the other seeds; and RCF, RCF+LRD, KDA and
 * KDA+LRD with their reference settings on every seed ({@link #RUN_NAMES}). Every run is an ordinary run of {@link
 * Experiment} in the same directory, so the grid resumes where it stopped; {@code table3.md} is
 * rebuilt from the finished runs each time.
 */
public final class Table3 {
  /** The baselines, in the paper's row order. */
  public static final List<String> BASELINES = List.of("caser", "gru4rec", "sasrec", "tisasrec");
  /** The relation-aware models, in the paper's row order. */
  public static final List<String> RELATION_MODELS = List.of("rcf", "rcf+lrd", "kda", "kda+lrd");
  /**
   * The runs behind those rows: the +LRD models with the reference code's LRD loss and entropy
   * term, the form chosen on dev (MODEL.md's form fell behind the plain backbone on dev at equal
   * epochs: BENCHMARKS "LRD's loss as the reference code computes it").
   */
  public static final Map<String, String> RUN_NAMES = Map.of("rcf", "rcf",
      "rcf+lrd", "rcf+lrd@lrd=reference@entropy=reference", "kda", "kda",
      "kda+lrd", "kda+lrd@lrd=reference@entropy=reference");
  /** The LRD paper's search space (§4.1.4). */
  public static final List<String> LEARNING_RATES = List.of("1e-2", "1e-3", "1e-4");
  public static final List<String> L2S = List.of("1e-4", "1e-5", "1e-6", "0");

  private static final Map<String, String> DISPLAY = Map.of(
      "caser", "Caser", "gru4rec", "GRU4Rec", "sasrec", "SASRec", "tisasrec", "TiSASRec",
      "rcf", "RCF", "rcf+lrd", "RCF+LRD", "kda", "KDA", "kda+lrd", "KDA+LRD");

  private Table3() {}

  /** The run names of a baseline's search: {@code <model>@lr=<lr>@l2=<l2>}. */
  public static List<String> searchNames(String baseline) {
    var out = new ArrayList<String>();
    for (var lr : LEARNING_RATES) {
      for (var l2 : L2S) {
        out.add(baseline + "@lr=" + lr + "@l2=" + l2);
      }
    }
    return out;
  }

  /**
   * The search run of a baseline with the best dev NDCG@5 among its finished first-seed runs, or
   * null while any of them is unfinished (a selection is made on the whole search or not at all).
   */
  static String selected(String baseline, List<RunRecord> runs, int firstSeed) {
    var names = searchNames(baseline);
    var finished = runs.stream().filter(r -> r.seed() == firstSeed && names.contains(r.model()))
        .collect(Collectors.toMap(RunRecord::model, Function.identity(), (a, b) -> a));
    if (finished.size() < names.size()) {
      return null;
    }
    String best = null;
    double bestDev = Double.NEGATIVE_INFINITY;
    for (var name : names) { // ties: the first in search order
      double dev = finished.get(name).dev().get("NDCG@5");
      if (dev > bestDev) {
        bestDev = dev;
        best = name;
      }
    }
    return best;
  }

  /** Runs the grid (resuming), then writes {@code OUT/table3.md}; returns every recorded run. */
  public static List<RunRecord> run(Experiment.Spec base, TextVectorSource text, PrintStream log,
      Experiment.Listener progress) {
    var seeds = base.seeds();
    int first = seeds.get(0);
    // table3.md is rewritten after every finished run, so a grid of many hours shows its table as
    // it fills (a baseline's row waits for its whole search: it is selected on dev only then)
    var listener = rewritingAfterEachRun(progress, base, first, log);
    // 1. the baselines' searches on the first seed
    var search = new ArrayList<String>();
    BASELINES.forEach(b -> search.addAll(searchNames(b)));
    var runs = new Experiment(with(base, search, List.of(first)), text, log).run(listener);
    // 2. each baseline's selected setting on the other seeds
    if (seeds.size() > 1) {
      var chosen = new ArrayList<String>();
      for (var b : BASELINES) {
        var s = selected(b, runs, first);
        if (s != null) {
          log.printf("table3: %s selected on dev: %s%n", b, s.substring(s.indexOf('@') + 1));
          chosen.add(s);
        }
      }
      if (!chosen.isEmpty()) {
        runs = new Experiment(with(base, chosen, seeds.subList(1, seeds.size())), text, log).run(listener);
      }
    }
    // 3. the relation-aware models, every seed
    runs = new Experiment(with(base, RELATION_MODELS.stream().map(RUN_NAMES::get).toList(), seeds), text, log).run(listener);
    write(base.out(), base.data().name(), runs, first, log);
    return runs;
  }

  static Experiment.Listener rewritingAfterEachRun(Experiment.Listener inner, Experiment.Spec base,
      int first, PrintStream log) {
    return new Experiment.Listener() {
      @Override
      public void batchDone(int epoch, int batch, int batches, double loss) {
        inner.batchDone(epoch, batch, batches, loss);
      }

      @Override
      public void epochDone(EpochLog l, boolean best) {
        inner.epochDone(l, best);
      }

      @Override
      public void resumed(int epoch, int bestEpoch) {
        inner.resumed(epoch, bestEpoch);
      }

      @Override
      public void nonFinite(int epoch, int batch, String problem, boolean repeatFinite) {
        inner.nonFinite(epoch, batch, problem, repeatFinite);
      }

      @Override
      public void runStarted(String model, int seed, int index, int total, int batchesPerEpoch, int maxEpochs) {
        inner.runStarted(model, seed, index, total, batchesPerEpoch, maxEpochs);
      }

      @Override
      public void runSkipped(String model, int seed) {
        inner.runSkipped(model, seed);
      }

      @Override
      public void runDone(RunRecord record) {
        inner.runDone(record);
        write(base.out(), base.data().name(), ExperimentReport.readRuns(base.out()), first, log);
      }
    };
  }

  private static Experiment.Spec with(Experiment.Spec s, List<String> models, List<Integer> seeds) {
    return new Experiment.Spec(s.data(), models, seeds, s.out(), s.maxEpochs(), s.patience(), s.evalBatchUsers(),
        s.fullCatalogUsers(), s.overrides(), s.earlyStop());
  }

  /** Writes {@code OUT/table3.md} from the recorded runs. */
  public static void write(Path out, String dataset, List<RunRecord> runs, int firstSeed, PrintStream log) {
    try {
      DurableFiles.writeAtomically(out.resolve("table3.md"), markdown(dataset, runs, firstSeed).getBytes(StandardCharsets.UTF_8));
      log.println("table3: " + out.resolve("table3.md"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + out.resolve("table3.md"), e);
    }
  }

  /** The rows of one table line: the runs of a model (for a baseline, of its selected setting). */
  static Map<String, List<RunRecord>> rows(List<RunRecord> runs, int firstSeed) {
    var out = new LinkedHashMap<String, List<RunRecord>>();
    for (var b : BASELINES) {
      var s = selected(b, runs, firstSeed);
      out.put(b, s == null ? List.of() : runs.stream().filter(r -> r.model().equals(s)).toList());
    }
    for (var m : RELATION_MODELS) {
      out.put(m, runs.stream().filter(r -> r.model().equals(RUN_NAMES.get(m))).toList());
    }
    return out;
  }

  static String markdown(String dataset, List<RunRecord> runs, int firstSeed) {
    var rows = rows(runs, firstSeed);
    var sb = new StringBuilder();
    sb.append("# Table 3 on ").append(dataset).append("\n\n");
    sb.append("Test metrics at the epoch with the best dev NDCG@5, 99 listed negatives per user, mean ± sample std ")
        .append("over seeds (n = seeds); the paper's number beside each, and ours relative to it. Baselines: the ")
        .append("learning rate × L2 of the LRD paper's search space (").append(String.join(", ", LEARNING_RATES))
        .append(" × ").append(String.join(", ", L2S)).append(") with the best dev NDCG@5 on seed ").append(firstSeed)
        .append(". Improv.: +LRD over its backbone (means); † p < 0.05, ‡ p < 0.01 in the paired t-test by seed ")
        .append("(the paper's test), and in brackets by (seed, user) on per-user HR@5 / NDCG@5.\n\n");
    sb.append("| model | n | H@5 | paper | H@10 | paper | N@5 | paper | N@10 | paper | setting |\n");
    sb.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
    for (var e : rows.entrySet()) {
      var model = e.getKey();
      var rs = e.getValue();
      var paper = PaperResults.lookup(dataset, model);
      sb.append("| ").append(DISPLAY.get(model)).append(" | ").append(rs.size());
      for (int i = 0; i < ExperimentReport.METRICS.length; i++) {
        var m = ExperimentReport.METRICS[i];
        if (rs.isEmpty()) {
          sb.append(" | —");
        } else {
          var v = rs.stream().mapToDouble(r -> r.test().get(m)).toArray();
          double mean = Stats.mean(v);
          sb.append(v.length < 2 ? String.format(Locale.ROOT, " | %.4f", mean)
              : String.format(Locale.ROOT, " | %.4f ± %.4f", mean, Stats.std(v)));
          if (paper != null) {
            sb.append(String.format(Locale.ROOT, " (%+.1f%%)", 100 * (mean - paper[i]) / paper[i]));
          }
        }
        sb.append(paper == null ? " | —" : String.format(Locale.ROOT, " | %.4f", paper[i]));
      }
      var setting = rs.isEmpty() ? (BASELINES.contains(model) ? "search unfinished" : "not run yet")
          : rs.get(0).model().contains("@") ? rs.get(0).model().substring(rs.get(0).model().indexOf('@') + 1) : "reference";
      sb.append(" | ").append(setting).append(" |\n");
      if (model.endsWith("+lrd")) {
        sb.append(improvement(dataset, model, rows.get(model.substring(0, model.length() - 4)), rs));
      }
    }
    var searched = runs.stream().filter(r -> r.seed() == firstSeed && r.model().contains("@lr=")).toList();
    if (!searched.isEmpty()) {
      sb.append("\n## The baselines' search (seed ").append(firstSeed).append(", dev NDCG@5)\n\n");
      sb.append("| model | lr | ").append(String.join(" | ", L2S.stream().map(l -> "L2 " + l).toList())).append(" |\n");
      sb.append("| --- | --- |").append(" --- |".repeat(L2S.size())).append('\n');
      for (var b : BASELINES) {
        var s = selected(b, runs, firstSeed);
        for (var lr : LEARNING_RATES) {
          sb.append("| ").append(DISPLAY.get(b)).append(" | ").append(lr);
          for (var l2 : L2S) {
            var name = b + "@lr=" + lr + "@l2=" + l2;
            var r = searched.stream().filter(x -> x.model().equals(name)).findFirst();
            sb.append(r.map(x -> String.format(Locale.ROOT, " | %.4f%s", x.dev().get("NDCG@5"), name.equals(s) ? " **(selected)**" : ""))
                .orElse(" | —"));
          }
          sb.append(" |\n");
        }
      }
    }
    return sb.toString();
  }

  /** The Improv. line: ours (with the t-test marks) and the paper's, per metric; 11 cells like a model line. */
  private static String improvement(String dataset, String model, List<RunRecord> base, List<RunRecord> lrd) {
    var sb = new StringBuilder("| Improv. | ");
    var bySeedBase = base.stream().collect(Collectors.toMap(RunRecord::seed, Function.identity(), (a, b) -> a));
    var paired = lrd.stream().filter(r -> bySeedBase.containsKey(r.seed())).toList();
    sb.append(paired.size());
    var paperBase = PaperResults.lookup(dataset, model.substring(0, model.length() - 4));
    var paperLrd = PaperResults.lookup(dataset, model);
    for (int i = 0; i < ExperimentReport.METRICS.length; i++) {
      var m = ExperimentReport.METRICS[i];
      if (base.isEmpty() || lrd.isEmpty()) {
        sb.append(" | —");
      } else {
        double mb = Stats.mean(base.stream().mapToDouble(r -> r.test().get(m)).toArray());
        double ml = Stats.mean(lrd.stream().mapToDouble(r -> r.test().get(m)).toArray());
        var a = paired.stream().mapToDouble(r -> r.test().get(m)).toArray();
        var b = paired.stream().mapToDouble(r -> bySeedBase.get(r.seed()).test().get(m)).toArray();
        sb.append(String.format(Locale.ROOT, " | %+.2f%%%s", 100 * (ml - mb) / mb, mark(Stats.pairedP(a, b))));
        if (m.equals("HR@5") || m.equals("NDCG@5")) {
          sb.append(" (").append(userP(paired, bySeedBase, m.equals("HR@5"))).append(")");
        }
      }
      sb.append(paperBase == null || paperLrd == null ? " | —"
          : String.format(Locale.ROOT, " | %+.2f%%", 100 * (paperLrd[i] - paperBase[i]) / paperBase[i]));
    }
    return sb.append(" | |\n").toString();
  }

  private static String mark(double p) {
    return Double.isNaN(p) ? "" : p < 0.01 ? " ‡" : p < 0.05 ? " †" : "";
  }

  private static String userP(List<RunRecord> lrd, Map<Integer, RunRecord> base, boolean hr) {
    var a = new ArrayList<Double>();
    var b = new ArrayList<Double>();
    for (var r : lrd) {
      var ra = r.testRanks();
      var rb = base.get(r.seed()).testRanks();
      if (ra == null || rb == null || ra.length != rb.length) {
        continue;
      }
      for (int u = 0; u < ra.length; u++) {
        a.add(hr ? (ra[u] < 5 ? 1.0 : 0.0) : Metrics.ndcg(ra[u], 5));
        b.add(hr ? (rb[u] < 5 ? 1.0 : 0.0) : Metrics.ndcg(rb[u], 5));
      }
    }
    double p = Stats.pairedP(a.stream().mapToDouble(Double::doubleValue).toArray(), b.stream().mapToDouble(Double::doubleValue).toArray());
    return Double.isNaN(p) ? "p n/a" : p < 1e-4 ? String.format(Locale.ROOT, "p %.1e", p) : String.format(Locale.ROOT, "p %.4f", p);
  }
}
