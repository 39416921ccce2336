package org.lrdstream.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lrd bench plot-scorer}: the scorer's quality against its throughput, one point per
 * {@code lrd bench scorer} result line (the quality-versus-throughput plot).
 */
@Command(
    name = "plot-scorer",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Plots quality against throughput from the JSON lines of lrd bench scorer runs (one point per",
      "line whose \"benchmark\" is \"scorer\"; other lines are skipped), one series per candidates and layers.",
      "e.g. ./lrd bench scorer ... | tail -1 >> runs/scorer.jsonl, for each configuration, then",
      "./lrd bench plot-scorer --in runs/scorer.jsonl --out runs/scorer.png",
    })
public final class ScorerPlotCommand implements Callable<Integer> {
  @Option(names = "--in", required = true, paramLabel = "FILE", description = "JSON lines of lrd bench scorer.")
  Path in;

  @Option(names = "--out", required = true, paramLabel = "PNG", description = "The plot to write.")
  Path out;

  @Option(names = "--x", defaultValue = "candidates_per_second", paramLabel = "FIELD", description = "Field on the x axis. Default: ${DEFAULT-VALUE}.")
  String x;

  @Option(names = "--y", defaultValue = "online_hr10", paramLabel = "FIELD", description = "Field on the y axis. Default: ${DEFAULT-VALUE}.")
  String y;

  @Override
  public Integer call() throws Exception {
    if (!Files.isRegularFile(in)) {
      throw new IllegalArgumentException("--in " + in + ": no such file");
    }
    var points = points(Files.readAllLines(in), x, y);
    if (points.isEmpty()) {
      throw new IllegalArgumentException("--in " + in + ": no lrd bench scorer result line with " + x + " and " + y);
    }
    System.setProperty("java.awt.headless", "true");
    var chart = new XYChartBuilder().width(700).height(450).title(y + " against " + x)
        .xAxisTitle(x).yAxisTitle(y).build();
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    chart.getStyler().setMarkerSize(10);
    for (var e : points.entrySet()) {
      var xs = e.getValue().stream().mapToDouble(p -> p[0]).toArray();
      var ys = e.getValue().stream().mapToDouble(p -> p[1]).toArray();
      chart.addSeries(e.getKey(), xs, ys).setMarker(SeriesMarkers.CIRCLE);
    }
    var parent = out.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    BitmapEncoder.saveBitmap(chart, out.toString().replaceFirst("\\.png$", ""), BitmapEncoder.BitmapFormat.PNG);
    System.err.println("wrote " + out + " (" + points.values().stream().mapToInt(List::size).sum() + " points)");
    return 0;
  }

  /** The (x, y) of every scorer result line, by "N candidates, L layers". */
  static Map<String, List<double[]>> points(List<String> lines, String x, String y) {
    var json = new ObjectMapper();
    var out = new LinkedHashMap<String, List<double[]>>();
    for (var line : lines) {
      var t = line.strip();
      if (!t.startsWith("{")) {
        continue;
      }
      JsonNode n;
      try {
        n = json.readTree(t);
      } catch (java.io.IOException e) {
        continue;
      }
      if (!"scorer".equals(n.path("benchmark").asText()) || !n.path(x).isNumber() || !n.path(y).isNumber()) {
        continue;
      }
      var key = n.path("candidates").asInt() + " candidates, " + n.path("layers").asInt() + " layers";
      out.computeIfAbsent(key, k -> new ArrayList<>()).add(new double[] {n.path(x).asDouble(), n.path(y).asDouble()});
    }
    return out;
  }
}
