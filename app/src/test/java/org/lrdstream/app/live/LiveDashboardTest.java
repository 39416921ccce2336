package org.lrdstream.app.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.lrdstream.state.metrics.Observability;
import org.lrdstream.state.records.Recommendation;

class LiveDashboardTest {
  @Test
  void ratesValuesAndRatiosAreReadFromTheScrape() {
    var registry = Observability.registry("scorer");
    var events = registry.counter("ev");
    var hits = registry.counter("hits");
    var count = registry.counter("count");
    var gauge = new java.util.concurrent.atomic.AtomicInteger(7);
    registry.gauge("version", gauge);
    var charts = List.of(new LiveDashboard.Chart("c", "", List.of(
        LiveDashboard.Line.rate("events", "ev_total"),
        LiveDashboard.Line.value("version", "version"),
        LiveDashboard.Line.ratio("hr", "hits_total", "count_total"))));
    try (var d = new LiveDashboard(List.of(registry), charts, id -> "text of " + id)) {
      d.sample(1_000);
      events.increment(10);
      hits.increment(1);
      count.increment(4);
      d.sample(3_000);
      var json = d.json();
      assertThat(json).contains("\"events (ev_total)\" : 5.0", "\"version (version)\" : 7.0", "\"hr (hits_total)\" : 0.25");
      var html = d.html();
      assertThat(html).contains("<polyline", "events: 5.00", "version: 7.00");
    }
  }

  @Test
  void recommendationsAreListedWithTextsAndEscaped() {
    try (var d = new LiveDashboard(List.of(Observability.registry("demo")), LiveDashboard.defaultCharts(List.of()),
        id -> Map.of("A1", "Stapler <red>", "A2", "Staples").getOrDefault(id, id))) {
      d.recommendation(new Recommendation("u1", "office/train/3", 4, 0, List.of(
          new Recommendation.RecommendedItem("A2", 1.5, new Recommendation.Reason("also-buy", "A1")))));
      var html = d.html();
      assertThat(html).contains("user u1", "model v4", "Staples", "Stapler &lt;red&gt;", "also-buy");
      assertThat(d.json()).contains("\"after_event\" : \"office/train/3\"");
    }
  }

  @Test
  void theScrapeParserSumsSeriesAndSkipsComments() {
    var m = new java.util.HashMap<String, Double>();
    LiveDashboard.parse("# HELP x\nx_total{a=\"1\"} 2.0\nx_total{a=\"2\"} 3.0\ny 1.5e3\nz NaN\n", m);
    assertThat(m.get("x_total")).isCloseTo(5.0, within(1e-12));
    assertThat(m.get("y")).isEqualTo(1500.0);
    assertThat(m).doesNotContainKey("z");
    assertThat(m.get("x_total{a=\"2\"}")).isEqualTo(3.0);
  }
}
