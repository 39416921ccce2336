package org.lrdstream.app.live;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.lrdstream.state.records.Recommendation;

/**
 * The live page of a running system (served at {@code /} next to {@code /metrics}): throughput,
 * latency percentiles, online HR@10, loss terms and model version over time, the latest
 * recommendations with their reasons, and the relations of the serving model. It samples the
 * roles' Prometheus scrapes once a second — the same names the Grafana dashboards query — so it
 * needs no hook into the roles; pages are plain HTML with inline SVG charts, refreshed by the
 * browser every two seconds, and {@code /api/status} gives the same as JSON.
 */
public final class LiveDashboard implements AutoCloseable {
  /** How a chart's value is read from the scrapes. */
  public enum Kind {
    /** The metric's current value (summed over series). */
    VALUE,
    /** Per second: the change of a counter between samples. */
    RATE,
    /** {@code metric} divided by {@code denominator}, both cumulative (e.g. hits / events). */
    RATIO
  }

  /** A line on a chart. */
  public record Line(String label, Kind kind, String metric, String denominator) {
    public static Line value(String label, String metric) {
      return new Line(label, Kind.VALUE, metric, null);
    }

    public static Line rate(String label, String metric) {
      return new Line(label, Kind.RATE, metric, null);
    }

    public static Line ratio(String label, String metric, String denominator) {
      return new Line(label, Kind.RATIO, metric, denominator);
    }
  }

  /** A chart: a title, a unit and its lines. */
  public record Chart(String title, String unit, List<Line> lines) {}

  private static final int KEEP_SECONDS = 600;
  private static final int KEEP_RECOMMENDATIONS = 12;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<PrometheusMeterRegistry> registries;
  private final List<Chart> charts;
  private final Function<String, String> itemText;
  private final ScheduledExecutorService sampler;
  private final Deque<Sample> samples = new ArrayDeque<>();
  private final Deque<Recommendation> recommendations = new ArrayDeque<>();
  private volatile String title = "lrd-stream";
  private volatile String relationsHtml = "<p>No relations yet: they appear with the first checkpoint of a +LRD model.</p>";
  private Map<String, Double> previous;
  private long previousAt;

  private record Sample(long at, double[] values) {}

  /**
   * @param itemText an item's text by its external id (for the recommendations table), or its id
   */
  public LiveDashboard(List<PrometheusMeterRegistry> registries, List<Chart> charts, Function<String, String> itemText) {
    this.registries = List.copyOf(registries);
    this.charts = List.copyOf(charts);
    this.itemText = itemText;
    this.sampler = Executors.newSingleThreadScheduledExecutor(r -> {
      var t = new Thread(r, "lrd-live-sampler");
      t.setDaemon(true);
      return t;
    });
  }

  /** The charts of a system with ingest, scorer and (where running) trainer. */
  public static List<Chart> defaultCharts(List<Line> trainerLosses) {
    var charts = new ArrayList<Chart>();
    charts.add(new Chart("Throughput", "per second", List.of(
        Line.rate("events in", "kafka_stream_lrd_ingest_accepted_total"),
        Line.rate("recommendations out", "kafka_stream_lrd_scorer_recommendations_total"))));
    charts.add(new Chart("End-to-end latency", "ms", List.of(
        Line.value("p50", "kafka_stream_lrd_scorer_end_to_end_latency_ms_p50"),
        Line.value("p99", "kafka_stream_lrd_scorer_end_to_end_latency_ms_p99"),
        Line.value("scoring p99", "kafka_stream_lrd_scorer_scoring_latency_ms_p99"))));
    charts.add(new Chart("Online HR@10 (prequential, since start)", "", List.of(
        Line.ratio("HR@10", "kafka_stream_lrd_scorer_online_hit10_sum_total", "kafka_stream_lrd_scorer_online_hit10_count_total"),
        Line.ratio("NDCG@10", "kafka_stream_lrd_scorer_online_ndcg10_sum_total", "kafka_stream_lrd_scorer_online_ndcg10_count_total"))));
    charts.add(new Chart("Model version serving", "", List.of(
        Line.value("version", "kafka_stream_lrd_scorer_model_version"))));
    if (!trainerLosses.isEmpty()) {
      charts.add(new Chart("Training loss terms", "", trainerLosses));
    }
    return charts;
  }

  public LiveDashboard title(String t) {
    this.title = t;
    return this;
  }

  public void start() {
    sampler.scheduleAtFixedRate(this::sampleQuietly, 0, 1, TimeUnit.SECONDS);
  }

  /** A recommendation just emitted (the page lists the latest ones). */
  public synchronized void recommendation(Recommendation r) {
    recommendations.addFirst(r);
    while (recommendations.size() > KEEP_RECOMMENDATIONS) {
      recommendations.removeLast();
    }
  }

  /** The relations section (e.g. RelationsHtml of the serving model's analysis). */
  public void relations(String html) {
    this.relationsHtml = html;
  }

  private void sampleQuietly() {
    try {
      sample(System.currentTimeMillis());
    } catch (RuntimeException e) {
      // a scrape during shutdown: the next tick tries again
    }
  }

  /** Takes one sample of every line (public for tests, which drive time themselves). */
  public synchronized void sample(long now) {
    var current = new LinkedHashMap<String, Double>();
    for (var r : registries) {
      parse(r.scrape(), current);
    }
    var lines = charts.stream().flatMap(c -> c.lines().stream()).toList();
    var values = new double[lines.size()];
    for (int i = 0; i < values.length; i++) {
      var l = lines.get(i);
      Double v = current.get(l.metric());
      values[i] = switch (l.kind()) {
        case VALUE -> v == null ? Double.NaN : v;
        case RATE -> {
          Double before = previous == null ? null : previous.get(l.metric());
          yield v == null || before == null || now <= previousAt ? Double.NaN : (v - before) * 1000.0 / (now - previousAt);
        }
        case RATIO -> {
          Double d = current.get(l.denominator());
          yield v == null || d == null || d == 0 ? Double.NaN : v / d;
        }
      };
    }
    previous = current;
    previousAt = now;
    samples.addLast(new Sample(now, values));
    while (samples.size() > KEEP_SECONDS) {
      samples.removeFirst();
    }
  }

  /**
   * Sums the series of each metric in a Prometheus text scrape, under its name and also under
   * {@code name{label="value"}} for each of its labels, so that a line can pick one series
   * ({@code lrd_trainer_loss{term="rec"}}).
   */
  public static void parse(String scrape, Map<String, Double> into) {
    for (var line : scrape.split("\n")) {
      if (line.isEmpty() || line.charAt(0) == '#') {
        continue;
      }
      int end = 0;
      while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
        end++;
      }
      int sp = line.lastIndexOf(' ');
      if (sp <= end - 1) {
        continue;
      }
      try {
        double v = Double.parseDouble(line.substring(sp + 1));
        if (!Double.isNaN(v)) {
          var name = line.substring(0, end);
          into.merge(name, v, Double::sum);
          if (end < line.length() && line.charAt(end) == '{') {
            int close = line.indexOf('}', end);
            if (close > end) {
              for (var label : line.substring(end + 1, close).split(",(?=[a-zA-Z_]+=)")) {
                if (!label.isBlank()) {
                  into.merge(name + "{" + label.strip() + "}", v, Double::sum);
                }
              }
            }
          }
        }
      } catch (NumberFormatException e) {
        // not a sample line
      }
    }
  }

  /** The latest value of every line, and the latest recommendations, as JSON. */
  public synchronized String json() {
    var m = new LinkedHashMap<String, Object>();
    m.put("title", title);
    var latest = samples.peekLast();
    var lines = charts.stream().flatMap(c -> c.lines().stream()).toList();
    var now = new LinkedHashMap<String, Object>();
    for (int i = 0; i < lines.size(); i++) {
      double v = latest == null ? Double.NaN : latest.values()[i];
      now.put(lines.get(i).label() + " (" + lines.get(i).metric() + ")", Double.isNaN(v) ? null : v);
    }
    m.put("latest", now);
    m.put("samples", samples.size());
    m.put("recommendations", List.copyOf(recommendations));
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(m);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The page. */
  public synchronized String html() {
    var sb = new StringBuilder();
    sb.append("<!doctype html><html><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"2\">")
        .append("<title>").append(esc(title)).append("</title><style>")
        .append("body{font-family:sans-serif;margin:16px;color:#222}h1{font-size:20px}h2{font-size:16px;margin-top:24px}")
        .append(".charts{display:flex;flex-wrap:wrap;gap:12px}.chart{border:1px solid #ddd;padding:6px}")
        .append("table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ddd;padding:3px 6px;text-align:left}")
        .append(".legend span{margin-right:10px;font-size:12px}</style></head><body>");
    sb.append("<h1>").append(esc(title)).append("</h1>");
    sb.append("<div class=\"charts\">");
    int offset = 0;
    var colours = new String[] {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"};
    for (var c : charts) {
      sb.append("<div class=\"chart\"><b>").append(esc(c.title())).append("</b> <small>").append(esc(c.unit())).append("</small>");
      sb.append(svg(c, offset, colours));
      sb.append("<div class=\"legend\">");
      for (int k = 0; k < c.lines().size(); k++) {
        double v = latest(offset + k);
        sb.append("<span style=\"color:").append(colours[k % colours.length]).append("\">&#9632; ")
            .append(esc(c.lines().get(k).label())).append(": ").append(Double.isNaN(v) ? "–" : format(v)).append("</span>");
      }
      sb.append("</div></div>");
      offset += c.lines().size();
    }
    sb.append("</div>");
    sb.append("<h2>Latest recommendations</h2>");
    if (recommendations.isEmpty()) {
      sb.append("<p>None yet.</p>");
    }
    for (var r : recommendations) {
      sb.append("<p><b>user ").append(esc(r.user())).append("</b> after ").append(esc(r.afterEvent()))
          .append(" (model v").append(r.modelVersion()).append(")</p><table><tr><th>#</th><th>item</th><th>score</th><th>because of</th><th>relation</th></tr>");
      int k = 1;
      for (var it : r.items().subList(0, Math.min(5, r.items().size()))) {
        var reason = it.reason();
        sb.append("<tr><td>").append(k++).append("</td><td>").append(esc(itemText.apply(it.item())))
            .append("</td><td>").append(String.format(Locale.ROOT, "%.3f", it.score())).append("</td><td>")
            .append(reason == null || reason.becauseOf() == null ? "" : esc(itemText.apply(reason.becauseOf())))
            .append("</td><td>").append(reason == null || reason.relation() == null ? ""
                : esc(reason.relation() + (reason.label() == null ? "" : " (" + reason.label() + ")"))).append("</td></tr>");
      }
      sb.append("</table>");
    }
    sb.append("<h2>Relations of the serving model</h2>").append(relationsHtml);
    sb.append("<p><small><a href=\"/metrics\">/metrics</a> · <a href=\"/api/status\">/api/status</a></small></p></body></html>");
    return sb.toString();
  }

  private double latest(int line) {
    var s = samples.peekLast();
    return s == null ? Double.NaN : s.values()[line];
  }

  private String svg(Chart c, int offset, String[] colours) {
    int w = 420;
    int h = 140;
    var sb = new StringBuilder("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + w + "\" height=\"" + h + "\" class=\"plot\">");
    sb.append("<rect x=\"0\" y=\"0\" width=\"").append(w).append("\" height=\"").append(h).append("\" fill=\"#fafafa\"/>");
    double max = 0;
    for (var s : samples) {
      for (int k = 0; k < c.lines().size(); k++) {
        double v = s.values()[offset + k];
        if (!Double.isNaN(v) && !Double.isInfinite(v)) {
          max = Math.max(max, v);
        }
      }
    }
    if (max <= 0) {
      max = 1;
    }
    int n = samples.size();
    for (int k = 0; k < c.lines().size(); k++) {
      var pts = new StringBuilder();
      int i = 0;
      for (var s : samples) {
        double v = s.values()[offset + k];
        if (!Double.isNaN(v) && !Double.isInfinite(v)) {
          double x = n <= 1 ? w : (double) i * (w - 4) / (n - 1) + 2;
          double y = h - 4 - v / max * (h - 20);
          pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
        }
        i++;
      }
      if (pts.length() > 0) {
        sb.append("<polyline fill=\"none\" stroke-width=\"1.5\" stroke=\"").append(colours[k % colours.length])
            .append("\" points=\"").append(pts.toString().strip()).append("\"/>");
      }
    }
    sb.append("<text x=\"4\" y=\"12\" font-size=\"10\" fill=\"#666\">max ").append(format(max)).append("</text></svg>");
    return sb.toString();
  }

  private static String format(double v) {
    return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.3g", v);
  }

  public static String esc(String s) {
    if (s == null) {
      return "";
    }
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  @Override
  public void close() {
    sampler.shutdownNow();
  }
}
