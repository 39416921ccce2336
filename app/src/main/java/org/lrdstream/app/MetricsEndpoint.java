package org.lrdstream.app;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A role's Micrometer registry and, with a port, {@code GET /metrics} in the Prometheus text
 * format on it (JVM memory metrics included). Without a port the meters are kept in memory only.
 */
final class MetricsEndpoint implements AutoCloseable {
  private final MeterRegistry registry;
  private final HttpServer server;

  private MetricsEndpoint(MeterRegistry registry, HttpServer server) {
    this.registry = registry;
    this.server = server;
  }

  /** @param port 0 for no endpoint */
  static MetricsEndpoint start(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("--metrics-port must be 0..65535, got " + port);
    }
    if (port == 0) {
      return new MetricsEndpoint(new SimpleMeterRegistry(), null);
    }
    var prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(prometheus);
    try {
      var server = HttpServer.create(new InetSocketAddress(port), 0);
      server.createContext("/metrics", exchange -> {
        var body = prometheus.scrape().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        exchange.sendResponseHeaders(200, body.length);
        try (var out = exchange.getResponseBody()) {
          out.write(body);
        }
      });
      server.start();
      return new MetricsEndpoint(prometheus, server);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve metrics on port " + port + ": " + e.getMessage(), e);
    }
  }

  MeterRegistry registry() {
    return registry;
  }

  @Override
  public void close() {
    if (server != null) {
      server.stop(0);
    }
    registry.close();
  }
}
