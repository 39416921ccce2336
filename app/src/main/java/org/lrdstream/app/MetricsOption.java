package org.lrdstream.app;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.lrdstream.state.metrics.MetricsServer;
import org.lrdstream.state.metrics.Observability;
import picocli.CommandLine.Option;

/** {@code --metrics-port} of the long-running roles: where Prometheus scrapes {@code /metrics}. */
final class MetricsOption {
  @Option(names = "--metrics-port", paramLabel = "PORT",
      description = "Serve /metrics (Prometheus) and /health on this port; 0 = any free port, -1 = off. Default: the role's port (ingest 9401, scorer 9402, trainer 9403).")
  Integer port;

  /** The registry of a role, served on the chosen port unless turned off; null server when off. */
  record Served(PrometheusMeterRegistry registry, MetricsServer server) implements AutoCloseable {
    @Override
    public void close() {
      if (server != null) {
        server.close();
      }
    }

    String where() {
      return server == null ? "metrics off" : "metrics at http://localhost:" + server.port() + "/metrics";
    }
  }

  Served start(String role, int defaultPort) {
    var registry = Observability.registry(role);
    int p = port == null ? defaultPort : port;
    return new Served(registry, p < 0 ? null : MetricsServer.start(p, registry));
  }
}
