package org.lrdstream.state.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * A small HTTP server for a role's observability: {@code /metrics} (the registry in the
 * Prometheus text format, what Prometheus scrapes), {@code /health} ("ok"), and any page a role
 * adds with {@link #page}. Binds all interfaces, so that a Prometheus in another container can
 * scrape it; port 0 picks a free port ({@link #port()} says which).
 */
public final class MetricsServer implements AutoCloseable {
  public static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;

  private MetricsServer(HttpServer server) {
    this.server = server;
  }

  public static MetricsServer start(int port, PrometheusMeterRegistry registry) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(port), 0);
    } catch (BindException e) {
      throw new IllegalStateException("cannot serve metrics on port " + port + ": it is in use (choose another with --metrics-port)", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve metrics on port " + port + ": " + e.getMessage(), e);
    }
    server.setExecutor(Executors.newFixedThreadPool(2, r -> {
      var t = new Thread(r, "lrd-metrics-http");
      t.setDaemon(true);
      return t;
    }));
    var s = new MetricsServer(server);
    s.page("/metrics", PROMETHEUS_CONTENT_TYPE, registry::scrape);
    s.page("/health", "text/plain; charset=utf-8", () -> "ok\n");
    server.start();
    return s;
  }

  /** Serves {@code body} (computed per request) at {@code path} with a GET. */
  public void page(String path, String contentType, java.util.function.Supplier<String> body) {
    server.createContext(path, handler(contentType, body));
  }

  private static HttpHandler handler(String contentType, java.util.function.Supplier<String> body) {
    return (HttpExchange ex) -> {
      try (ex) {
        if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
          ex.sendResponseHeaders(405, -1);
          return;
        }
        byte[] bytes;
        try {
          bytes = body.get().getBytes(StandardCharsets.UTF_8);
        } catch (RuntimeException e) {
          var msg = ("error: " + e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
          ex.sendResponseHeaders(500, msg.length);
          ex.getResponseBody().write(msg);
          return;
        }
        ex.getResponseHeaders().set("Content-Type", contentType);
        if ("HEAD".equals(ex.getRequestMethod())) {
          ex.sendResponseHeaders(200, -1);
          return;
        }
        ex.sendResponseHeaders(200, bytes.length);
        ex.getResponseBody().write(bytes);
      }
    };
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private boolean closed;

  /** Stops serving; a second call does nothing. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
