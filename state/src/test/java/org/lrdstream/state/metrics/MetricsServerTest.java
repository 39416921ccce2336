package org.lrdstream.state.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class MetricsServerTest {
  private static HttpResponse<String> get(int port, String path, String method) throws Exception {
    var req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .method(method, HttpRequest.BodyPublishers.noBody()).build();
    return HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesTheRegistryInThePrometheusFormatWithTheRoleTagAndJvmMeters() throws Exception {
    var registry = Observability.registry("scorer");
    registry.counter("lrd.test.events").increment(3);
    try (var server = MetricsServer.start(0, registry)) {
      var r = get(server.port(), "/metrics", "GET");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
      assertThat(r.body()).contains("lrd_test_events_total{role=\"scorer\"} 3.0");
      assertThat(r.body()).contains("jvm_memory_used_bytes", "process_uptime_seconds", "jvm_threads_live_threads");
      assertThat(get(server.port(), "/health", "GET").body()).isEqualTo("ok\n");
      assertThat(get(server.port(), "/metrics", "POST").statusCode()).isEqualTo(405);
      assertThat(get(server.port(), "/nothing-here", "GET").statusCode()).isEqualTo(404);
    }
  }

  @Test
  void aPageThatFailsAnswers500WithTheReason() throws Exception {
    try (var server = MetricsServer.start(0, Observability.registry("demo"))) {
      server.page("/broken", "text/html", () -> {
        throw new IllegalStateException("no model yet");
      });
      var r = get(server.port(), "/broken", "GET");
      assertThat(r.statusCode()).isEqualTo(500);
      assertThat(r.body()).contains("no model yet");
    }
  }

  @Test
  void aPortInUseIsAClearError() {
    try (var first = MetricsServer.start(0, Observability.registry("ingest"))) {
      assertThatThrownBy(() -> MetricsServer.start(first.port(), Observability.registry("ingest")))
          .hasMessageContaining("port " + first.port()).hasMessageContaining("in use");
    }
  }
}
