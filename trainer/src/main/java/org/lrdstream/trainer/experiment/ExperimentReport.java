package org.lrdstream.trainer.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.lrdstream.state.checkpoint.DurableFiles;
import org.lrdstream.trainer.offline.Metrics;

/**
 * The report of an experiment directory, rebuilt from its recorded runs: {@code results.json},
 * {@code results.md} (the paper's Table 3 layout: mean ± std over seeds, the relative improvement
 * of +LRD over its backbone, paired t-tests, the paper's numbers beside ours) and {@code curves.png}.
 */
public final class ExperimentReport {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  static final String[] METRICS = {"HR@5", "HR@10", "NDCG@5", "NDCG@10"};

  private ExperimentReport() {}

  public static List<RunRecord> readRuns(Path out) {
    var dir = out.resolve("runs");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      var runs = new ArrayList<RunRecord>();
      for (var f : s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList()) {
        runs.add(JSON.readValue(f.toFile(), RunRecord.class));
      }
      return runs;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the runs of " + out, e);
    }
  }

  public static List<RunRecord> write(Path out, String dataset, String encoder, PrintStream log) {
    var runs = readRuns(out);
    try {
      var root = new LinkedHashMap<String, Object>();
      root.put("dataset", dataset);
      root.put("encoder", encoder);
      var rows = new ArrayList<Map<String, Object>>();
      for (var r : runs) {
        var row = new LinkedHashMap<String, Object>();
        row.put("model", r.model());
        row.put("seed", r.seed());
        row.put("epochs", r.epochs());
        row.put("best_epoch", r.bestEpoch());
        row.put("train_seconds_per_epoch", r.trainSecondsPerEpoch());
        row.put("eval_seconds", r.evalSeconds());
        row.put("dev", r.dev());
        row.put("test", r.test());
        if (r.testFullCatalog() != null) {
          row.put("test_full_catalog", r.testFullCatalog());
        }
        row.put("config", r.config());
        rows.add(row);
      }
      root.put("rows", rows);
      DurableFiles.writeAtomically(out.resolve("results.json"), JSON.writeValueAsBytes(root));
      DurableFiles.writeAtomically(out.resolve("results.md"), markdown(dataset, encoder, runs).getBytes(StandardCharsets.UTF_8));
      if (!runs.isEmpty()) {
        writeCurves(out.resolve("curves.png"), runs);
      }
      var sweeps = sweeps(runs);
      if (!sweeps.isEmpty()) {
        writeSweeps(out.resolve("sweep.png"), sweeps);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the report in " + out, e);
    }
    return runs;
  }

  private static Map<String, List<RunRecord>> byModel(List<RunRecord> runs) {
    var m = new LinkedHashMap<String, List<RunRecord>>();
    runs.stream().sorted(Comparator.comparing(RunRecord::model).thenComparingInt(RunRecord::seed))
        .forEach(r -> m.computeIfAbsent(r.model(), k -> new ArrayList<>()).add(r));
    return m;
  }

  /**
   * The backbone run a +LRD model is compared with: among the models named like its backbone
   * ({@code kda+lrd@lrd=reference@ema=0.999} → {@code kda}, {@code kda@...}) whose settings all
   * appear in its own, the one sharing the most ({@code kda@ema=0.999} before {@code kda}); null
   * when none ran.
   */
  static String backboneOf(String name, java.util.Collection<String> models) {
    int plus = name.indexOf("+lrd");
    if (plus <= 0 || !(name.length() == plus + 4 || name.charAt(plus + 4) == '@')) {
      return null;
    }
    var base = name.substring(0, plus);
    var settings = java.util.Set.of(name.substring(plus + 4).split("@"));
    String best = null;
    int shared = -1;
    for (var m : models) {
      if (!(m.equals(base) || m.startsWith(base + "@"))) {
        continue;
      }
      var own = m.substring(base.length()).split("@");
      boolean subset = java.util.Arrays.stream(own).allMatch(settings::contains);
      int n = (int) java.util.Arrays.stream(own).filter(x -> !x.isEmpty()).count();
      if (subset && n > shared) {
        best = m;
        shared = n;
      }
    }
    return best;
  }

  static String markdown(String dataset, String encoder, List<RunRecord> runs) {
    var sb = new StringBuilder();
    sb.append("# Results on ").append(dataset).append(" (text encoder: ").append(encoder).append(")\n\n");
    sb.append("Test metrics at the epoch with the best dev NDCG@5; 99 listed negatives per user; ")
        .append("mean ± sample std over seeds.\n\n");
    sb.append("| model | seeds | HR@5 | HR@10 | NDCG@5 | NDCG@10 | epochs (best) | s/epoch | eval s |\n");
    sb.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
    var groups = byModel(runs);
    for (var e : groups.entrySet()) {
      var rs = e.getValue();
      sb.append("| ").append(e.getKey()).append(" | ").append(rs.size());
      for (var m : METRICS) {
        var v = rs.stream().mapToDouble(r -> r.test().get(m)).toArray();
        // one seed has no spread to show
        sb.append(v.length < 2 ? String.format(" | %.4f", Stats.mean(v)) : String.format(" | %.4f ± %.4f", Stats.mean(v), Stats.std(v)));
      }
      sb.append(String.format(" | %.1f (%.1f) | %.1f | %.1f |\n",
          rs.stream().mapToInt(RunRecord::epochs).average().orElse(0),
          rs.stream().mapToInt(RunRecord::bestEpoch).average().orElse(0),
          rs.stream().mapToDouble(RunRecord::trainSecondsPerEpoch).average().orElse(0),
          rs.stream().mapToDouble(RunRecord::evalSeconds).average().orElse(0)));
    }
    var comparisons = new ArrayList<String[]>();
    for (var name : groups.keySet()) {
      var backbone = backboneOf(name, groups.keySet());
      if (backbone != null) {
        comparisons.add(new String[] {backbone, name});
      }
    }
    if (!comparisons.isEmpty()) {
      sb.append("\n## +LRD against its backbone\n\n");
      sb.append("Relative improvement of the means; two-sided paired t-test p-values, paired by seed ")
          .append("(the paper's test) and by (seed, user) on per-user test NDCG@5 / HR@5.\n\n");
      sb.append("| comparison | seeds | ΔHR@5 | ΔHR@10 | ΔNDCG@5 | ΔNDCG@10 | p seeds HR@5 | p seeds NDCG@5 | p users HR@5 | p users NDCG@5 |\n");
      sb.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
      for (var c : comparisons) {
        var base = seedMap(groups.get(c[0]));
        var lrd = seedMap(groups.get(c[1]));
        var seeds = base.keySet().stream().filter(lrd::containsKey).toList();
        sb.append("| ").append(c[1]).append(" vs ").append(c[0]).append(" | ").append(seeds.size());
        for (var m : METRICS) {
          double mb = Stats.mean(groups.get(c[0]).stream().mapToDouble(r -> r.test().get(m)).toArray());
          double ml = Stats.mean(groups.get(c[1]).stream().mapToDouble(r -> r.test().get(m)).toArray());
          sb.append(String.format(" | %+.1f%%", 100 * (ml - mb) / mb));
        }
        for (var m : new String[] {"HR@5", "NDCG@5"}) {
          var a = seeds.stream().mapToDouble(s -> lrd.get(s).test().get(m)).toArray();
          var b = seeds.stream().mapToDouble(s -> base.get(s).test().get(m)).toArray();
          sb.append(" | ").append(p(Stats.pairedP(a, b)));
        }
        for (int k : new int[] {0, 1}) {
          var a = new ArrayList<Double>();
          var b = new ArrayList<Double>();
          for (int s : seeds) {
            var ra = lrd.get(s).testRanks();
            var rb = base.get(s).testRanks();
            if (ra == null || rb == null || ra.length != rb.length) {
              continue;
            }
            for (int u = 0; u < ra.length; u++) {
              a.add(k == 0 ? (ra[u] < 5 ? 1.0 : 0.0) : Metrics.ndcg(ra[u], 5));
              b.add(k == 0 ? (rb[u] < 5 ? 1.0 : 0.0) : Metrics.ndcg(rb[u], 5));
            }
          }
          sb.append(" | ").append(p(Stats.pairedP(
              a.stream().mapToDouble(Double::doubleValue).toArray(),
              b.stream().mapToDouble(Double::doubleValue).toArray())));
        }
        sb.append(" |\n");
      }
    }
    var paperRows = new ArrayList<String>();
    for (var e : groups.entrySet()) {
      var paper = PaperResults.lookup(dataset, e.getKey());
      if (paper == null) {
        continue;
      }
      var rs = e.getValue();
      var line = new StringBuilder("| ").append(e.getKey());
      for (int i = 0; i < METRICS.length; i++) {
        var m = METRICS[i];
        double ours = Stats.mean(rs.stream().mapToDouble(r -> r.test().get(m)).toArray());
        line.append(String.format(" | %.4f | %.4f (%+.1f%%)", paper[i], ours, 100 * (ours - paper[i]) / paper[i]));
      }
      paperRows.add(line.append(" |").toString());
    }
    if (!paperRows.isEmpty()) {
      sb.append("\n## Beside the paper's Table 3\n\n");
      sb.append("| model | paper HR@5 | ours HR@5 | paper HR@10 | ours HR@10 | paper NDCG@5 | ours NDCG@5 | paper NDCG@10 | ours NDCG@10 |\n");
      sb.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
      paperRows.forEach(l -> sb.append(l).append('\n'));
    }
    var sweeps = sweeps(runs);
    for (var e : sweeps.entrySet()) {
      sb.append("\n## Sensitivity: ").append(e.getKey()).append("\n\n");
      sb.append("NDCG@5 (mean over seeds) for each value; the value to choose is the one with the best **dev** NDCG@5 (marked).\n\n");
      sb.append("| value | seeds | dev NDCG@5 | test NDCG@5 | test HR@5 |\n| --- | --- | --- | --- | --- |\n");
      double bestDev = e.getValue().stream().mapToDouble(SweepPoint::dev).max().orElse(Double.NaN);
      for (var pt : e.getValue()) {
        sb.append(String.format("| %s%s | %d | %.4f | %.4f | %.4f |%n", trim(pt.value()), pt.dev() == bestDev ? " (best on dev)" : "",
            pt.seeds(), pt.dev(), pt.test(), pt.testHr5()));
      }
    }
    var full = runs.stream().filter(r -> r.testFullCatalog() != null).toList();
    if (!full.isEmpty()) {
      sb.append("\n## Full-catalog ranking (every item the user has not seen)\n\n");
      sb.append("| model | seed | HR@5 | HR@10 | NDCG@5 | NDCG@10 |\n| --- | --- | --- | --- | --- | --- |\n");
      for (var r : full) {
        var f = r.testFullCatalog();
        sb.append(String.format("| %s | %d | %.4f | %.4f | %.4f | %.4f |\n", r.model(), r.seed(),
            f.get("HR@5"), f.get("HR@10"), f.get("NDCG@5"), f.get("NDCG@10")));
      }
    }
    return sb.toString();
  }

  /** One value of a sweep, averaged over its seeds. */
  record SweepPoint(double value, int seeds, double dev, double test, double testHr5) {}

  /**
   * Runs named {@code model@key=value} grouped by "model, key", each group's points sorted by
   * value: the sensitivity curves of {@code lrd experiment --sweep}.
   */
  /** Settings that make a sweep even after other settings in a name (the paper's Figure 6 and the LRD loss's weights). */
  static final java.util.Set<String> LRD_SWEEP_KEYS = java.util.Set.of("latent", "lambda", "alpha", "gamma");

  static Map<String, List<SweepPoint>> sweeps(List<RunRecord> runs) {
    var byValue = new TreeMap<String, TreeMap<Double, List<RunRecord>>>();
    for (var r : runs) {
      // the swept setting is the name's last: kda+lrd@lrd=reference@latent=5 is a point of
      // "kda+lrd@lrd=reference, latent"; a search grid's lr@l2 names (Table 3) are not a sweep
      int at = r.model().lastIndexOf('@');
      if (at < 0 || r.model().indexOf(',', at) >= 0) {
        continue;
      }
      var kv = r.model().substring(at + 1).split("=", 2);
      if (kv.length != 2 || r.model().indexOf('@') < at && !LRD_SWEEP_KEYS.contains(kv[0])) {
        continue;
      }
      double v;
      try {
        v = Double.parseDouble(kv[1]);
      } catch (NumberFormatException e) {
        continue;
      }
      byValue.computeIfAbsent(r.model().substring(0, at) + ", " + kv[0], k -> new TreeMap<>())
          .computeIfAbsent(v, k -> new ArrayList<>()).add(r);
    }
    var out = new LinkedHashMap<String, List<SweepPoint>>();
    byValue.forEach((name, points) -> {
      if (points.size() < 2) {
        return; // one value is a setting, not a sweep (kda@ema=0.999 alone)
      }
      var list = new ArrayList<SweepPoint>();
      points.forEach((v, rs) -> list.add(new SweepPoint(v, rs.size(),
          Stats.mean(rs.stream().mapToDouble(r -> r.dev().get("NDCG@5")).toArray()),
          Stats.mean(rs.stream().mapToDouble(r -> r.test().get("NDCG@5")).toArray()),
          Stats.mean(rs.stream().mapToDouble(r -> r.test().get("HR@5")).toArray()))));
      out.put(name, list);
    });
    return out;
  }

  private static String trim(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v) : Double.toString(v);
  }

  private static void writeSweeps(Path file, Map<String, List<SweepPoint>> sweeps) throws IOException {
    System.setProperty("java.awt.headless", "true");
    var images = new ArrayList<BufferedImage>();
    for (var e : sweeps.entrySet()) {
      XYChart chart = new XYChartBuilder().width(600).height(400).title("NDCG@5 against " + e.getKey())
          .xAxisTitle(e.getKey().substring(e.getKey().lastIndexOf(", ") + 2)).yAxisTitle("NDCG@5").build();
      var x = e.getValue().stream().mapToDouble(SweepPoint::value).toArray();
      chart.addSeries("dev", x, e.getValue().stream().mapToDouble(SweepPoint::dev).toArray());
      chart.addSeries("test", x, e.getValue().stream().mapToDouble(SweepPoint::test).toArray());
      images.add(BitmapEncoder.getBufferedImage(chart));
    }
    int w = images.stream().mapToInt(BufferedImage::getWidth).sum();
    int h = images.stream().mapToInt(BufferedImage::getHeight).max().orElse(1);
    var img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    var g = img.createGraphics();
    int x = 0;
    for (var i : images) {
      g.drawImage(i, x, 0, null);
      x += i.getWidth();
    }
    g.dispose();
    var png = new java.io.ByteArrayOutputStream();
    ImageIO.write(img, "png", png);
    DurableFiles.writeAtomically(file, png.toByteArray());
  }

  private static Map<Integer, RunRecord> seedMap(List<RunRecord> rs) {
    var m = new TreeMap<Integer, RunRecord>();
    rs.forEach(r -> m.put(r.seed(), r));
    return m;
  }

  private static String p(double v) {
    return Double.isNaN(v) ? "n/a" : v < 1e-4 ? String.format("%.1e", v) : String.format("%.4f", v);
  }

  private static void writeCurves(Path file, List<RunRecord> runs) throws IOException {
    System.setProperty("java.awt.headless", "true");
    XYChart dev = new XYChartBuilder().width(800).height(450).title("dev NDCG@5 per epoch")
        .xAxisTitle("epoch").yAxisTitle("NDCG@5").build();
    XYChart loss = new XYChartBuilder().width(800).height(450).title("training loss per epoch")
        .xAxisTitle("epoch").yAxisTitle("loss").build();
    for (var r : runs) {
      if (r.curve() == null || r.curve().isEmpty()) {
        continue;
      }
      var x = new double[r.curve().size()];
      var y = new double[x.length];
      var l = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        var point = r.curve().get(i);
        x[i] = ((Number) point.get("epoch")).doubleValue();
        @SuppressWarnings("unchecked")
        var d = (Map<String, Number>) point.get("dev");
        y[i] = d.get("NDCG@5").doubleValue();
        l[i] = ((Number) point.get("loss")).doubleValue();
      }
      var name = r.model() + " seed " + r.seed();
      dev.addSeries(name, x, y);
      loss.addSeries(name, x, l);
    }
    var a = BitmapEncoder.getBufferedImage(dev);
    var b = BitmapEncoder.getBufferedImage(loss);
    var img = new BufferedImage(a.getWidth() + b.getWidth(), Math.max(a.getHeight(), b.getHeight()), BufferedImage.TYPE_INT_RGB);
    var g = img.createGraphics();
    g.drawImage(a, 0, 0, null);
    g.drawImage(b, a.getWidth(), 0, null);
    g.dispose();
    var png = new java.io.ByteArrayOutputStream();
    ImageIO.write(img, "png", png);
    DurableFiles.writeAtomically(file, png.toByteArray());
  }
}
