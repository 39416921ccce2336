package org.lrdstream.state.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The meter registry of an lrd-stream process: Prometheus format, with the JVM and process meters
 * bound and a {@code role} tag on every meter ({@code ingest}, {@code scorer}, {@code trainer},
 * {@code demo}), so that one dashboard can tell the roles apart when they scrape into one
 * Prometheus. Kafka clients and Kafka Streams instances are bound by their roles (Micrometer's
 * {@code KafkaClientMetrics} / {@code KafkaStreamsMetrics}).
 */
public final class Observability {
  private Observability() {}

  public static PrometheusMeterRegistry registry(String role) {
    var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags("role", role);
    bindJvm(registry);
    return registry;
  }

  static void bindJvm(MeterRegistry registry) {
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }
}
