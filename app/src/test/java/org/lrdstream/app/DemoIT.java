package org.lrdstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's wiring end to end on a slice of Office: broker, ingest, online trainer and scorer in
 * one JVM. Recommendations with reasons arrive, the model version advances, and /metrics serves
 * every meter the Grafana dashboards query (all four dashboards: the demo runs every role).
 */
class DemoIT {
  @Test
  void theDemoRecommendsWithReasonsAndServesTheDashboardsMeters(@TempDir Path tmp) throws Exception {
    int port;
    try (var s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    var out = new StringWriter();
    var cl = LrdCommand.commandLine();
    cl.setOut(new PrintWriter(out, true));
    var office = java.nio.file.Files.isDirectory(Path.of("../../shared/data/office")) ? "../../shared/data/office" : "../shared/data/office";
    var demo = CompletableFuture.supplyAsync(() -> cl.execute("demo", "--data", office, "--max-events", "400",
        "--rate", "200", "--port", Integer.toString(port), "--data-dir", tmp.resolve("demo").toString(), "--show-every", "0",
        "--keep-serving", "8")); // meters refresh every 5 s
    var http = HttpClient.newHttpClient();
    String metrics = "";
    String status = "";
    long deadline = System.nanoTime() + 240_000_000_000L;
    var needed = DashboardsTest.queriedMetrics(DashboardsTest.DASHBOARDS, "ingest", "scorer", "trainer", "jvm");
    var missing = new TreeSet<String>(needed);
    while (!demo.isDone() && System.nanoTime() < deadline) {
      Thread.sleep(1000);
      try {
        metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/status")).build(),
            HttpResponse.BodyHandlers.ofString()).body();
      } catch (java.io.IOException e) {
        continue; // not listening yet, or already stopped
      }
      var names = ObservabilityIT.names(metrics);
      missing.removeIf(n -> n.startsWith("~") ? names.stream().anyMatch(k -> k.matches(n.substring(1))) : names.contains(n));
    }
    assertThat(demo.get()).as("exit code").isZero();
    var lines = out.toString().strip().split("\n");
    var summary = new ObjectMapper().readTree(lines[lines.length - 1]);
    assertThat(summary.path("events").asLong()).isEqualTo(400);
    assertThat(summary.path("recommendations").asLong()).isPositive();
    assertThat(summary.path("model_version").asLong()).isGreaterThanOrEqualTo(1);
    assertThat(summary.path("first_recommendation_seconds").asDouble()).isPositive();
    assertThat(status).contains("\"reason\"", "\"because_of\"", "\"model_version\"");
    // the ingest reject counter appears only after a reject; the rest must all be served
    missing.removeIf(n -> n.contains("rejected"));
    assertThat(missing).as("dashboard meters /metrics did not serve").isEmpty();
  }
}
