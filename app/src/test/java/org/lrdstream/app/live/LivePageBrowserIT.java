package org.lrdstream.app.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrdstream.state.metrics.MetricsServer;
import org.lrdstream.state.metrics.Observability;
import org.lrdstream.state.records.Recommendation;

/**
 * The live page in a real browser (headless Chromium, Debian's {@code chromium}; {@code .ci/run}
 * installs it): the page loads, its charts draw lines from real samples, and the latest
 * recommendations are listed. Skipped, with a message, where no Chromium is installed.
 */
class LivePageBrowserIT {
  static String chromium() {
    for (var c : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
      if (Files.isExecutable(Path.of(c))) {
        return c;
      }
    }
    return null;
  }

  @Test
  void thePageLoadsInChromiumAndItsChartsShowData(@TempDir Path tmp) throws Exception {
    var browser = chromium();
    assumeTrue(browser != null, "no Chromium installed (apt-get install chromium): the browser test is skipped");
    var registry = Observability.registry("demo");
    var accepted = registry.counter("kafka.stream.lrd.ingest.accepted");
    try (var page = new LiveDashboard(List.of(registry), LiveDashboard.defaultCharts(List.of()), id -> "item " + id);
        var server = MetricsServer.start(0, registry)) {
      server.page("/", "text/html; charset=utf-8", page::html);
      for (int t = 0; t < 5; t++) {
        accepted.increment(100 + 10 * t);
        page.sample(1_000L * (t + 1));
      }
      page.recommendation(new Recommendation("u7", "office/train/9", 3, 0, List.of(
          new Recommendation.RecommendedItem("B1", 0.9, new Recommendation.Reason("latent-2", "B0")))));
      var process = new ProcessBuilder(browser, "--headless", "--no-sandbox", "--disable-gpu",
          "--user-data-dir=" + tmp.resolve("profile"), "--dump-dom", "http://127.0.0.1:" + server.port() + "/")
          .redirectError(tmp.resolve("chromium.err").toFile())
          .start();
      var dom = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(dom).as("DOM from Chromium; stderr: " + Files.readString(tmp.resolve("chromium.err")))
          .contains("Throughput", "Latest recommendations", "user u7", "item B1", "latent-2");
      // the throughput chart drew a line with one point per sample after the first
      var line = dom.substring(dom.indexOf("<polyline"));
      var points = line.substring(line.indexOf("points=\"") + 8, line.indexOf('"', line.indexOf("points=\"") + 8)).trim().split(" ");
      assertThat(points).hasSize(4);
    }
  }
}
