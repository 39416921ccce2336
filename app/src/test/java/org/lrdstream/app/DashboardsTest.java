package org.lrdstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The deployment files parse and hang together: docker-compose.yml, Prometheus' scrape config and
 * Grafana's provisioning, and every dashboard panel has a PromQL query. (That every metric a
 * dashboard queries is really registered is checked against live roles in ObservabilityIT.)
 */
class DashboardsTest {
  static final Path ROOT = Path.of("..");
  static final Path DASHBOARDS = ROOT.resolve("ops/grafana/dashboards");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> PROMQL_WORDS = Set.of("by", "without", "on", "ignoring", "group_left",
      "group_right", "bool", "and", "or", "unless", "offset", "le", "inf", "nan");

  static List<Path> dashboards() {
    try (Stream<Path> s = Files.list(DASHBOARDS)) {
      return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every PromQL expression of a dashboard's panels. */
  static List<String> expressions(JsonNode dashboard) {
    var out = new ArrayList<String>();
    for (var panel : dashboard.path("panels")) {
      for (var t : panel.path("targets")) {
        out.add(t.path("expr").asText());
      }
    }
    return out;
  }

  /**
   * The metric names a PromQL expression reads (functions, keywords, labels and ranges removed);
   * a name selected by a regular expression ({@code {__name__=~"..."}}) is returned as {@code ~regex}.
   */
  static Set<String> metricNames(String expr) {
    var out = new TreeSet<String>();
    var byName = Pattern.compile("__name__=~\"([^\"]*)\"").matcher(expr);
    while (byName.find()) {
      out.add("~" + byName.group(1));
    }
    var s = expr.replaceAll("\"[^\"]*\"", "\"\"")
        .replaceAll("\\{[^}]*}", " ")
        .replaceAll("\\[[^]]*]", " ")
        .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
    var m = Pattern.compile("(?<![0-9.a-zA-Z_:])[a-zA-Z_:][a-zA-Z0-9_:]*").matcher(s);
    while (m.find()) {
      var name = m.group();
      int after = m.end();
      while (after < s.length() && s.charAt(after) == ' ') {
        after++;
      }
      boolean call = after < s.length() && s.charAt(after) == '(';
      if (!call && !PROMQL_WORDS.contains(name.toLowerCase()) && !name.matches("\\d.*")) {
        out.add(name);
      }
    }
    return out;
  }

  /** The metric names queried by the dashboards whose file names start with one of the prefixes. */
  static TreeSet<String> queriedMetrics(Path dir, String... prefixes) throws IOException {
    var out = new TreeSet<String>();
    for (var p : dashboards()) {
      var name = p.getFileName().toString();
      if (Stream.of(prefixes).anyMatch(name::startsWith)) {
        for (var e : expressions(JSON.readTree(p.toFile()))) {
          out.addAll(metricNames(e));
        }
      }
    }
    return out;
  }

  @Test
  void promqlMetricNamesAreExtracted() {
    assertThat(metricNames("sum by (role) (rate(kafka_stream_lrd_ingest_accepted_total{role=\"ingest\"}[1m]))"))
        .containsExactly("kafka_stream_lrd_ingest_accepted_total");
    assertThat(metricNames("histogram_quantile(0.99, x_bucket) / on (job) group_left y_total + 1e3"))
        .containsExactly("x_bucket", "y_total");
    assertThat(metricNames("sum by (__name__) (rate({__name__=~\"a_.+_total\"}[1m]))")).containsExactly("~a_.+_total");
  }

  @Test
  void composeRunsKafkaTheThreeRolesPrometheusAndGrafana() throws Exception {
    var compose = YAML.readTree(ROOT.resolve("docker-compose.yml").toFile());
    var services = compose.path("services");
    assertThat(services.fieldNames()).toIterable().contains("kafka", "ingest", "trainer", "scorer", "prometheus", "grafana");
    for (var role : List.of("ingest", "trainer", "scorer")) {
      assertThat(services.path(role).path("build").asText()).isEqualTo(".");
      assertThat(services.path(role).path("command").toString()).contains(role).contains("--bootstrap-servers");
    }
    // every file the compose stack mounts exists in the repository
    for (var service : services) {
      for (var volume : service.path("volumes")) {
        var source = volume.asText().split(":")[0];
        if (source.startsWith("./")) {
          assertThat(ROOT.resolve(source)).as(volume.asText()).exists();
        }
      }
    }
  }

  @Test
  void prometheusScrapesEveryRoleAndGrafanaIsProvisioned() throws Exception {
    var prom = YAML.readTree(ROOT.resolve("ops/prometheus/prometheus.yml").toFile());
    var targets = prom.path("scrape_configs").toString();
    assertThat(targets).contains("ingest:9401", "scorer:9402", "trainer:9403");
    var ds = YAML.readTree(ROOT.resolve("ops/grafana/provisioning/datasources/prometheus.yml").toFile());
    assertThat(ds.path("datasources").get(0).path("type").asText()).isEqualTo("prometheus");
    var dash = YAML.readTree(ROOT.resolve("ops/grafana/provisioning/dashboards/lrd.yml").toFile());
    assertThat(dash.path("providers").get(0).path("options").path("path").asText()).isNotBlank();
  }

  @Test
  void everyDashboardIsValidJsonAndEveryPanelHasAQuery() throws Exception {
    var files = dashboards();
    assertThat(files).extracting(p -> p.getFileName().toString())
        .contains("ingest.json", "scorer.json", "trainer.json", "jvm.json");
    var uids = new TreeSet<String>();
    for (var f : files) {
      var d = JSON.readTree(f.toFile());
      assertThat(d.path("title").asText()).as(f.toString()).isNotBlank();
      assertThat(uids.add(d.path("uid").asText())).as("unique uid in " + f).isTrue();
      assertThat(d.path("panels")).as(f.toString()).isNotEmpty();
      for (var panel : d.path("panels")) {
        assertThat(panel.path("targets")).as(f + ": panel " + panel.path("title")).isNotEmpty();
        for (var t : panel.path("targets")) {
          assertThat(metricNames(t.path("expr").asText())).as(f + ": " + panel.path("title")).isNotEmpty();
        }
      }
    }
  }
}
